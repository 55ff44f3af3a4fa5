"""The sheet applied by the task worker: progress and errors by row on the job page, all or
nothing when a row is wrong, and a second run after an interruption that completes the first."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from directory.models import Attribute, Phone, Service, SheetUpload
from directory.services import sheet
from directory.tests.test_sheet import ISE_ROWS, NPO_ROWS, filled, staged_upload
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.testing import BaseTestCase, run_tasks


class SheetJobTestCase(BaseTestCase):
    def queued(self, content: bytes) -> ImportJob:
        with scope(platform=self.platform):
            upload = staged_upload(self.platform, content, uploaded_by=self.admin)
            actor = Actor(user=self.admin, role=None, platform=self.platform)
            return sheet.do_queue_apply(upload, actor=actor)

    def job(self, job: ImportJob) -> ImportJob:
        with scopes_disabled():
            return ImportJob.objects.get(pk=job.pk)

    def test_the_page_queues_the_job_and_shows_its_progress_then_the_result(self) -> None:
        self.login(self.admin)
        with scope(platform=self.platform):
            upload = staged_upload(self.platform, filled(ISE_ROWS, NPO_ROWS))
            sheet.queue_preview(upload)
        run_tasks()  # the check
        response = self.client.post(self.url("directory:sheet_preview", upload.uuid))
        job = self.apply_job()
        self.assertRedirects(response, self.url("directory:sheet_job", job.uuid))
        waiting = self.client.get(self.url("directory:sheet_job", job.uuid))
        self.assertContains(waiting, "順番を待っています")
        self.assertContains(waiting, 'http-equiv="refresh"')
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 0)  # nothing applied in the request
        run_tasks()
        job = self.job(job)
        self.assertEqual((job.state, job.phase, job.done, job.total), ("done", "apply", 4, 4))
        page = self.client.get(self.url("directory:sheet_job", job.uuid))
        self.assertContains(page, "新規 4 件、更新 0 件")
        self.assertNotContains(page, 'http-equiv="refresh"')
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 4)
            self.assertIsNotNone(SheetUpload.objects.get(pk=upload.pk).applied_at)

    def apply_job(self) -> ImportJob:
        with scopes_disabled():
            return ImportJob.objects.get(kind=sheet.JOB_KIND)

    def test_a_wrong_row_fails_the_job_naming_row_and_sheet_and_applies_nothing(self) -> None:
        rows = [ISE_ROWS[0], ["", "健康課", "既存", "周知・啓発", "", "直営", "", "名前のない事業", "", ""]]
        job = self.queued(filled(rows, NPO_ROWS))
        run_tasks()
        job = self.job(job)
        self.assertEqual((job.state, job.phase, job.error_count), ("failed", "validate", 1))
        self.assertEqual(job.errors, [{"row": 5, "column": "事業", "message": "「事業名等」が空です。"}])
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 0)
        self.login(self.admin)
        page = self.client.get(self.url("directory:sheet_job", job.uuid))
        self.assertContains(page, "事業 5行目: 「事業名等」が空です。")
        self.assertContains(page, "何も反映していません")
        self.assertNotContains(page, "もう一度実行する")

    def test_a_run_that_died_mid_apply_is_shown_failed_and_a_rerun_completes_it_once(self) -> None:
        job = self.queued(filled(ISE_ROWS, NPO_ROWS))
        real = sheet._apply_batch
        calls = {"n": 0}

        def dies_in_the_second_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("the worker died")
            return real(*args, **kwargs)

        with (
            mock.patch.object(sheet, "BATCH_ROWS", 2),
            mock.patch.object(sheet, "_apply_batch", dies_in_the_second_batch),
        ):
            run_tasks()
        job = self.job(job)
        self.assertEqual((job.state, job.phase, job.done, job.total), ("failed", "apply", 2, 4))
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 2)  # the first batch stays applied
        self.login(self.admin)
        page = self.client.get(self.url("directory:sheet_job", job.uuid))
        self.assertContains(page, "反映の途中で失敗しました（2 / 4 行）")
        self.assertContains(page, "もう一度実行する")
        self.client.post(self.url("directory:sheet_job", job.uuid))
        run_tasks()
        job = self.job(job)
        self.assertEqual((job.state, job.done, job.attempts), ("done", 4, 2))
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 4)
            self.assertEqual(Phone.objects.count(), 1)
            self.assertEqual(Attribute.objects.count(), 2)
        self.client.post(self.url("directory:sheet_job", job.uuid))  # done: not run again
        self.assertEqual(self.job(job).attempts, 2)

    def test_a_job_whose_worker_was_killed_is_shown_failed_and_can_run_again(self) -> None:
        job = self.queued(filled(ISE_ROWS))
        with scopes_disabled():
            ImportJob.objects.filter(pk=job.pk).update(
                state="running",
                phase="apply",
                total=3,
                done=1,
                heartbeat_at=timezone.now() - timedelta(hours=1),
            )
        self.login(self.admin)
        page = self.client.get(self.url("directory:sheet_job", job.uuid))
        self.assertContains(page, "取り込みが途中で止まりました（1 / 3 行）")
        self.client.post(self.url("directory:sheet_job", job.uuid))
        run_tasks()
        self.assertEqual(self.job(job).state, "done")
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.count(), 3)
