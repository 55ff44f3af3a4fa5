"""Existing councils and their seats: /p/<slug>/staff/councils/ and each council (Ichihara 4-5-7)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from partnership.models import Council, CouncilSeat, MemberOrganisation
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase, make_member


def make_council(platform: Platform, name: str, *seats: str, **extra: Any) -> Council:
    with scopes_disabled():
        council = Council.objects.create(platform=platform, name=name, **extra)
        for seat in seats:
            CouncilSeat.objects.create(platform=platform, council=council, organisation_name=seat)
        return council


def seat_names(council: Council) -> list[str]:
    with scopes_disabled():
        return sorted(CouncilSeat.objects.filter(council=council).values_list("organisation_name", flat=True))


def csv_file(text: str, encoding: str = "utf-8", name: str = "seats.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


class CouncilTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.council = make_council(
            cls.platform,
            "市原市地域福祉推進協議会",
            "市原市民生委員児童委員協議会",
            field="福祉（地域福祉）",
            department="共生社会推進課",
        )
        cls.beta_council = make_council(cls.other_platform, "ベータ市の会議", "ベータの団体")
        cls.shakyo = make_member(cls.platform, "市原市社会福祉協議会")

    def setUp(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])

    def detail_url(self, council: Council | None = None) -> str:
        return self.url("partnership:council", (council or self.council).uuid)

    def post(self, action: str, council: Council | None = None, **data: Any):  # type: ignore[no-untyped-def]
        return self.client.post(self.detail_url(council), {"action": action, **data})

    def upload(self, text: str, **extra: Any):  # type: ignore[no-untyped-def]
        data = {"action": "upload", "u-file": csv_file(text, **extra)}
        return self.client.post(self.url("partnership:councils"), data)

    def audit_actions(self) -> list[str]:
        with scopes_disabled():
            return list(AuditEntry.objects.filter(platform=self.platform).values_list("action", flat=True))

    # --- access ---------------------------------------------------------------------------------

    def test_it_answers_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("partnership:councils")).status_code, 404)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 404)
        self.assertEqual(self.post("add_names", **{"n-names": "越境団体"}).status_code, 404)
        self.assertEqual(seat_names(self.council), ["市原市民生委員児童委員協議会"])

    def test_it_answers_404_for_another_platforms_council_in_this_platforms_url(self) -> None:
        url = self.detail_url(self.beta_council)
        self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(url, {"action": "add_names", "n-names": "越境団体"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(seat_names(self.beta_council), ["ベータの団体"])

    def test_it_forbids_counsellors_and_member_staff(self) -> None:
        for kind in (Role.COUNSELLOR, Role.MEMBER_STAFF):
            with self.subTest(kind=kind):
                self.login(self.users[kind])
                self.assertEqual(self.client.get(self.url("partnership:councils")).status_code, 403)
                self.assertEqual(self.client.get(self.detail_url()).status_code, 403)

    def test_it_lets_viewers_read_but_not_change(self) -> None:
        self.login(self.users[Role.VIEWER])
        response = self.client.get(self.detail_url())
        self.assertContains(response, "市原市民生委員児童委員協議会")
        self.assertNotContains(response, 'value="add_names"')
        self.assertNotContains(self.client.get(self.url("partnership:councils")), 'value="create"')
        self.assertEqual(self.post("add_names", **{"n-names": "閲覧者の追加"}).status_code, 403)
        self.assertEqual(self.post("delete", confirm="on").status_code, 403)
        response = self.client.post(self.url("partnership:councils"), {"action": "create", "c-name": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(seat_names(self.council), ["市原市民生委員児童委員協議会"])

    # --- list and create ------------------------------------------------------------------------

    def test_it_lists_councils_with_their_seat_counts_largest_first(self) -> None:
        make_council(self.platform, "市原市特別支援教育等連携協議会")
        make_council(self.platform, "いちほらっこの子育て支援会議", "a", "b", "c")
        response = self.client.get(self.url("partnership:councils"))
        html = response.content.decode()
        self.assertLess(html.index("いちほらっこの子育て支援会議"), html.index("市原市地域福祉推進協議会"))
        self.assertLess(html.index("市原市地域福祉推進協議会"), html.index("市原市特別支援教育等連携協議会"))
        self.assertContains(response, '<td class="num">3</td>', html=False)
        self.assertContains(response, "共生社会推進課")
        self.assertNotContains(response, "ベータ市の会議")

    def test_it_creates_a_council_and_refuses_a_duplicate_name(self) -> None:
        data = {
            "action": "create",
            "c-name": "市原市都市再生協議会",
            "c-field": "都市計画",
            "c-department": "",
        }
        response = self.client.post(self.url("partnership:councils"), data)
        with scopes_disabled():
            council = Council.objects.get(platform=self.platform, name="市原市都市再生協議会")
        self.assertRedirects(response, self.detail_url(council))
        self.assertEqual(council.field, "都市計画")
        self.assertIn("council.created", self.audit_actions())
        response = self.client.post(self.url("partnership:councils"), data)
        self.assertContains(response, "会議体名称: 同じ名称の会議体が既に登録されています。")
        with scopes_disabled():
            self.assertEqual(Council.objects.filter(name="市原市都市再生協議会").count(), 1)

    def test_it_allows_the_same_council_name_on_another_platform(self) -> None:
        data = {"action": "create", "c-name": "ベータ市の会議"}
        response = self.client.post(self.url("partnership:councils"), data)
        self.assertEqual(response.status_code, 302)

    def test_it_requires_a_council_name(self) -> None:
        response = self.client.post(self.url("partnership:councils"), {"action": "create", "c-name": " "})
        self.assertContains(response, "会議体名称: このフィールドは必須です。")

    # --- seats by typed names -------------------------------------------------------------------

    def test_it_adds_typed_names_in_bulk_and_links_members_by_normalised_name(self) -> None:
        names = "社会福祉法人 市原市社会福祉協議会\n\n一般社団法人市原市医師会\n  千葉県弁護士会  \n"
        response = self.post("add_names", **{"n-names": names})
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(
            seat_names(self.council),
            [
                "一般社団法人市原市医師会",
                "千葉県弁護士会",
                "市原市民生委員児童委員協議会",
                "社会福祉法人 市原市社会福祉協議会",
            ],
        )
        with scopes_disabled():
            linked = CouncilSeat.objects.get(
                council=self.council, organisation_name__contains="社会福祉協議会"
            )
        self.assertEqual(linked.member_id, self.shakyo.pk)
        self.assertIn("council.seats_added", self.audit_actions())
        response = self.client.get(self.detail_url())
        self.assertContains(response, "構成団体（4団体）")
        self.assertContains(response, f'href="/p/alpha/staff/members/{self.shakyo.uuid}/"')

    def test_it_refuses_duplicates_naming_the_line_and_stores_nothing(self) -> None:
        names = "千葉県弁護士会\n市原市 民生委員児童委員協議会\nＮＰＯ法人つむぎネット\nつむぎネット"
        response = self.post("add_names", **{"n-names": names})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "2行目: 「市原市 民生委員児童委員協議会」は既にこの会議体の構成団体です（登録名「市原市民生委員児童委員協議会」）。",
        )
        self.assertContains(response, "4行目: 「つむぎネット」は3行目と同じ団体です。")
        self.assertEqual(seat_names(self.council), ["市原市民生委員児童委員協議会"])

    def test_it_refuses_a_name_with_nothing_but_a_legal_form(self) -> None:
        response = self.post("add_names", **{"n-names": "株式会社"})
        self.assertContains(response, "1行目: 「株式会社」には団体を区別できる文字がありません。")

    # --- seats by member ------------------------------------------------------------------------

    def test_it_adds_an_active_member_and_offers_only_members_not_seated(self) -> None:
        response = self.client.get(self.detail_url())
        self.assertContains(response, f'value="{self.shakyo.uuid}"')
        response = self.post("add_member", **{"m-member": str(self.shakyo.uuid)})
        self.assertRedirects(response, self.detail_url())
        with scopes_disabled():
            seat = CouncilSeat.objects.get(council=self.council, member=self.shakyo)
        self.assertEqual(seat.organisation_name, "市原市社会福祉協議会")
        html = self.client.get(self.detail_url()).content.decode()
        add_member_select = html[
            html.index('name="m-member"') : html.index("</select>", html.index('name="m-member"'))
        ]
        self.assertNotIn(str(self.shakyo.uuid), add_member_select)
        self.assertIn(str(self.member_org.uuid), add_member_select)
        response = self.post("add_member", **{"m-member": str(self.shakyo.uuid)})
        self.assertContains(response, "正しく選択してください。")
        self.assertEqual(len(seat_names(self.council)), 2)

    def test_it_refuses_a_former_or_another_platforms_member(self) -> None:
        former = make_member(self.platform, "退会した団体", status=MemberOrganisation.Status.WITHDRAWN)
        for member in (former, self.other_member):
            with self.subTest(member=member.name):
                response = self.post("add_member", **{"m-member": str(member.uuid)})
                self.assertContains(response, "正しく選択してください。")
        self.assertEqual(seat_names(self.council), ["市原市民生委員児童委員協議会"])

    # --- link and remove ------------------------------------------------------------------------

    def test_it_links_a_typed_name_to_a_member_later(self) -> None:
        minsei = make_member(self.platform, "市原市民生委員・児童委員協議会連合会")
        with scopes_disabled():
            seat = CouncilSeat.objects.get(council=self.council)
        response = self.post("link", **{"l-seat": str(seat.uuid), "l-member": str(minsei.uuid)})
        self.assertRedirects(response, self.detail_url())
        seat.refresh_from_db()
        self.assertEqual(seat.member_id, minsei.pk)
        self.assertEqual(seat.organisation_name, "市原市民生委員児童委員協議会")
        self.assertIn("council.seat_linked", self.audit_actions())

    def test_it_refuses_to_link_a_member_already_linked_on_this_council(self) -> None:
        self.post("add_member", **{"m-member": str(self.shakyo.uuid)})
        with scopes_disabled():
            seat = CouncilSeat.objects.get(council=self.council, member__isnull=True)
        response = self.post("link", **{"l-seat": str(seat.uuid), "l-member": str(self.shakyo.uuid)})
        self.assertContains(response, "リンクする会員団体: 正しく選択してください。")
        seat.refresh_from_db()
        self.assertIsNone(seat.member_id)

    def test_it_removes_a_seat_but_not_another_councils_seat(self) -> None:
        with scopes_disabled():
            seat = CouncilSeat.objects.get(council=self.council)
            beta_seat = CouncilSeat.objects.get(council=self.beta_council)
        response = self.post("remove", seat=str(beta_seat.uuid))
        self.assertContains(response, "外す団体が見つかりません。")
        self.assertEqual(seat_names(self.beta_council), ["ベータの団体"])
        response = self.post("remove", seat=str(seat.uuid))
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(seat_names(self.council), [])
        self.assertIn("council.seat_removed", self.audit_actions())

    # --- edit and delete ------------------------------------------------------------------------

    def test_it_edits_the_council_and_logs_the_changed_fields(self) -> None:
        data = {"c-name": "市原市地域福祉推進協議会", "c-field": "福祉", "c-department": "共生社会推進課"}
        response = self.post("edit", **data, **{"c-note": "助言機関として活用"})
        self.assertRedirects(response, self.detail_url())
        self.council.refresh_from_db()
        self.assertEqual((self.council.field, self.council.note), ("福祉", "助言機関として活用"))
        with scopes_disabled():
            entry = AuditEntry.objects.get(action="council.updated")
        self.assertEqual(entry.data, {"changed": ["field", "note"]})

    def test_it_deletes_a_council_only_when_confirmed(self) -> None:
        response = self.post("delete")
        self.assertContains(response, "削除する場合は確認のチェックを入れてください。")
        response = self.post("delete", confirm="on")
        self.assertRedirects(response, self.url("partnership:councils"))
        with scopes_disabled():
            self.assertFalse(Council.objects.filter(pk=self.council.pk).exists())
            self.assertFalse(CouncilSeat.objects.filter(council_id=self.council.pk).exists())

    def test_it_answers_400_to_an_unknown_action(self) -> None:
        self.assertEqual(self.post("explode").status_code, 400)

    # --- CSV ------------------------------------------------------------------------------------

    def test_it_imports_seats_from_a_csv_and_links_members(self) -> None:
        text = (
            "会議体名称,団体名\n"
            "市原市地域福祉推進協議会,社会福祉法人市原市社会福祉協議会\n"
            "市原市地域福祉推進協議会,千葉県社会福祉士会\n"
        )
        response = self.upload(text)
        self.assertRedirects(response, self.url("partnership:councils"))
        self.assertEqual(
            seat_names(self.council),
            ["千葉県社会福祉士会", "市原市民生委員児童委員協議会", "社会福祉法人市原市社会福祉協議会"],
        )
        with scopes_disabled():
            self.assertEqual(CouncilSeat.objects.filter(member=self.shakyo).count(), 1)
            entry = AuditEntry.objects.get(action="council.seats_imported")
        self.assertEqual(entry.data, {"seats": 2, "councils_created": 0, "linked": 1})

    def test_it_reads_shift_jis_with_extra_columns_in_any_order(self) -> None:
        text = "団体名,備考,会議体名称\r\n千葉県弁護士会,メモ,市原市地域福祉推進協議会\r\n"
        response = self.upload(text, encoding="cp932")
        self.assertEqual(response.status_code, 302)
        self.assertIn("千葉県弁護士会", seat_names(self.council))

    def test_it_reports_every_bad_row_with_its_number_and_stores_nothing(self) -> None:
        text = (
            "会議体名称,団体名\n"
            "市原市地域福祉推進協議会,千葉県弁護士会\n"
            ",名前だけ\n"
            "市原市地域福祉推進協議会,\n"
            "存在しない会議,どこかの団体\n"
            "市原市地域福祉推進協議会,市原市民生委員児童委員協議会\n"
            "市原市地域福祉推進協議会,千葉県 弁護士会\n"
        )
        response = self.upload(text)
        self.assertEqual(response.status_code, 200)
        for message in (
            "CSVに5件の誤りがあります。何も登録していません。",
            "3行目: 会議体名称が空です。",
            "4行目: 団体名が空です。",
            "5行目: 会議体「存在しない会議」は登録されていません。",
            "6行目: 「市原市民生委員児童委員協議会」は既に「市原市地域福祉推進協議会」の構成団体として登録されています。",
            "7行目: 「千葉県 弁護士会」と「市原市地域福祉推進協議会」の組み合わせは2行目と重複しています。",
        ):
            self.assertContains(response, message)
        self.assertEqual(seat_names(self.council), ["市原市民生委員児童委員協議会"])
        self.assertNotIn("council.seats_imported", self.audit_actions())

    def test_it_creates_missing_councils_only_when_asked(self) -> None:
        text = "会議体名称,団体名\n市原市空家等対策協議会,千葉県弁護士会\n市原市空家等対策協議会,市原商工会議所\n"
        self.upload(text)
        with scopes_disabled():
            self.assertFalse(Council.objects.filter(name="市原市空家等対策協議会").exists())
        data = {"action": "upload", "u-file": csv_file(text), "u-create_missing": "on"}
        response = self.client.post(self.url("partnership:councils"), data)
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            council = Council.objects.get(platform=self.platform, name="市原市空家等対策協議会")
        self.assertEqual(seat_names(council), ["千葉県弁護士会", "市原商工会議所"])

    def test_it_refuses_a_csv_without_the_columns_or_rows(self) -> None:
        response = self.upload("名前,会議\nx,y\n")
        self.assertContains(response, "1行目: 見出しに「会議体名称」「団体名」の列がありません。")
        response = self.upload("会議体名称,団体名\n")
        self.assertContains(response, "データの行がありません")
        response = self.upload("", name="empty.csv")
        self.assertContains(response, "CSVファイル: ")

    def test_it_refuses_a_file_that_is_not_csv_or_not_text(self) -> None:
        response = self.upload("会議体名称,団体名\n", name="seats.xlsx")
        self.assertContains(response, "CSVファイル: CSVファイル（拡張子 .csv）を選んでください。")
        data = {"action": "upload", "u-file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x81\x00")}
        response = self.client.post(self.url("partnership:councils"), data)
        self.assertContains(response, "ファイルの文字コードを読み取れません。")
