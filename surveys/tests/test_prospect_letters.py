"""Non-member organisations without e-mail invited by letter, draft directory entries from their
answers, and other platforms' member registers where shared (issue 20)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from accounts.permissions import Actor
from audit.models import AuditEntry
from directory.models import Service
from partnership.models import MemberOrganisation
from surveys import queries
from surveys.models import Prospect, RegisterSharing, Response
from surveys.services import prospects
from surveys.services.questionnaire import do_create_survey, do_open_survey
from surveys.tests.test_organisations import ANSWERS
from tsunagari.lib.smtp import smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

HEADER = "団体名,種別,地域,メールアドレス,郵便番号,住所\n"
LIST = HEADER + (
    "NPO法人びわこ子ども食堂,NPO法人,大津市,biwako@example.jp,,\n"
    "こなん見守りの会,任意団体,湖南市,,520-3234,滋賀県湖南市中央1-1\n"
    "ひこね高齢者サロン,任意団体,彦根市,,〒５２２－０００１,滋賀県彦根市尾末町1-1\n"
)


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


def pdf_pages(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


class SurveyCase(BaseTestCase):
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

    def answer(self, code: str, answers: dict[str, str] | None = None) -> None:
        client = self.client_class()
        started = client.post(
            reverse("surveys:start", args=["alpha", "dantai"]), {"code": code, "with_code": "1"}
        )
        self.assertEqual(started.status_code, 302)
        for number in (1, 2):
            client.post(reverse("surveys:page", args=["alpha", "dantai", number]), answers or ANSWERS)


class LetterTests(SurveyCase):
    def test_organisations_without_email_get_a_printed_letter_with_their_own_code(self) -> None:
        self.assertEqual(
            self.client.post(self.page, {"action": "import", "file": csv_file(LIST)}).status_code, 302
        )
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.client.post(self.page, {"action": "invite"}, follow=True)
            self.assertEqual([m["To"] for m in inbox], ["biwako@example.jp"])  # no mail for the letters
        self.assertContains(response, "メールアドレスのない2団体には招待コードを発行しました")
        with scope(platform=self.platform):
            konan = Prospect.objects.select_related("invitation").get(area="湖南市")
            hikone = Prospect.objects.select_related("invitation").get(area="彦根市")
            mailed = Prospect.objects.get(area="大津市")
            self.assertEqual(hikone.postal_code, "522-0001")  # 〒 and full-width digits folded
            self.assertTrue(konan.invited_by_letter and hikone.invited_by_letter)
            self.assertFalse(mailed.invited_by_letter)
            code = konan.invitation.code  # type: ignore[union-attr]
        self.assertContains(response, reverse("surveys:prospect_letters", args=["alpha", self.survey.uuid]))
        batch = self.client.get(self.url("surveys:prospect_letters", self.survey.uuid))
        self.assertEqual(batch["Content-Type"], "application/pdf")
        self.assertEqual(pdf_pages(batch.content), 2)  # A4, one per organisation
        text = pdf_text(batch.content)
        self.assertIn(code, text)
        self.assertIn(hikone.invitation.code, text)  # type: ignore[union-attr]
        self.assertIn("〒520-3234", text)
        self.assertIn("滋賀県湖南市中央1-1", text)
        self.assertIn("こなん見守りの会", text)
        self.assertIn("/p/alpha/s/dantai/", text)
        self.assertNotIn("びわこ子ども食堂", text)
        one = self.client.get(self.url("surveys:prospect_letter", konan.uuid))
        self.assertEqual(pdf_pages(one.content), 1)
        self.assertIn(code, pdf_text(one.content))
        self.assertEqual(self.client.get(self.url("surveys:prospect_letter", mailed.uuid)).status_code, 404)
        with scope(platform=self.platform):
            self.assertEqual(AuditEntry.objects.filter(action="survey.prospect_letters_printed").count(), 2)

        # Answering with the letter's code works like the e-mailed one (typed in lower case).
        self.answer(code.lower())
        with scope(platform=self.platform):
            konan.refresh_from_db()
            self.assertTrue(konan.answered)
            self.assertEqual(Response.objects.get(prospect=konan).answers["service_name"], "ひだまりサロン")
        again = self.client_class().post(
            reverse("surveys:start", args=["alpha", "dantai"]), {"code": code, "with_code": "1"}
        )
        self.assertContains(again, "すでにご回答をいただいています", status_code=409)
        # The batch now holds only the letter not answered yet.
        self.assertEqual(
            pdf_pages(self.client.get(self.url("surveys:prospect_letters", self.survey.uuid)).content), 1
        )

    def test_a_row_with_neither_email_nor_address_or_a_bad_postal_code_is_refused_and_nothing_written(
        self,
    ) -> None:
        bad = HEADER + (
            "NPO法人びわこ子ども食堂,NPO法人,大津市,biwako@example.jp,,\n"
            "こなん見守りの会,任意団体,湖南市,,,\n"
            "ひこね高齢者サロン,任意団体,彦根市,,52-0001,滋賀県彦根市尾末町1-1\n"
        )
        response = self.client.post(self.page, {"action": "import", "file": csv_file(bad)})
        self.assertContains(response, "3行目: メールアドレスも住所もありません", status_code=400)
        self.assertContains(response, "4行目: 郵便番号「52-0001」が正しくありません", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(Prospect.objects.exists())

    def test_no_letter_batch_when_nobody_is_invited_by_letter_and_no_mail_reminders_to_letters(self) -> None:
        response = self.client.get(self.url("surveys:prospect_letters", self.survey.uuid))
        self.assertRedirects(response, self.page)
        self.client.post(self.page, {"action": "import", "file": csv_file(LIST)})
        with self.mail_sent():
            self.client.post(self.page, {"action": "invite"})
        with scope(platform=self.platform):
            Prospect.objects.update(invited_at="2020-01-01T00:00:00+09:00")
            due = queries.due_for_reminder(self.survey, timezone.now())
            self.assertEqual([p.area for p in due], ["大津市"])
            konan = Prospect.objects.get(area="湖南市")
        self.answer(konan.invitation.code)  # type: ignore[union-attr]
        refused = self.client.post(self.page, {"action": "join", "prospect": str(konan.uuid)})
        self.assertContains(refused, "メールアドレスがないため", status_code=400)


class DirectoryDraftTests(SurveyCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.post(self.page, {"action": "import", "file": csv_file(LIST)})
        with self.mail_sent():
            self.client.post(self.page, {"action": "invite"})
        with scope(platform=self.platform):
            self.konan = Prospect.objects.select_related("invitation").get(area="湖南市")
            self.hikone = Prospect.objects.select_related("invitation").get(area="彦根市")

    def test_a_non_members_answer_becomes_an_unpublished_draft_once(self) -> None:
        not_yet = self.client.post(self.page, {"action": "draft_directory", "prospect": str(self.konan.uuid)})
        self.assertContains(not_yet, "「こなん見守りの会」はまだ回答していません", status_code=400)
        self.answer(self.konan.invitation.code, {**ANSWERS, "q_service_url": "https://konan.example.jp/"})  # type: ignore[union-attr]
        page = self.client.get(self.page)
        self.assertContains(page, 'value="draft_directory"')
        made = self.client.post(self.page, {"action": "draft_directory", "prospect": str(self.konan.uuid)})
        self.assertEqual(made.status_code, 302)
        with scope(platform=self.platform):
            service = Service.objects.select_related("organization").get()
            self.assertFalse(service.is_published)
            self.assertEqual(service.name, "ひだまりサロン")
            self.assertEqual(service.description, "誰でも立ち寄れる居場所です。")
            self.assertEqual(service.application_process, "毎週水曜 10時〜15時")
            self.assertEqual(service.url, "https://konan.example.jp/")
            self.assertEqual(service.organization.name, "こなん見守りの会")
            self.assertEqual(service.organization.legal_status, "任意団体")
            self.assertIsNone(service.organization.member_id)
            self.assertFalse(Service.objects.public().exists())
            entry = AuditEntry.objects.get(action="survey.prospect_directory_draft")
            self.assertEqual(entry.data["service"], str(service.uuid))
        self.assertContains(self.client.get(self.page), "下書きを作成済み")
        twice = self.client.post(self.page, {"action": "draft_directory", "prospect": str(self.konan.uuid)})
        self.assertContains(twice, "既に資源・窓口の下書きを作っています", status_code=400)
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 1)
            self.assertEqual(AuditEntry.objects.filter(action="survey.prospect_directory_draft").count(), 1)

    def test_an_answer_refusing_the_listing_is_not_drafted_and_other_platforms_get_404(self) -> None:
        refusing = {k: v for k, v in ANSWERS.items() if not k.startswith("q_service")}
        self.answer(self.hikone.invitation.code, {**refusing, "q_portal_consent": "2"})  # type: ignore[union-attr]
        refused = self.client.post(
            self.page, {"action": "draft_directory", "prospect": str(self.hikone.uuid)}
        )
        self.assertContains(refused, "掲載を希望しないと答えています", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(Service.objects.exists())
        self.client.logout()
        self.login(self.outsider)
        other = self.client.post(self.page, {"action": "draft_directory", "prospect": str(self.hikone.uuid)})
        self.assertEqual(other.status_code, 404)


class SharedRegisterTests(SurveyCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        published = ["name", "area", "email"]
        cls.emailed = make_member(
            cls.other_platform,
            "NPO法人ベータ子ども食堂",
            email="kodomo@beta.example.jp",
            published_fields=published,
        )
        cls.posted = make_member(
            cls.other_platform,
            "ベータ見守りの会",
            email="private@beta.example.jp",
            postal_code="500-8001",
            address="岐阜県岐阜市1-2-3",
            published_fields=["name", "address"],
        )
        cls.hidden = make_member(
            cls.other_platform, "非公開の団体", email="hidden@beta.example.jp", published_fields=["email"]
        )
        with scopes_disabled():
            cls.beta_role = Role.objects.get(user=cls.outsider, platform=cls.other_platform)

    def share(self, on: bool = True) -> None:
        with scope(platform=self.other_platform):
            prospects.do_set_register_sharing(self.other_platform, on, actor=Actor.of_role(self.beta_role))

    def test_an_unshared_register_is_invisible_and_cannot_be_added_from(self) -> None:
        page = self.client.get(self.page + "?register=beta")
        self.assertContains(page, "会員名簿を提供しているプラットフォームはありません")
        self.assertNotContains(page, "ベータ子ども食堂")
        posted = self.client.post(
            self.page, {"action": "register", "source": "beta", "member": [str(self.emailed.uuid)]}
        )
        self.assertEqual(posted.status_code, 404)
        with scope(platform=self.platform):
            self.assertFalse(Prospect.objects.exists())
        # Sharing is off by default: no row is needed for that.
        with scopes_disabled():
            self.assertFalse(RegisterSharing.objects.exists())

    def test_a_shared_register_shows_only_published_fields_and_adds_prospects(self) -> None:
        self.share()
        page = self.client.get(self.page + "?register=beta")
        self.assertContains(page, "ベータ市PF")
        self.assertContains(page, "NPO法人ベータ子ども食堂")
        self.assertContains(page, "ベータ見守りの会")
        self.assertNotContains(page, "非公開の団体")  # not on its public register
        self.assertNotContains(page, self.other_member.name)  # no published way to reach it
        self.assertNotContains(page, "private@beta.example.jp")
        self.assertNotContains(page, "hidden@beta.example.jp")
        no_area = self.client.post(
            self.page, {"action": "register", "source": "beta", "member": [str(self.posted.uuid)]}
        )
        self.assertContains(no_area, "「ベータ見守りの会」: 地域を入力してください", status_code=400)
        hidden = self.client.post(
            self.page,
            {"action": "register", "source": "beta", "member": [str(self.hidden.uuid)], "area": "岐阜市"},
        )
        self.assertContains(hidden, "共有された名簿から加えられません", status_code=400)
        added = self.client.post(
            self.page,
            {
                "action": "register",
                "source": "beta",
                "member": [str(self.emailed.uuid), str(self.posted.uuid)],
                "area": "岐阜市",
            },
        )
        self.assertEqual(added.status_code, 302)
        with scope(platform=self.platform):
            rows = {p.name: p for p in Prospect.objects.all()}
            self.assertEqual(rows["NPO法人ベータ子ども食堂"].email, "kodomo@beta.example.jp")
            self.assertEqual(rows["NPO法人ベータ子ども食堂"].area, "岐阜市全域")
            self.assertEqual(rows["ベータ見守りの会"].email, "")  # its e-mail is not published
            self.assertEqual(rows["ベータ見守りの会"].address, "岐阜県岐阜市1-2-3")
            self.assertEqual(rows["ベータ見守りの会"].source_platform, self.other_platform)
            self.assertEqual(
                AuditEntry.objects.filter(action="survey.prospects_added_from_register").count(), 1
            )
        # Listed now: no longer offered; and when beta stops sharing, its register disappears.
        self.assertNotContains(
            self.client.get(self.page + "?register=beta"), 'value="' + str(self.emailed.uuid)
        )
        self.share(False)
        self.assertNotContains(self.client.get(self.page + "?register=beta"), "ベータ市PF")

    def test_a_platform_turns_sharing_on_for_itself_only_and_never_sees_its_own_register(self) -> None:
        self.assertContains(self.client.get(self.page), "会員名簿を提供する")
        self.assertEqual(
            self.client.post(self.page, {"action": "sharing", "shares_register": "1"}).status_code, 302
        )
        with scopes_disabled():
            self.assertTrue(RegisterSharing.objects.get(platform=self.platform).shares_register)
            self.assertFalse(RegisterSharing.objects.filter(platform=self.other_platform).exists())
            self.assertEqual(AuditEntry.objects.filter(action="survey.register_sharing_changed").count(), 1)
        page = self.client.get(self.page + "?register=alpha")
        self.assertContains(page, "会員名簿の提供を止める")
        self.assertContains(page, "会員名簿を提供しているプラットフォームはありません")
        with scope(platform=self.platform):
            self.assertEqual(queries.shared_register(self.survey, self.platform), [])
            self.assertEqual(MemberOrganisation.objects.count(), 1)


class ShigaRecruitmentDemoTests(BaseTestCase):
    def test_the_demo_has_letters_answers_drafts_and_the_applications_the_survey_produced(self) -> None:
        from collections import Counter

        from partnership.models import Application
        from surveys import demo
        from surveys.models import Survey

        created: Counter[str] = Counter()
        with scope(platform=self.platform):
            demo._organisation_survey(self.platform, created)
            survey = Survey.objects.get(slug=demo.ORG_SLUG)
            self.assertEqual(Prospect.objects.filter(survey=survey).count(), 88)
            self.assertEqual(
                Prospect.objects.filter(survey=survey, invited_by_letter=True, email="").count(), 11
            )
            self.assertEqual(Application.objects.count(), 8)
            self.assertEqual(Application.objects.filter(status=Application.Status.APPROVED).count(), 2)
            self.assertEqual(Service.objects.filter(is_published=False, member__isnull=True).count(), 3)
        self.assertEqual(created["applications from the organisation survey"], 8)
        self.login(self.admin)
        page = self.client.get(self.url("surveys:prospects", survey.uuid))
        self.assertContains(page, "入会申込: 審査中")
        self.assertContains(page, "入会申込: 承認")
        self.assertContains(page, "下書きを作成済み")
        self.assertContains(page, "郵送の依頼状を印刷する")
