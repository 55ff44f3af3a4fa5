"""Responses imported by the task worker: the page stages the file and queues a job, the job
page shows its progress and the problems by row and column, and nothing is stored in the
request itself."""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from surveys.models import Response
from surveys.tests.helpers import SurveyTestCase
from surveys.tests.test_import import GOOD
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.testing import run_tasks


class ImportJobTestCase(SurveyTestCase):
    def post(self, content: str, name: str = "data.csv"):  # type: ignore[no-untyped-def]
        self.login(self.admin)
        return self.client.post(
            self.url("surveys:import", self.survey.uuid),
            {"file": SimpleUploadedFile(name, content.encode(), content_type="text/csv")},
        )

    def job(self) -> ImportJob:
        with scopes_disabled():
            return ImportJob.objects.get()

    def test_the_upload_is_staged_and_imported_by_the_worker(self) -> None:
        response = self.post(GOOD)
        job = self.job()
        self.assertRedirects(response, self.url("surveys:import_job", job.uuid))
        self.assertEqual(job.size, len(GOOD.encode()))
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 0)  # nothing in the request
        self.assertContains(self.client.get(self.url("surveys:import_job", job.uuid)), "順番を待っています")
        again = self.post(GOOD)  # the same file again: the same job
        self.assertRedirects(again, self.url("surveys:import_job", job.uuid))
        run_tasks()
        job = self.job()
        self.assertEqual(
            (job.state, job.phase, job.done, job.total, job.result), ("done", "apply", 3, 3, {"rows": 3})
        )
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 3)
        self.assertContains(
            self.client.get(self.url("surveys:import_job", job.uuid)), "3件の回答を取り込みました"
        )

    def test_problems_are_named_by_row_and_column_and_nothing_is_stored(self) -> None:
        bad = GOOD.replace("1,4,3,4,7,3,6,2,1,120.5", "9,4,3,4,7,3,6,2,1,-1")
        self.post(bad)
        run_tasks()
        job = self.job()
        self.assertEqual((job.state, job.phase), ("failed", "validate"))
        self.assertIn(
            {
                "row": 2,
                "column": "weight",
                "message": "ウェイト「-1」は0以下です。ウェイトは正の数で入力してください。",
            },
            job.errors,
        )
        self.assertTrue(any(e["row"] == 2 and e["column"] == "loneliness_direct" for e in job.errors))
        page = self.client.get(self.url("surveys:import_job", job.uuid))
        self.assertContains(page, "weight 2行目: ウェイト「-1」は0以下です。")
        self.assertContains(page, "何も反映していません")
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 0)

    def test_the_size_limit_is_counted_on_the_bytes_received(self) -> None:
        with mock.patch("surveys.services.imports.MAX_UPLOAD", 10):
            response = self.post(GOOD)
        self.assertContains(response, "ファイルが大きすぎます（0 MB まで）", status_code=400)
        with scopes_disabled():
            self.assertFalse(ImportJob.objects.exists())
