"""import_hsds in two passes (every row checked, writing nothing; then written in short
transactions), and as a job of the task worker with its progress and errors."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from directory.models import Service
from directory.services.tabular import ImportFailed, do_import_hsds
from directory.tests import test_tabular
from directory.tests.hsds_fixtures import EXAMPLE, EXAMPLE_SERVICE
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.testing import BaseTestCase, run_tasks


class HsdsTwoPassTestCase(BaseTestCase):
    setUp = test_tabular.TabularTestCase.setUp
    copy_example = test_tabular.TabularTestCase.copy_example
    edit = test_tabular.TabularTestCase.edit

    def test_an_error_in_the_last_table_is_found_before_anything_is_written(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "attributes.csv", "taxonomy_term_id", "not-an-id")
        with CaptureQueriesContext(connection) as queries, scope(platform=self.platform):
            with self.assertRaises(ImportFailed) as raised:
                do_import_hsds(self.platform, folder)
        self.assertIn("attributes.csv", str(raised.exception))
        writes = [
            q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        self.assertEqual(writes, [])

    def test_the_command_queues_a_job_for_the_worker_with_progress(self) -> None:
        out = io.StringIO()
        call_command("import_hsds", "alpha", str(EXAMPLE), "--background", stdout=out)
        self.assertIn("queued import job", out.getvalue())
        with scope(platform=self.platform):
            self.assertFalse(Service.objects.exists())
        run_tasks()
        with scopes_disabled():
            job = ImportJob.objects.get()
        self.assertEqual((job.state, job.phase), ("done", "apply"))
        self.assertEqual(job.done, job.total)
        self.assertGreater(job.total, 10)
        self.assertEqual(job.result["services created"], 1)
        with scope(platform=self.platform):
            self.assertTrue(Service.objects.filter(uuid=EXAMPLE_SERVICE).exists())

    def test_a_job_with_a_broken_row_fails_naming_file_row_and_column(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "services.csv", "minimum_age", "twelve")
        call_command("import_hsds", "alpha", str(folder), "--background", stdout=io.StringIO())
        run_tasks()
        with scopes_disabled():
            job = ImportJob.objects.get()
        self.assertEqual((job.state, job.phase), ("failed", "validate"))
        self.assertEqual([(e["row"], e["column"]) for e in job.errors], [(2, "services.csv minimum_age")])
        with scope(platform=self.platform):
            self.assertFalse(Service.objects.exists())
