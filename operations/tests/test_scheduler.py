from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from operations.models import JobRun
from operations.queries import Due, due_jobs
from operations.schedule import JOBS, Job
from operations.services.scheduler import do_run_job, run_due

TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TOKYO)


DAILY = Job("sessions", "セッション", command=("clearsessions",), daily_at=datetime.time(3, 0))
EVERY_10 = Job("retry", "再処理", command=("line_events", "--retry"), every=datetime.timedelta(minutes=10))
BROKEN = Job("broken", "壊れた", command=("no_such_command",), every=datetime.timedelta(minutes=10))


class ScheduleTestCase(TestCase):
    def test_it_puts_a_daily_slot_in_tokyo_time(self) -> None:
        # 02:59 JST on 1 January (17:59 UTC on 31 December) still belongs to the day before.
        self.assertEqual(DAILY.latest_slot(at(2027, 1, 1, 2, 59)), at(2026, 12, 31, 3, 0))
        self.assertEqual(DAILY.latest_slot(at(2027, 1, 1, 3, 0)), at(2027, 1, 1, 3, 0))
        utc = datetime.datetime(2026, 12, 31, 18, 30, tzinfo=datetime.UTC)  # 03:30 JST on 1 January
        self.assertEqual(DAILY.latest_slot(utc), at(2027, 1, 1, 3, 0))

    def test_it_aligns_interval_slots(self) -> None:
        self.assertEqual(EVERY_10.latest_slot(at(2026, 12, 6, 21, 47, 13)), at(2026, 12, 6, 21, 40))

    def test_every_declared_job_names_a_real_command_or_task(self) -> None:
        from django.core.management import get_commands
        from django.utils.module_loading import import_string

        commands = get_commands()
        for job in JOBS:
            with self.subTest(job=job.name):
                self.assertTrue(job.command or job.task)
                if job.command:
                    self.assertIn(job.command[0], commands)
                else:
                    import_string(job.task)
                self.assertTrue(job.every or job.daily_at)


class SchedulerTestCase(TestCase):
    def test_it_runs_each_slot_once(self) -> None:
        now = at(2026, 12, 6, 3, 5)
        first = run_due(now, (DAILY,))
        self.assertEqual([(r.job, r.state) for r in first], [("sessions", JobRun.SUCCEEDED)])
        self.assertEqual(run_due(now + datetime.timedelta(hours=20), (DAILY,)), [])
        self.assertEqual(len(run_due(at(2026, 12, 7, 3, 0), (DAILY,))), 1)

    def test_a_slot_claimed_by_another_scheduler_is_not_run_again(self) -> None:
        due = Due(DAILY, at(2026, 12, 6, 3, 0), 0)
        self.assertIsNotNone(do_run_job(due))
        self.assertIsNone(do_run_job(due))  # a second scheduler process losing the race
        self.assertEqual(JobRun.objects.filter(job="sessions").count(), 1)

    def test_it_catches_up_missed_runs_once(self) -> None:
        run_due(at(2026, 12, 1, 3, 0), (DAILY,))
        # The scheduler was down for four days (e.g. over 年末年始 maintenance): one run, not four.
        runs = run_due(at(2026, 12, 5, 9, 0), (DAILY,))
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0].scheduled_for, at(2026, 12, 5, 3, 0))
        self.assertEqual(runs[0].missed, 3)

    def test_a_failing_job_is_recorded_and_the_others_still_run(self) -> None:
        runs = run_due(at(2026, 12, 6, 12, 0), (BROKEN, EVERY_10))
        states = {run.job: run.state for run in runs}
        self.assertEqual(states, {"broken": JobRun.FAILED, "retry": JobRun.SUCCEEDED})
        broken = JobRun.objects.get(job="broken")
        self.assertIn("no_such_command", broken.output)
        self.assertIsNotNone(broken.finished_at)

    def test_a_task_job_enqueues_for_the_worker(self) -> None:
        heartbeat = Job(
            "hb", "稼働確認", task="operations.tasks.heartbeat", every=datetime.timedelta(minutes=1)
        )
        before = DBTaskResult.objects.count()
        run_due(at(2026, 12, 6, 12, 0, 30), (heartbeat,))
        self.assertEqual(DBTaskResult.objects.count(), before + 1)

    def test_it_lists_the_jobs(self) -> None:
        due = due_jobs(at(2026, 12, 6, 12, 0))
        self.assertEqual({d.job.name for d in due}, {job.name for job in JOBS})
        from io import StringIO

        out = StringIO()
        call_command("run_scheduler", "--list", stdout=out)
        for job in JOBS:
            self.assertIn(job.name, out.getvalue())
