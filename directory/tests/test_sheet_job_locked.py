"""A LINE webhook arriving while the task worker applies a sheet is stored at once, not kept
waiting for SQLite's write lock (issue 15 item 4). Three real processes share one database
file: the test, the worker applying the job (paused by the test after its first batch), and
the web side serving the webhook (Django's test client, full middleware, the real view).

Before the apply ran in short transactions, the whole sheet was one transaction: the webhook
found the database locked for the import's whole length and had to spool its events."""

from __future__ import annotations

import json
import sqlite3
import sys
import textwrap
import unittest

from django.db import connection
from django_scopes import scope

from accounts.permissions import Actor
from consultations.tests.helpers import SECRET
from consultations.tests.test_line_locked import WebhookWhileAnotherProcessWritesTestCase
from directory.services import sheet
from directory.tests.test_sheet import ISE_ROWS, NPO_ROWS, filled, staged_upload

# The worker side: runs the job as db_worker would, two rows per transaction, and stops after
# the first batch has committed until the test says go on.
APPLY = textwrap.dedent(
    """
    import os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django
    django.setup()
    from directory.services import sheet
    from tsunagari.lib.jobs import runner

    sheet.BATCH_ROWS = 2
    advance = runner.Progress.advance
    paused = []

    def advance_then_pause(self, n=1):
        advance(self, n)
        if self.phase == "apply" and not paused:
            paused.append(True)
            self.flush(force=True)
            print("paused", flush=True)
            sys.stdin.readline()

    runner.Progress.advance = advance_then_pause
    print(runner.run(int(sys.argv[1])), flush=True)
    """
)
# The web side: one signed event per line read from stdin.
SERVE = textwrap.dedent(
    """
    import json, os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django
    django.setup()
    from django.test import Client
    from consultations.line_api import signature
    from consultations.line_fake import body_of, make_event

    client = Client()
    for line in sys.stdin:
        event_id = line.strip()
        body = body_of(make_event("text", "U" + "8" * 32, text="相談です", webhook_event_id=event_id))
        r = client.post("/line/locked/webhook", body, content_type="application/json",
                        HTTP_X_LINE_SIGNATURE=signature("SECRET", body))
        print(json.dumps({"status": r.status_code, "body": r.json()}), flush=True)
    """
).replace("SECRET", SECRET)


@unittest.skipUnless(connection.vendor == "sqlite", "SQLite's single write lock")
class WebhookWhileASheetIsAppliedTestCase(WebhookWhileAnotherProcessWritesTestCase):
    test_it_answers_200_and_keeps_every_event_while_the_lock_is_held_elsewhere = None  # the base's own

    def setUp(self) -> None:
        super().setUp()
        # Without 分類: a TransactionTestCase starts without the shared taxonomy's rows.
        programmes = [row[:8] + [""] + row[9:] for row in ISE_ROWS]
        npos = [row[:6] + [""] + row[7:] for row in NPO_ROWS]
        with scope(platform=self.platform):
            upload = staged_upload(self.platform, filled(programmes, npos))
            job = sheet.do_queue_apply(upload, actor=Actor(user=None, role=None, platform=self.platform))
        self.job_id = job.pk

    def test_the_webhook_stores_its_event_between_the_batches_of_the_apply(self) -> None:
        url = self.database_url()
        path = url.removeprefix("sqlite:///")
        worker = self.spawn([sys.executable, "-c", APPLY, str(self.job_id)], url)
        server = self.spawn([sys.executable, "-c", SERVE], url)
        try:
            assert worker.stdout is not None and worker.stdin is not None
            assert server.stdout is not None and server.stdin is not None
            self.assertEqual(worker.stdout.readline().strip(), "paused")
            db = sqlite3.connect(path)
            try:
                state = db.execute("SELECT state, phase, done, total FROM jobs_importjob").fetchone()
                services = db.execute("SELECT COUNT(*) FROM directory_service").fetchone()[0]
            finally:
                db.close()
            self.assertEqual(state, ("running", "apply", 2, 4))
            self.assertEqual(services, 2)  # the first batch is committed, the apply is under way
            server.stdin.write("W1\n")
            server.stdin.flush()
            answer = json.loads(server.stdout.readline())
            self.assertEqual(answer["status"], 200)
            self.assertEqual(answer["body"], {"received": 1, "stored": 1, "spooled": 0})
            worker.stdin.write("\n")
            worker.stdin.flush()
            self.assertEqual(worker.stdout.readline().strip(), "done")
            server.stdin.write("W2\n")
            server.stdin.flush()
            self.assertEqual(json.loads(server.stdout.readline())["body"]["stored"], 1)
        finally:
            for process in (worker, server):
                process.kill()
                process.wait()
        db = sqlite3.connect(path)
        try:
            self.assertEqual(db.execute("SELECT COUNT(*) FROM directory_service").fetchone()[0], 4)
            self.assertEqual(db.execute("SELECT state FROM jobs_importjob").fetchone()[0], "done")
            ids = sorted(r[0] for r in db.execute("SELECT webhook_event_id FROM consultations_inboundevent"))
        finally:
            db.close()
        self.assertEqual(ids, ["W1", "W2"])
