"""Organisation surveys beyond the members: /p/<slug>/staff/surveys/<uuid>/prospects/ (issue 20)."""

from __future__ import annotations

import io
from collections import Counter

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from directory.models import Organization
from surveys import demo
from surveys.models import Invitation, Prospect, Survey
from surveys.services.questionnaire import do_create_survey, do_open_survey
from surveys.tests.test_organisations import ANSWERS
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

HEADER = "団体名,種別,地域,メールアドレス\n"
GOOD = HEADER + (
    "NPO法人びわこ子ども食堂,NPO法人,大津市,biwako@example.jp\n"
    "一般社団法人こなんの居場所,一般社団法人,湖南市,konan@example.jp\n"
    "ＮＰＯ法人ひこね見守り隊,NPO法人,彦根市,ｈｉｋｏｎｅ＠example.jp\n"
)


def csv_file(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode(encoding), content_type="text/csv")


class ProspectTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scope(platform=cls.platform):
            cls.survey = do_create_survey(
                cls.platform,
                slug="dantai",
                title="支援団体向け活動実態調査",
                template="organisation",
                audience="organisations",
            )
            do_open_survey(cls.survey)

    def setUp(self) -> None:
        self.login(self.admin)
        self.page = self.url("surveys:prospects", self.survey.uuid)

    def test_it_imports_a_shift_jis_list_invites_by_mail_and_counts_answers_by_type_and_area(self) -> None:
        response = self.client.post(self.page, {"action": "import", "file": csv_file(GOOD, "cp932")})
        self.assertEqual(response.status_code, 302)
        with smtp_server() as inbox:
            with self.mail_sent():
                self.client.post(self.page, {"action": "invite"})
            self.assertEqual(
                sorted(m["To"] for m in inbox), ["biwako@example.jp", "hikone@example.jp", "konan@example.jp"]
            )
            with scope(platform=self.platform):
                prospect = Prospect.objects.get(area="大津市")
                code = prospect.invitation.code  # type: ignore[union-attr]
            bodies = "".join(body_of(m) for m in inbox)
            self.assertIn(f"/p/alpha/s/dantai/?code={code}", bodies)
            self.assertIn("会員でなくてもご回答いただけます", bodies)
            inbox.clear()
            with self.mail_sent():
                self.client.post(self.page, {"action": "invite"})
            self.assertEqual(inbox, [])
        client = self.client_class()
        client.post(reverse("surveys:start", args=["alpha", "dantai"]), {"code": code, "with_code": "1"})
        for number in (1, 2):
            client.post(reverse("surveys:page", args=["alpha", "dantai", number]), ANSWERS)
        with scope(platform=self.platform):
            self.assertIsNotNone(Invitation.objects.get(code=code).used_at)
        page = self.client.get(self.page)
        self.assertContains(page, '<th scope="row">大津市</th><td>1</td><td>1</td>', html=False)
        self.assertContains(page, '<th scope="row">NPO法人</th><td>1</td><td>2</td>', html=False)

    def test_it_refuses_duplicates_bad_mails_and_missing_areas_naming_rows_and_writes_nothing(self) -> None:
        bad = HEADER + (
            "NPO法人びわこ子ども食堂,NPO法人,大津市,biwako@example.jp\n"
            "NPO法人 びわこ子ども食堂,NPO法人,大津市,other@example.jp\n"
            "こなんの居場所,一般社団法人,,konan@example.jp\n"
            "ひこね見守り隊,NPO法人,彦根市,hikone@@example\n"
            f"{self.member_org.name},NPO法人,岐阜市,member@example.jp\n"
        )
        response = self.client.post(self.page, {"action": "import", "file": csv_file(bad)})
        self.assertContains(
            response, "3行目: 「NPO法人 びわこ子ども食堂」が重複しています。", status_code=400
        )
        self.assertContains(response, "4行目: 地域がありません。", status_code=400)
        self.assertContains(
            response, "5行目: メールアドレス「hikone@@example」が正しくありません。", status_code=400
        )
        self.assertContains(response, "6行目: 「", status_code=400)
        self.assertContains(response, "既に会員です", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(Prospect.objects.exists())

    def test_it_imports_an_excel_list_and_refuses_a_bad_one_naming_rows_and_writing_nothing(self) -> None:
        def workbook(*rows: tuple[object, ...]) -> SimpleUploadedFile:
            book = openpyxl.Workbook()
            sheet = book.active
            for row in rows:
                sheet.append(list(row))
            out = io.BytesIO()
            book.save(out)
            return SimpleUploadedFile(
                "list.xlsx",
                out.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )

        header = ("団体名", "種別", "地域", "メールアドレス")
        bad = workbook(
            header,
            ("NPO法人びわこ子ども食堂", "NPO法人", "大津市", "biwako@example.jp"),
            ("ＮＰＯ法人びわこ子ども食堂", "NPO法人", "大津市", "other@example.jp"),
            ("一般社団法人こなんの居場所", "一般社団法人", None, "konan@"),
        )
        response = self.client.post(self.page, {"action": "import", "file": bad})
        self.assertContains(
            response, "3行目: 「ＮＰＯ法人びわこ子ども食堂」が重複しています", status_code=400
        )
        self.assertContains(response, "4行目: 地域がありません", status_code=400)
        self.assertContains(response, "4行目: メールアドレス「konan@」が正しくありません", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(Prospect.objects.exists())
        missing = workbook(("団体名", "地域"), ("NPO法人A", "大津市"))
        response = self.client.post(self.page, {"action": "import", "file": missing})
        self.assertContains(response, "列が足りません: 種別、メールアドレス", status_code=400)
        good = workbook(
            header,
            ("NPO法人びわこ子ども食堂", "NPO法人", "大津市", "biwako@example.jp"),
            ("一般社団法人こなんの居場所", "一般社団法人", "湖南市", "konan@example.jp"),
        )
        self.assertEqual(self.client.post(self.page, {"action": "import", "file": good}).status_code, 302)
        with scope(platform=self.platform):
            self.assertEqual(sorted(Prospect.objects.values_list("area", flat=True)), ["大津市", "湖南市"])

    def test_it_adds_a_non_member_organisation_of_the_directory_to_the_list(self) -> None:
        with scope(platform=self.platform):
            outside = Organization.objects.create(
                platform=self.platform, name="NPO法人くさつ見守りネット", email="kusatsu@example.jp"
            )
            no_mail = Organization.objects.create(platform=self.platform, name="任意団体メールなし")
            member = Organization.objects.create(
                platform=self.platform, name="会員の団体", email="m@example.jp", member=self.member_org
            )
        page = self.client.get(self.page)
        self.assertContains(page, "NPO法人くさつ見守りネット")
        self.assertNotContains(page, "任意団体メールなし")
        self.assertNotContains(page, f'<option value="{member.pk}">')
        missing_area = self.client.post(
            self.page, {"action": "directory", "organization": outside.pk, "area": ""}
        )
        self.assertContains(missing_area, "地域を入力してください", status_code=400)
        refused = self.client.post(
            self.page, {"action": "directory", "organization": no_mail.pk, "area": "草津市"}
        )
        self.assertEqual(refused.status_code, 404)
        added = self.client.post(
            self.page, {"action": "directory", "organization": outside.pk, "area": "草津市"}
        )
        self.assertEqual(added.status_code, 302)
        with scope(platform=self.platform):
            prospect = Prospect.objects.get()
            self.assertEqual((prospect.email, prospect.area), ("kusatsu@example.jp", "草津市"))
        again = self.client.post(
            self.page, {"action": "directory", "organization": outside.pk, "area": "草津市"}
        )
        self.assertEqual(again.status_code, 404)  # no longer a candidate

    def test_it_is_linked_from_the_members_tracking_page(self) -> None:
        page = self.client.get(self.url("surveys:organisations", self.survey.uuid))
        self.assertContains(page, f'href="{self.page}"')

    def test_it_answers_404_to_another_platform(self) -> None:
        self.client.logout()
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.page).status_code, 404)
        other = self.url("surveys:prospects", self.survey.uuid, platform=self.other_platform)
        self.assertEqual(self.client.get(other).status_code, 404)


class ShigaDemoTests(BaseTestCase):
    def test_it_loads_88_non_member_bodies_and_shows_their_response_rates(self) -> None:
        created: Counter[str] = Counter()
        with scope(platform=self.platform):
            demo._organisation_survey(self.platform, created)
            survey = Survey.objects.get(slug=demo.ORG_SLUG)
            self.assertEqual(Prospect.objects.filter(survey=survey).count(), 88)
            answered = sum(
                p.answered for p in Prospect.objects.filter(survey=survey).select_related("invitation")
            )
        self.assertEqual(created["prospect survey responses"], answered)
        self.assertEqual(answered, 59)
        self.login(self.admin)
        page = self.client.get(self.url("surveys:prospects", survey.uuid))
        self.assertContains(page, "大津市")
        self.assertContains(page, "回答済み")
