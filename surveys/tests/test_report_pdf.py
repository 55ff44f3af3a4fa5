"""The survey report PDF, rendered by the task worker once per version of the data (issue 21 item 5)."""

from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from surveys import exports, queries
from surveys.generate import national_answers, to_csv
from surveys.models import ReportRendering, Response, WeightingSettings
from surveys.services import report
from surveys.services.imports import do_import_responses
from surveys.services.questionnaire import bump_revision
from surveys.tests.helpers import SurveyTestCase
from tsunagari.lib.testing import run_tasks

REGIONS = ["中央", "西部", "東部", "北部", "秩父"]


class ReportPdfTestCase(SurveyTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        frame = national_answers(
            120, seed=5, regions=REGIONS, region_p=[0.35, 0.25, 0.2, 0.15, 0.05], modes=("mail", "web")
        )
        with scope(platform=cls.platform):
            do_import_responses(cls.survey, to_csv(frame), "sample.csv")

    def setUp(self) -> None:
        super().setUp()
        self.login(self.admin)

    def fetch(self):  # type: ignore[no-untyped-def]
        """One request, with what it queues for after its commit."""
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.get(
                reverse("surveys:results_pdf", args=[self.platform.slug, self.survey.uuid])
            )

    def key(self) -> str:
        with scope(platform=self.platform):
            return queries.report_key(self.survey, "ja")

    def queued(self):  # type: ignore[no-untyped-def]
        return DBTaskResult.objects.filter(task_path=report.render_report.module_path)

    def exports_audited(self):  # type: ignore[no-untyped-def]
        return AuditEntry.objects.filter(action=AuditEntry.EXPORT, object_id=str(self.survey.uuid))

    def test_the_first_request_says_it_is_being_prepared_and_the_worker_renders_it(self) -> None:
        with mock.patch.object(exports, "pdf_document", side_effect=AssertionError("in the request")):
            waiting = self.fetch()
            self.assertEqual(waiting.status_code, 202)
            self.assertEqual(waiting["Retry-After"], "5")
            self.assertIn("no-store", waiting["Cache-Control"])
            html = waiting.content.decode()
            self.assertIn('<meta http-equiv="refresh" content="5">', html)
            self.assertIn("調査報告書を作成しています", html)
            results = reverse("surveys:results", args=[self.platform.slug, self.survey.uuid])
            self.assertIn(f'href="{results}"', html)
            self.assertEqual(self.fetch().status_code, 202)  # claimed once, not queued twice
        self.assertEqual(self.queued().filter(status="READY").count(), 1)
        self.assertFalse(self.exports_audited().exists())  # nothing was downloaded yet
        run_tasks()
        self.assertEqual(self.queued().filter(status="SUCCESSFUL").count(), 1)
        ready = self.fetch()
        self.assertEqual(ready.status_code, 200)
        self.assertTrue(ready.content.startswith(b"%PDF-"))
        self.assertEqual(ready["Content-Type"], "application/pdf")
        stamp = timezone.localdate().strftime("%Y%m%d")
        self.assertIn(f'attachment; filename="kodoku-2025-results-{stamp}.pdf"', ready["Content-Disposition"])
        # Audited once per download, for the person who downloads it, with what the report counted.
        self.assertEqual(self.fetch().content, ready.content)  # the stored PDF, not made again
        entries = list(self.exports_audited())
        self.assertEqual(len(entries), 2)
        self.assertTrue(all(e.actor_id == self.admin.pk for e in entries))
        self.assertEqual(entries[0].data["format"], "pdf")
        self.assertEqual(entries[0].data["responses"], 120)
        self.assertEqual(entries[0].data["small_cell"], 10)
        self.assertEqual(self.queued().count(), 1)

    def test_a_new_response_or_setting_makes_a_new_version_and_the_old_one_is_not_served(self) -> None:
        self.fetch()
        run_tasks()
        first = self.fetch()
        self.assertEqual(first.status_code, 200)
        before = self.key()
        with scopes_disabled():
            answered = Response.objects.filter(survey=self.survey).first()
            assert answered is not None
            Response.objects.create(
                platform=self.platform,
                survey=self.survey,
                version=answered.version,
                mode=answered.mode,
                stratum=answered.stratum,
                answers=answered.answers,
                submitted_at=timezone.now(),
            )
        self.assertNotEqual(self.key(), before)  # the responses counted, whatever the revision says
        with scopes_disabled():
            bump_revision(self.survey)  # as the services that write responses do (the frame is read again)
        after = self.key()
        self.assertNotEqual(after, before)
        self.assertEqual(self.fetch().status_code, 202)  # never the older report as the current one
        run_tasks()
        second = self.fetch()
        self.assertEqual(second.status_code, 200)
        with scopes_disabled():
            rows = list(ReportRendering.objects.filter(survey=self.survey))
        self.assertEqual([(r.key, r.responses) for r in rows], [(after, 121)])  # the older one is gone
        with scopes_disabled():
            weighting = WeightingSettings.for_survey(self.survey)
            weighting.small_cell = 5
            weighting.save()
        self.assertNotEqual(self.key(), after)
        self.assertEqual(self.fetch().status_code, 202)

    def test_the_worker_stores_what_it_read_when_the_data_changed_after_the_claim(self) -> None:
        claimed = self.key()
        self.assertEqual(self.fetch().status_code, 202)
        with scopes_disabled():
            weighting = WeightingSettings.for_survey(self.survey)
            weighting.small_cell = 5
            weighting.save()
        run_tasks()
        with scopes_disabled():
            rows = list(
                ReportRendering.objects.filter(survey=self.survey).values_list("key", "pages", "small_cell")
            )
        self.assertEqual(len(rows), 1)
        key, pages, small_cell = rows[0]
        self.assertNotEqual(key, claimed)
        self.assertEqual(key, self.key())
        self.assertGreater(pages, 0)
        self.assertEqual(small_cell, 5)
        self.assertEqual(self.fetch().status_code, 200)

    def test_a_failing_render_releases_the_claim(self) -> None:
        self.assertEqual(self.fetch().status_code, 202)
        with mock.patch.object(exports, "pdf_document", side_effect=OSError("fonts gone")):
            run_tasks()
        with scopes_disabled():
            self.assertFalse(ReportRendering.objects.filter(survey=self.survey).exists())
        self.assertEqual(self.fetch().status_code, 202)  # claimed and queued again
        self.assertEqual(self.queued().filter(status="READY").count(), 1)
        run_tasks()
        self.assertEqual(self.fetch().status_code, 200)

    def test_the_preparing_page_is_in_english_too(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        with mock.patch.object(exports, "pdf_document", side_effect=AssertionError("in the request")):
            waiting = self.fetch()
        self.assertContains(waiting, "The survey report is being prepared", status_code=202)
