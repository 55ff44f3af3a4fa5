"""Staged import files are removed once they are older than KEEP_STAGED and no job needs them,
by a job the scheduler runs daily."""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from operations.schedule import job_named
from tsunagari.lib.jobs import cleanup
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.jobs.runner import staging_dir
from tsunagari.lib.testing import BaseTestCase


class PurgeStagedTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.var = tempfile.TemporaryDirectory()
        self.addCleanup(self.var.cleanup)
        override = override_settings(VAR_DIR=Path(self.var.name))
        override.enable()
        self.addCleanup(override.disable)
        self.now = timezone.now()

    def staged(self, name: str, *, days: float, state: str | None = None, beat_days: float = 0) -> Path:
        path = staging_dir() / name
        if name.endswith("/"):
            path.mkdir()
            (path / "services.csv").write_text("id\n")
        else:
            path.write_bytes(b"x" * 10)
        stamp = (self.now - datetime.timedelta(days=days)).timestamp()
        os.utime(path, (stamp, stamp))
        if state is not None:
            with scopes_disabled():
                ImportJob.objects.create(
                    platform=self.platform,
                    kind="test",
                    key=name,
                    staged=str(path),
                    state=state,
                    heartbeat_at=self.now - datetime.timedelta(days=beat_days),
                )
                ImportJob.objects.filter(key=name).update(created_at=self.now - datetime.timedelta(days=days))
        return Path(str(path).rstrip("/"))

    def test_old_files_no_job_needs_are_removed_and_the_others_kept(self) -> None:
        gone = [
            self.staged("failed-old.xlsx", days=8, state="failed"),
            self.staged("done-old.csv", days=8, state="done"),
            self.staged("orphan-old.csv", days=30),
            self.staged("hsds-old/", days=9),
            self.staged("stalled-old.csv", days=8, state="running", beat_days=8),
        ]
        kept = [
            self.staged("failed-recent.xlsx", days=2, state="failed"),
            self.staged("queued-old.csv", days=8, state="queued"),
            self.staged("running-old.csv", days=8, state="running", beat_days=0),
            self.staged("orphan-recent.csv", days=6),
        ]
        out = io.StringIO()
        call_command("purge_staged_imports", stdout=out)
        self.assertIn("files: 5", out.getvalue())
        self.assertEqual([p.exists() for p in gone], [False] * 5)
        self.assertEqual([p.exists() for p in kept], [True] * 4)
        with scopes_disabled():
            self.assertEqual(ImportJob.objects.get(key="failed-old.xlsx").staged, "")  # its file is gone
            self.assertNotEqual(ImportJob.objects.get(key="failed-recent.xlsx").staged, "")
        # A shorter age, given by hand, reaches the recent ones that no job needs.
        removed = cleanup.purge_staged(keep=datetime.timedelta(days=1))
        self.assertEqual(removed["files"], 2)
        self.assertEqual([p.exists() for p in kept], [False, True, True, False])

    def test_the_scheduler_runs_it_daily(self) -> None:
        job = job_named("purge_staged_imports")
        self.assertEqual((job.command, job.period), (("purge_staged_imports",), datetime.timedelta(days=1)))
