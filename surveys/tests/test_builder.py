from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.urls import reverse
from django_scopes import scope

from surveys.models import Question, Survey
from surveys.tests.helpers import SurveyTestCase


class BuilderTestCase(SurveyTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def test_it_creates_a_survey_from_the_form_and_lists_it(self) -> None:
        response = self.client.post(
            self.url("surveys:create"),
            {
                "title": "市民調査",
                "slug": "shimin",
                "audience": "residents",
                "template": "national",
                "modules": ["young_carer"],
                "regions": "北部\n南部",
            },
        )
        with scope(platform=self.platform):
            survey = Survey.objects.get(slug="shimin")
            self.assertRedirects(response, self.url("surveys:survey", survey.uuid))
            codes = set(survey.current_version().questions.values_list("code", flat=True))
            self.assertIn("yc_cares", codes)
        listing = self.client.get(self.url("surveys:list"))
        self.assertContains(listing, "市民調査")
        detail = self.client.get(self.url("surveys:survey", survey.uuid))
        self.assertContains(detail, "loneliness_direct")
        self.assertContains(detail, "第1版で回答の受付を始める")

    def test_it_refuses_a_duplicate_slug_with_a_message(self) -> None:
        response = self.client.post(
            self.url("surveys:create"),
            {"title": "x", "slug": "kodoku-2025", "audience": "residents", "template": ""},
        )
        self.assertContains(response, "識別名「kodoku-2025」の調査はすでにあります。", status_code=400)

    def _new_draft(self) -> Survey:
        self.client.post(self.url("surveys:action", self.survey.uuid), {"action": "new_version"})
        self.survey.refresh_from_db()
        return self.survey

    def test_a_fielded_version_is_frozen_and_edits_go_to_a_new_version(self) -> None:
        with scope(platform=self.platform):
            section = self.survey.current_version().sections.first()
        add = {
            "section": str(section.pk),
            "code": "q_extra",
            "type": "single",
            "text": "追加の設問",
            "options_text": "1 = はい\n2 = いいえ",
        }
        refused = self.client.post(
            self.url("surveys:question_new", self.survey.uuid) + f"?section={section.uuid}", add
        )
        self.assertContains(refused, "実施中のため変更できません", status_code=400)
        self._new_draft()
        with scope(platform=self.platform):
            v2 = self.survey.current_version()
            self.assertEqual(v2.number, 2)
            self.assertEqual(v2.questions.count(), self.survey.versions.get(number=1).questions.count())
            section2 = v2.sections.get(order=section.order)
        response = self.client.post(
            self.url("surveys:question_new", self.survey.uuid), {**add, "section": str(section2.pk)}
        )
        self.assertRedirects(response, self.url("surveys:survey", self.survey.uuid))
        with scope(platform=self.platform):
            self.assertTrue(Question.objects.filter(version=v2, code="q_extra").exists())
            self.assertFalse(
                Question.objects.filter(
                    version__number=1, version__survey=self.survey, code="q_extra"
                ).exists()
            )

    def test_it_keeps_template_questions_locked_but_lets_staff_set_the_regions(self) -> None:
        self._new_draft()
        with scope(platform=self.platform):
            version = self.survey.current_version()
            direct = version.questions.get(code="loneliness_direct")
            region = version.questions.get(code="region")
        page = self.client.get(self.url("surveys:question", direct.uuid))
        self.assertContains(page, "全国調査と比較するための設問です。")
        self.client.post(
            self.url("surveys:question", direct.uuid), {"text": "書き換え", "options_text": "1 = a"}
        )
        response = self.client.post(
            self.url("surveys:question_action", direct.uuid), {"action": "delete"}, follow=True
        )
        self.assertContains(response, "全国調査と比較するための設問は削除できません。")
        ok = self.client.post(
            self.url("surveys:question", region.uuid), {"options_text": "1 = 岐阜\n2 = 西濃\n3 = 飛騨"}
        )
        self.assertRedirects(ok, self.url("surveys:survey", self.survey.uuid))
        with scope(platform=self.platform):
            direct.refresh_from_db()
            region.refresh_from_db()
            self.assertEqual(direct.text, "あなたは、どの程度、孤独であると感じることがありますか。")
            self.assertEqual([o["label"] for o in region.options], ["岐阜", "西濃", "飛騨"])

    def test_it_validates_conditions_and_option_lines_with_messages(self) -> None:
        self._new_draft()
        with scope(platform=self.platform):
            section = self.survey.current_version().sections.order_by("order").first()
        base = {"section": str(section.pk), "code": "why", "type": "multiple", "text": "理由"}
        bad = self.client.post(
            self.url("surveys:question_new", self.survey.uuid),
            {**base, "options_text": "a = x", "conditions_text": "outing_freq maybe 1"},
        )
        self.assertContains(bad, "1行目: 番号は整数で書いてください。", status_code=400)
        self.assertContains(bad, "演算子「maybe」は使えません", status_code=400)
        later = self.client.post(
            self.url("surveys:question_new", self.survey.uuid),
            {**base, "options_text": "1 = x\n2 = y !", "conditions_text": "age_band >= 3"},
        )
        self.assertContains(
            later, "表示条件のコード「age_band」は、この設問より前の設問ではありません。", status_code=400
        )
        taken = self.client.post(
            self.url("surveys:question_new", self.survey.uuid),
            {**base, "code": "ucla_2", "options_text": "1 = x"},
        )
        self.assertContains(taken, "コード「ucla_2」はこの調査票で使われています。", status_code=400)

    def test_preview_and_paper_pdf_use_the_same_numbers(self) -> None:
        preview = self.client.get(self.url("surveys:preview", self.survey.uuid))
        self.assertContains(preview, "問12")
        self.assertContains(preview, "outing_freq in 5,6,7,8")
        pdf = self.client.get(self.url("surveys:paper_pdf", self.survey.uuid))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "q.pdf"
            path.write_bytes(pdf.content)
            text = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        self.assertRegex(info, r"Tagged:\s+yes")  # structure for screen readers
        self.assertIn("問1", text)
        self.assertIn("問12", text)
        self.assertIn("問3で「5, 6, 7, 8」と答えた方のみお答えください。", text)
        self.assertIn("しばしばある・常にある", text)

    def test_viewers_can_read_but_not_edit(self) -> None:
        self.login(self.users["viewer"])
        self.assertEqual(self.client.get(self.url("surveys:survey", self.survey.uuid)).status_code, 200)
        self.assertEqual(
            self.client.post(self.url("surveys:action", self.survey.uuid), {"action": "close"}).status_code,
            403,
        )
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("surveys:survey", self.survey.uuid)).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("surveys:survey", args=["beta", self.survey.uuid])).status_code, 404
        )


class BenchmarkPageTestCase(SurveyTestCase):
    def test_it_lists_the_shipped_r5_figures_and_adds_another_year(self) -> None:
        self.login(self.admin)
        url = self.url("surveys:benchmarks")
        self.assertContains(self.client.get(url), "11141")
        data = {
            "question_code": "loneliness_direct",
            "source": "人々のつながりに関する基礎調査（内閣官房）",
            "year": "2022",
            "n": "11218",
            "percentages": "1 = 4.9\n2 = 15.8\n3 = 19.6\n4 = 40.6\n5 = 18.1",
            "no_answer": "1.0",
        }
        self.assertRedirects(self.client.post(url, data), url)
        bad = self.client.post(url, {**data, "year": "2021", "percentages": "1 = 40\n2 = 40"})
        self.assertContains(bad, "割合の合計（無回答を含む）が81.0%です。", status_code=400)
        dup = self.client.post(url, {**data, "year": "2023"})
        self.assertContains(dup, "同じ設問・調査年・出典の比較基準はすでにあります。", status_code=400)
        with scope(platform=self.platform):
            from surveys.models import Benchmark

            years = sorted(Benchmark.objects.available_to(self.platform).values_list("year", flat=True))
            self.assertEqual(years, [2022, 2023])
            self.assertEqual(
                list(Benchmark.objects.available_to(self.other_platform).values_list("year", flat=True)),
                [2023],
            )
        self.login(self.users["viewer"])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, data).status_code, 403)
