import csv
import datetime
import io

from django.utils import timezone
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditEntry
from partnership.models import ActivityField, MemberOrganisation
from tsunagari.lib.testing import BaseTestCase, make_member


class ExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            fields = list(ActivityField.objects.filter(code__in=["elderly", "carers"]).order_by("order"))
        cls.unpublished = make_member(
            cls.platform,
            "非公開連絡先ネット",
            name_kana="ひこうかい",
            phone="099-000-1111",
            published_fields=["name"],
            fields=fields,
            joined_on=datetime.date(2023, 5, 10),
        )
        cls.gone = make_member(
            cls.platform,
            "退会済みネット",
            name_kana="たいかいずみ",
            status=MemberOrganisation.Status.WITHDRAWN,
            left_on=datetime.date(2025, 3, 31),
            rejoin_banned_until=datetime.date(2028, 3, 31),
        )
        cls.formula = make_member(cls.platform, '=HYPERLINK("http://evil")', name_kana="わるい")

    def csv_rows(self, **params) -> list[list[str]]:  # type: ignore[no-untyped-def]
        response = self.client.get(self.url("partnership:members_csv"), params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_it_exports_every_field_of_every_member_as_csv(self) -> None:
        self.login(self.admin)
        rows = self.csv_rows()
        header = rows[0]
        by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        self.assertEqual(
            set(by_name),
            {
                "NPO法人アルファ支援ネット",
                "非公開連絡先ネット",
                "退会済みネット",
                '\'=HYPERLINK("http://evil")',
            },
        )
        row = by_name["非公開連絡先ネット"]
        self.assertEqual(row["電話番号"], "099-000-1111")  # the staff register has every field
        self.assertEqual(row["活動分野"], "高齢者支援、ケアラー支援")
        self.assertEqual(row["状態"], "会員")
        self.assertEqual(row["会員区分"], "一般団体")
        self.assertEqual(row["入会日"], "2023-05-10")
        self.assertEqual(row["入会年度"], "2023")
        self.assertEqual(row["管理ID"], str(self.unpublished.uuid))
        gone = by_name["退会済みネット"]
        self.assertEqual(gone["状態"], "退会")
        self.assertEqual(gone["退会・除名日"], "2025-03-31")
        self.assertEqual(gone["再入会禁止期限"], "2028-03-31")
        self.assertNotIn("NPO法人ベータ支援ネット", by_name)

    def test_it_names_the_file_and_logs_the_export_with_its_row_count(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        response = self.client.get(self.url("partnership:members_csv"), {"status": "active"})
        stamp = timezone.localdate().strftime("%Y%m%d")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="members-alpha-{stamp}.csv"')
        entry = AuditEntry.objects.get(action=AuditEntry.EXPORT)
        self.assertEqual(entry.platform, self.platform)
        self.assertEqual(entry.data["rows"], 3)
        self.assertEqual(entry.data["format"], "csv")
        self.assertEqual(entry.data["filters"], {"status": "active"})
        self.assertEqual(entry.actor, self.users[Role.SECRETARIAT_STAFF])

    def test_it_exports_an_excel_workbook(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("partnership:members_xlsx"))
        self.assertEqual(response.status_code, 200)
        stamp = timezone.localdate().strftime("%Y%m%d")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="members-alpha-{stamp}.xlsx"'
        )
        book = load_workbook(io.BytesIO(response.content))
        sheet = book.active
        self.assertEqual(sheet.title, "会員名簿")
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet["A1"].font.bold)
        self.assertEqual(sheet["A1"].value, "団体名")
        self.assertGreater(sheet.column_dimensions["A"].width, 20)
        header = [c.value for c in sheet[1]]
        rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(len(rows), 4)
        row = rows["非公開連絡先ネット"]
        self.assertEqual(row["活動分野"], "高齢者支援、ケアラー支援")
        self.assertEqual(row["入会日"].date(), datetime.date(2023, 5, 10))
        self.assertEqual(row["電話番号"], "099-000-1111")
        # a name that looks like a formula stays text
        self.assertIn('=HYPERLINK("http://evil")', rows)
        cell = next(c for c in sheet["A"] if c.value == '=HYPERLINK("http://evil")')
        self.assertEqual(cell.data_type, "s")
        entry = AuditEntry.objects.get(action=AuditEntry.EXPORT)
        self.assertEqual((entry.data["format"], entry.data["rows"]), ("xlsx", 4))

    def test_it_applies_the_list_filters(self) -> None:
        self.login(self.admin)
        rows = self.csv_rows(status="withdrawn")
        self.assertEqual([r[0] for r in rows[1:]], ["退会済みネット"])

    def test_it_is_only_for_the_secretariat(self) -> None:
        for kind in (Role.VIEWER, Role.MEMBER_STAFF, Role.COUNSELLOR):
            self.login(self.users[kind])
            for name in ("partnership:members_csv", "partnership:members_xlsx"):
                self.assertEqual(self.client.get(self.url(name)).status_code, 403, (kind, name))
        self.login(self.outsider)
        for name in ("partnership:members_csv", "partnership:members_xlsx"):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.EXPORT).exists())
