from __future__ import annotations

import datetime

from django.test import TestCase, override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from consultations.models import Channel, EventState, InboundEvent
from consultations.services.webchat import do_start
from operations import queries
from operations.models import Heartbeat, JobRun
from operations.schedule import JOBS
from operations.services.keys import do_record_key_fingerprints
from platforms.services.creation import do_create_platform
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.jobs.runner import run_job

OTHER_KEY = "y2m0bH6v2yN2JrA0Zy3lZtYk3x8P5b1m2Hq2JtVq9sQ="


class HealthzTestCase(TestCase):
    def setUp(self) -> None:
        queries._migrations_ok = False

    def test_it_reports_ok_with_database_and_migrations(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["pending_migrations"], 0)
        self.assertIn(body["database"], {"sqlite", "postgresql"})

    def test_it_answers_from_memory_after_the_first_check(self) -> None:
        self.client.get("/healthz")
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_it_rejects_post(self) -> None:
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_it_tells_every_part_when_asked_in_full(self) -> None:
        body = self.client.get("/healthz?full=1").json()
        for part in ("database", "keys", "worker", "imports_worker", "scheduler", "line_webhook", "outbox"):
            self.assertIn(part, body)
        self.assertEqual(body["keys"]["status"], "ok")
        # No scheduler and no worker have run in a fresh database: degraded, not healthy.
        self.assertEqual(body["worker"]["status"], "degraded")
        self.assertEqual(body["scheduler"]["status"], "degraded")
        self.assertEqual(body["status"], "degraded")

    def test_it_is_ok_when_the_worker_beats_and_every_job_ran(self) -> None:
        now = timezone.now()
        Heartbeat.objects.create(name="worker", beat_at=now)
        Heartbeat.objects.create(name="imports", beat_at=now)
        for job in JOBS:
            JobRun.objects.create(job=job.name, scheduled_for=job.latest_slot(now), state=JobRun.SUCCEEDED)
        response = self.client.get("/healthz?full=1")
        self.assertEqual(response.status_code, 200, response.json())
        self.assertEqual(response.json()["status"], "ok")

    def test_it_is_an_error_when_the_worker_went_silent(self) -> None:
        Heartbeat.objects.create(name="worker", beat_at=timezone.now() - datetime.timedelta(minutes=10))
        response = self.client.get("/healthz?full=1")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"]["status"], "error")

    def test_the_imports_worker_is_alive_by_its_heartbeat_or_by_an_import_reporting_progress(self) -> None:
        now = timezone.now()
        Heartbeat.objects.create(name="worker", beat_at=now)
        Heartbeat.objects.create(name="imports", beat_at=now - datetime.timedelta(minutes=10))
        platform = do_create_platform(slug="imp", code="242039", name="取込市PF")
        with scopes_disabled():
            job = ImportJob.objects.create(
                platform=platform, kind="test", key="k", state="running", heartbeat_at=now
            )
        # A long import holds the imports worker, and import tasks wait for it alone: neither
        # is the task worker's problem.
        run_job.enqueue(job.pk)
        DBTaskResult.objects.update(enqueued_at=now - datetime.timedelta(minutes=30))
        body = self.client.get("/healthz?full=1").json()
        self.assertEqual(body["imports_worker"]["status"], "ok")
        self.assertEqual(body["imports_worker"]["imports_running"], 1)
        self.assertEqual((body["worker"]["status"], body["worker"]["tasks_waiting"]), ("ok", 0))
        with scopes_disabled():
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=now - datetime.timedelta(minutes=10))
        response = self.client.get("/healthz?full=1")  # silent, and its import stalled: dead
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["imports_worker"]["status"], "error")

    def test_it_is_an_error_when_webhook_events_wait_too_long(self) -> None:
        with scopes_disabled():
            platform = do_create_platform(name="テスト市", slug="hz", code="062014")
            channel = Channel.objects.create(platform=platform, kind="line", name="LINE")
            InboundEvent.objects.create(
                platform=platform,
                channel=channel,
                event_type="message",
                webhook_event_id="01HZZ",
                payload="{}",
                state=EventState.PENDING,
                received_at=timezone.now() - datetime.timedelta(minutes=5),
            )
        body = self.client.get("/healthz?full=1").json()
        self.assertEqual(body["line_webhook"]["status"], "error")
        self.assertEqual(body["line_webhook"]["pending"], 1)
        self.assertGreaterEqual(body["line_webhook"]["oldest_pending_seconds"], 300)

    def test_it_is_an_error_when_the_keys_do_not_read_the_data(self) -> None:
        with scopes_disabled():
            platform = do_create_platform(name="テスト市", slug="hz", code="062014")
        with scope(platform=platform):
            do_start(platform, "夜になると不安になります")
        do_record_key_fingerprints()
        with override_settings(CONSULTATION_KEYS=[OTHER_KEY]):
            response = self.client.get("/healthz?full=1")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["keys"]["status"], "error")
        self.assertTrue(response.json()["keys"]["problems"])
