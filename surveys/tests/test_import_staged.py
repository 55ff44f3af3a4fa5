"""The survey import inserts its rows in short transactions, staged: no reader sees half a file,
and a failure in a late batch (or a worker killed mid-import) leaves nothing visible."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest import mock

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from platforms.services.creation import do_create_platform
from surveys.data import build_frame, responses_frame
from surveys.models import ImportBatch, Response
from surveys.queries import survey_summaries
from surveys.services import imports
from surveys.services.questionnaire import do_create_survey, do_open_survey
from surveys.tests.helpers import SurveyTestCase
from surveys.tests.test_frame import CSV
from surveys.tests.test_import import GOOD
from tsunagari.lib.jobs.cleanup import purge_staged
from tsunagari.lib.testing import RestoringTransactionTestCase

SMALL_BATCHES = {"STAGE_FIRST_ROWS": 4, "STAGE_MIN_ROWS": 4, "STAGE_MAX_ROWS": 4}


class StagedImportTestCase(SurveyTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            imports.do_import_responses(self.survey, GOOD.encode(), "first.csv")  # 3 visible rows

    def _import_in_small_batches(self, on_batch: Any) -> None:
        real = imports._insert_rows
        calls = {"n": 0}

        def insert_rows(*args: Any, **kwargs: Any) -> None:
            real(*args, **kwargs)
            calls["n"] += 1
            on_batch(calls["n"])

        with (
            mock.patch.multiple(imports, **SMALL_BATCHES),
            mock.patch.object(imports, "_insert_rows", insert_rows),
            scope(platform=self.platform),
        ):
            imports.do_import_responses(self.survey, CSV.encode(), "second.csv")

    def _seen(self) -> dict[str, int]:
        """What each kind of reader sees of the survey's responses."""
        return {
            "submitted": Response.objects.submitted().filter(survey=self.survey).count(),
            "frame": build_frame(self.survey).height,
            "results": responses_frame(self.survey).height,
            "counts": survey_summaries(self.survey.pk)[0]["total"],
        }

    def test_readers_see_none_of_an_import_until_its_last_row_is_in(self) -> None:
        seen: list[tuple[int, dict[str, int]]] = []

        def read(n: int) -> None:
            with scope(platform=self.platform):
                stored = Response.objects.filter(survey=self.survey).count()
                seen.append((stored, self._seen()))

        self._import_in_small_batches(read)
        self.assertEqual(len(seen), 10)  # 40 rows, 4 per transaction
        before = {"submitted": 3, "frame": 3, "results": 3, "counts": 3}
        self.assertEqual([stored for stored, _ in seen], [3 + 4 * k for k in range(1, 11)])  # really stored
        self.assertEqual([view for _, view in seen], [before] * 10)  # and seen by no reader
        with scope(platform=self.platform):
            self.assertEqual(self._seen(), {"submitted": 43, "frame": 43, "results": 43, "counts": 43})
            self.assertFalse(ImportBatch.objects.filter(staging=True).exists())

    def test_a_failure_in_a_late_batch_leaves_nothing(self) -> None:
        def fail_late(n: int) -> None:
            if n == 8:
                raise RuntimeError("disk full")

        with self.assertRaises(RuntimeError):
            self._import_in_small_batches(fail_late)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.filter(survey=self.survey).count(), 3)  # 28 staged rows deleted
            self.assertEqual(list(ImportBatch.objects.values_list("filename", flat=True)), ["first.csv"])
            self.assertEqual(self._seen(), {"submitted": 3, "frame": 3, "results": 3, "counts": 3})
            # The same file can be imported afterwards.
            imports.do_import_responses(self.survey, CSV.encode(), "second.csv")
            self.assertEqual(self._seen()["submitted"], 43)

    def test_rows_left_staged_by_a_killed_worker_stay_invisible_and_go_with_the_next_attempt(self) -> None:
        def killed(n: int) -> None:
            if n == 5:
                raise RuntimeError("kill -9")

        with mock.patch.object(imports, "discard_batch"), self.assertRaises(RuntimeError):
            self._import_in_small_batches(killed)  # nothing cleans up, as after kill -9
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.filter(survey=self.survey).count(), 19)  # 4 batches committed
            self.assertEqual(self._seen()["submitted"], 3)
            imports.do_import_responses(self.survey, CSV.encode(), "second.csv")  # the job run again
            self.assertEqual(Response.objects.filter(survey=self.survey).count(), 43)
            self.assertEqual(self._seen(), {"submitted": 43, "frame": 43, "results": 43, "counts": 43})
            self.assertEqual(ImportBatch.objects.count(), 2)

    def test_the_daily_cleanup_removes_batches_abandoned_by_a_killed_worker(self) -> None:
        def killed(n: int) -> None:
            if n == 3:
                raise RuntimeError("kill -9")

        with mock.patch.object(imports, "discard_batch"), self.assertRaises(RuntimeError):
            self._import_in_small_batches(killed)
        with scopes_disabled():
            self.assertEqual(purge_staged()["survey_import_batches"], 0)  # begun today: left alone
            ImportBatch.objects.filter(staging=True).update(created_at=timezone.now() - timedelta(days=8))
            self.assertEqual(purge_staged()["survey_import_batches"], 1)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.filter(survey=self.survey).count(), 3)
            self.assertEqual(list(ImportBatch.objects.values_list("filename", flat=True)), ["first.csv"])


class ParallelImportTestCase(RestoringTransactionTestCase):
    """On PostgreSQL a large import is COPYed over several connections at once (threads): the same
    rows, still invisible until the end, and a failure in one thread leaves nothing. On SQLite the
    same calls take the serial path (the assertions hold for both)."""

    def setUp(self) -> None:
        with scopes_disabled():
            self.platform = do_create_platform(slug="alpha", code="210005", name="アルファ県PF")
        with scope(platform=self.platform):
            self.survey = do_create_survey(
                self.platform,
                slug="kodoku-2025",
                title="孤独・孤立に関する実態調査",
                template="national",
                modules=["hikikomori"],
                regions=["中央", "西部", "東部", "北部", "秩父"],
            )
            do_open_survey(self.survey)
            self.survey.refresh_from_db()

    def _import(self, on_batch: Any) -> None:
        real = imports._insert_rows
        calls = {"n": 0}
        lock = threading.Lock()

        def insert_rows(*args: Any, **kwargs: Any) -> None:
            real(*args, **kwargs)
            with lock:
                calls["n"] += 1
                n = calls["n"]
            on_batch(n)

        with (
            mock.patch.multiple(imports, PARALLEL_MIN_ROWS=0, **SMALL_BATCHES),
            mock.patch.object(imports, "_insert_rows", insert_rows),
            scope(platform=self.platform),
        ):
            imports.do_import_responses(self.survey, CSV.encode(), "second.csv")

    def test_every_row_is_stored_once_and_seen_only_at_the_end(self) -> None:
        visible: list[int] = []

        def read(n: int) -> None:
            with scopes_disabled():  # a worker thread: the scope is the calling thread's
                visible.append(Response.objects.submitted().filter(survey=self.survey).count())

        self._import(read)
        self.assertEqual(visible, [0] * 10)  # 40 rows, 4 per transaction
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.submitted().filter(survey=self.survey).count(), 40)
            self.assertEqual(
                Response.objects.filter(survey=self.survey).values("uuid").distinct().count(), 40
            )
            self.assertEqual(build_frame(self.survey).height, 40)
            self.assertEqual(responses_frame(self.survey).height, 40)
            self.assertFalse(ImportBatch.objects.filter(staging=True).exists())

    def test_a_failure_in_one_thread_leaves_nothing(self) -> None:
        def fail_late(n: int) -> None:
            if n == 6:
                raise RuntimeError("disk full")

        with self.assertRaises(RuntimeError):
            self._import(fail_late)
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.filter(survey=self.survey).count(), 0)
            self.assertFalse(ImportBatch.objects.exists())
