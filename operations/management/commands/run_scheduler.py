"""Run the periodic jobs of operations/schedule.py (one scheduler process; a second is harmless).

``run_scheduler`` loops, checking every ``--interval`` seconds; ``run_scheduler --once`` runs
what is due and exits (for cron, or to catch up by hand); ``--list`` shows each job's last run.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from operations.models import JobRun
from operations.schedule import JOBS
from operations.services.scheduler import run_due


class Command(BaseCommand):
    help = "Run the periodic jobs (retention, referral chasers, retries, session cleanup, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--list", action="store_true", help="show every job and its last run")
        parser.add_argument(
            "--interval", type=float, default=20.0, help="seconds between checks (default 20)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if options["once"]:
            self._tick()
            return
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler: {len(JOBS)} jobs, checking every {options['interval']:g} s")
        while not stopping:
            close_old_connections()
            try:
                self._tick()
            except Exception as exc:  # noqa: BLE001 - e.g. the database is away: try again later
                self.stderr.write(f"scheduler: {exc.__class__.__name__}: {exc}")
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)

    def _tick(self) -> None:
        for run in run_due():
            extra = f" (caught up {run.missed} missed)" if run.missed else ""
            self.stdout.write(
                f"{timezone.localtime(run.scheduled_for):%Y-%m-%d %H:%M} {run.job}: {run.state}{extra}"
            )

    def _list(self) -> None:
        for job in JOBS:
            last = JobRun.objects.filter(job=job.name).order_by("-scheduled_for").first()
            when = (
                f"{timezone.localtime(last.scheduled_for):%Y-%m-%d %H:%M} {last.state}" if last else "never"
            )
            self.stdout.write(f"{job.name:<20} {when}")
