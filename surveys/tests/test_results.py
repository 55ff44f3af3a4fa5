"""Results pages, exports, weighting settings and survey_estimate on an imported national-template survey."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import tempfile

import openpyxl
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope

from audit.models import AuditEntry
from surveys.data import responses_frame
from surveys.generate import national_answers, to_csv
from surveys.models import WeightingSettings
from surveys.services.imports import do_import_responses
from surveys.tests.helpers import SurveyTestCase
from tsunagari.lib.testing import run_tasks

REGIONS = ["中央", "西部", "東部", "北部", "秩父"]
POPULATION = {"中央": 520_000, "西部": 310_000, "東部": 280_000, "北部": 150_000, "秩父": 40_000}


class ImportedSurveyTestCase(SurveyTestCase):
    """The national-template survey with 700 generated responses (mail and web, design weights)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        frame = national_answers(
            700,
            seed=11,
            regions=REGIONS,
            region_p=[0.35, 0.25, 0.2, 0.15, 0.05],
            hikikomori=True,
            modes=("mail", "web"),
            population=POPULATION,
        )
        cls.frame = frame
        with scope(platform=cls.platform):
            do_import_responses(cls.survey, to_csv(frame), "sample.csv")

    def url(self, name: str, survey=None) -> str:  # type: ignore[no-untyped-def]
        return reverse(f"surveys:{name}", args=[self.platform.slug, (survey or self.survey).uuid])


class ResultsTestCase(ImportedSurveyTestCase):
    # --- results page -----------------------------------------------------------------------

    def test_it_shows_the_chart_the_benchmark_and_counts_beside_percentages(self) -> None:
        self.login(self.users["viewer"])
        response = self.client.get(self.url("results"))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn('<svg xmlns="http://www.w3.org/2000/svg" role="img"', body)
        self.assertIn("人々のつながりに関する基礎調査", body)
        self.assertIn(">4.8<", body)  # national share of しばしばある・常にある in the table
        # Unweighted count of the first category beside its weighted percentage.
        n1 = self.frame.filter(self.frame["loneliness_direct"] == 1).height
        self.assertIn(f'<td class="num">{n1}</td>', body)
        self.assertIn("<h3>地域別</h3>", body)  # group tables follow

    def test_it_shows_other_questions_and_means(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("results") + "?q=ucla_score")
        self.assertEqual(response.status_code, 200)
        expected = self.frame.select(
            (self.frame["ucla_1"] + self.frame["ucla_2"] + self.frame["ucla_3"]).alias("s")
        )
        self.assertContains(response, "UCLA")
        self.assertGreater(expected["s"].drop_nulls().len(), 600)

    def test_it_cross_tabulates(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("crosstab") + "?row=loneliness_direct&col=age_band")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<table class="crosstab')
        self.assertContains(response, "hidden-cell")  # small cells are marked
        same = self.client.get(self.url("crosstab") + "?row=sex&col=sex")
        self.assertContains(same, "同じ設問は選べません")

    def test_it_answers_404_for_another_platforms_survey(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("results")).status_code, 404)

    def test_it_lists_free_text_and_audits_the_read(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("free_text"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.READ_SENSITIVE, object_id=str(self.survey.uuid)
            ).exists()
        )

    # --- exports ----------------------------------------------------------------------------

    def test_it_exports_open_data_csv_with_small_cells_blank(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("results_csv"))
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        overall = [r for r in rows if r["question"] == "loneliness_direct" and not r["group_variable"]]
        self.assertEqual([r["category"] for r in overall], ["1", "2", "3", "4", "5", "NA"])
        self.assertAlmostEqual(sum(float(r["estimate"] or 0) for r in overall), 100.0, places=6)
        hidden = [r for r in rows if r["suppressed"] == "1"]
        self.assertTrue(hidden)
        self.assertTrue(all(r["estimate"] == "" and r["n"] == "" for r in hidden))
        shown = [
            r for r in rows if r["suppressed"] == "0" and r["n"] not in ("", "0") and r["category"] != "NA"
        ]
        self.assertTrue(all(int(r["n"]) >= 10 for r in shown))
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.EXPORT, object_id=str(self.survey.uuid)).exists()
        )

    def test_it_exports_excel_tables(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("results_xlsx"))
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertIn("01_loneliness_direct", book.sheetnames)
        sheet = book["01_loneliness_direct"]
        values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
        self.assertIn(4.8, values)  # national share beside the local one
        self.assertIn("非表示", values)  # a suppressed cross-tab cell

    def report_pdf(self):  # type: ignore[no-untyped-def]
        """The report as staff get it: 「作成しています」 first, the PDF once the task worker made it."""
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.get(self.url("results_pdf")).status_code, 202)
        run_tasks()
        return self.client.get(self.url("results_pdf"))

    def test_it_exports_a_pdf_report(self) -> None:
        self.login(self.admin)
        response = self.report_pdf()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertGreater(len(response.content), 20_000)

    def test_it_shows_question_texts_not_codes_on_the_page_and_in_the_pdf(self) -> None:
        self.login(self.admin)
        page = self.client.get(self.url("results")).content.decode()
        visible = re.sub(r"<[^>]+>", " ", page)  # codes may stay in attributes (option values)
        self.assertNotIn("loneliness_direct", visible)
        weighting = re.sub(r"<[^>]+>", " ", self.client.get(self.url("weighting")).content.decode())
        self.assertNotIn("層: stratum", weighting)
        pdf = self.report_pdf().content
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True).stdout
        self.assertNotIn("loneliness_direct", text.decode())
        self.assertNotIn("stratum", text.decode())  # its notes said 「層: stratum」
        self.assertIn("孤独", text.decode())

    # --- weighting --------------------------------------------------------------------------

    def test_it_uses_design_weights_from_the_imported_weight_and_shows_diagnostics(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("weighting"))
        self.assertEqual(response.status_code, 200)
        weights = self.frame["weight"]
        self.assertContains(response, f"{weights.max():.3f}")
        self.assertContains(response, "設計効果")

    def test_it_refuses_a_bad_population_table_naming_row_and_column(self) -> None:
        self.login(self.admin)
        bad = "age_band,sex,population\n1,1,100\n1,9,200\n"
        response = self.client.post(self.url("weighting"), {"action": "table", "t-text": bad})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "3 行目 2 列目（sex）: 「9」は選択肢にありません", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(WeightingSettings.objects.filter(survey=self.survey).exists())

    def test_it_rakes_to_typed_margins_and_estimates_with_them(self) -> None:
        self.login(self.admin)
        # Sex margin typed in option by option (labels from the questionnaire); ages as CSV with labels.
        with scope(platform=self.platform):
            sexes = [o for o in self.survey.current_version().questions.get(code="sex").options]
            ages = [o for o in self.survey.current_version().questions.get(code="age_band").options]
        total = sum(POPULATION.values())
        entry = {"action": "entry", "enter": "sex"}
        shares = [0.48, 0.51, 0.01]
        for option, share in zip(sexes, shares, strict=True):
            entry[f"e-level_{option['code']}"] = str(total * share)
        response = self.client.post(self.url("weighting"), entry)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        age_csv = "age_band,population\n" + "".join(f"{o['label']},{total / len(ages)}\n" for o in ages)
        self.assertEqual(
            self.client.post(self.url("weighting"), {"action": "table", "t-text": age_csv}).status_code, 302
        )
        settings = {
            "action": "settings",
            "s-scope": "auto",
            "s-stratum_code": "",
            "s-method": "rake",
            "s-trim_lower": "",
            "s-trim_upper": "",
            "s-small_cell": "10",
        }
        self.assertEqual(self.client.post(self.url("weighting"), settings).status_code, 302)
        # Responses with no sex or age answer cannot be raked: they are left out, and the page says how many.
        missing = self.frame.filter(self.frame["sex"].is_null() | self.frame["age_band"].is_null()).height
        self.assertGreater(missing, 0)
        page = self.client.get(self.url("weighting"))
        self.assertContains(page, f"母集団への調整に使う設問が無回答の {missing}件")
        self.assertNotContains(page, "ウェイトの設定を使えない")
        # The raked weights hit the typed margins.
        out = io.StringIO()
        call_command("survey_estimate", "alpha", "kodoku-2025", "--question", "sex", "--json", stdout=out)
        result = json.loads(out.getvalue())
        self.assertEqual(result["weighting"]["method"], "rake")
        self.assertEqual(result["n"], self.frame.height - missing)
        self.assertAlmostEqual(result["weighting"]["diagnostics"]["total"], total, delta=total * 1e-3)
        by_sex = {r["category"]: r["estimate"] for r in result["estimates"]}
        for option, share in zip(sexes, shares, strict=True):
            self.assertAlmostEqual(by_sex[str(option["code"])], share, delta=1e-3)
        # Explicit design columns bypass the settings.
        out = io.StringIO()
        call_command(
            "survey_estimate",
            "alpha",
            "kodoku-2025",
            "--question",
            "loneliness_direct",
            "--weight",
            "weight",
            "--json",
            stdout=out,
        )
        self.assertEqual(json.loads(out.getvalue())["weighting"]["settings"], False)
        # Remove the tables again.
        for _ in range(2):
            self.assertEqual(
                self.client.post(self.url("weighting"), {"action": "remove", "index": "0"}).status_code, 302
            )
        with scope(platform=self.platform):
            self.assertEqual(WeightingSettings.objects.get(survey=self.survey).tables, [])
            self.assertTrue(AuditEntry.objects.filter(action="survey.weighting_table_removed").exists())

    def test_it_is_linked_from_the_survey_page(self) -> None:
        self.login(self.admin)
        page = self.client.get(reverse("surveys:survey", args=[self.platform.slug, self.survey.uuid]))
        self.assertContains(page, self.url("results"))
        self.assertContains(page, self.url("weighting"))

    def test_it_is_for_the_secretariat_only(self) -> None:
        self.login(self.users["viewer"])
        self.assertEqual(self.client.get(self.url("weighting")).status_code, 403)


class SurveyEstimateCommandTestCase(ImportedSurveyTestCase):
    def run_json(self, *args: str) -> dict:  # type: ignore[type-arg]
        out = io.StringIO()
        call_command("survey_estimate", "alpha", "kodoku-2025", *args, "--json", stdout=out)
        return json.loads(out.getvalue())  # type: ignore[no-any-return]

    def test_it_prints_the_documented_json(self) -> None:
        result = self.run_json("--question", "loneliness_direct", "--by", "region")
        self.assertEqual(result["question"], "loneliness_direct")
        first = result["estimates"][0]
        self.assertTrue({"group", "category", "n", "estimate", "se", "ci_low", "ci_high"} <= set(first))
        self.assertEqual({r["group"] for r in result["estimates"]}, {"1", "2", "3", "4", "5"})
        self.assertEqual(sum(r["n"] for r in result["estimates"]), self.frame.height)

    def test_it_equals_the_closed_form_for_an_unweighted_simple_random_sample(self) -> None:
        # Without weights or strata the design is a simple random sample: p and sqrt(p(1-p)/(n-1)).
        with scope(platform=self.platform):
            frame = responses_frame(self.survey, ["loneliness_direct"])
        n = frame.height
        result = self.run_json("--question", "loneliness_direct", "--strata", "mode")
        unstratified = self.run_json("--question", "loneliness_direct", "--weight", "version")
        row = next(r for r in unstratified["estimates"] if r["category"] == "4")
        count = frame.filter(frame["loneliness_direct"] == 4).height
        p = count / n
        self.assertEqual(row["n"], count)
        self.assertAlmostEqual(row["estimate"], p, places=12)
        self.assertAlmostEqual(row["se"], math.sqrt(p * (1 - p) / (n - 1)), places=12)
        self.assertLess(row["ci_low"], p)
        self.assertGreater(row["ci_high"], p)
        self.assertEqual(len(result["estimates"]), 6)

    def test_it_explains_unknown_codes_and_columns(self) -> None:
        for args, message in (
            (("--question", "nope"), "unknown question code 'nope'"),
            (("--question", "loneliness_direct", "--by", "nada"), "unknown question code 'nada'"),
            (("--question", "loneliness_direct", "--weight", "w8"), "unknown column 'w8'"),
            (("--question", "loneliness_direct", "--strata", "zone"), "unknown column 'zone'"),
        ):
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.run_json(*args)
        with self.assertRaisesMessage(CommandError, "unknown survey 'x'"):
            call_command("survey_estimate", "alpha", "x", "--question", "q", stdout=io.StringIO())
