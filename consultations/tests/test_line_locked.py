"""The LINE webhook while another process holds the database's write lock (an import, a second
server): every signed event is answered 200 and kept, encrypted, in the spool; once the lock is
gone the next webhook stores them, each once. Two real processes besides the test: one holds
the lock (SQLite BEGIN IMMEDIATE / PostgreSQL LOCK TABLE), one serves the webhook (Django's
test client in a ``manage.py shell``) against the same database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django_scopes import scope, scopes_disabled

from consultations.models import InboundEvent
from consultations.services.channels import do_configure_line
from consultations.tests.helpers import SECRET
from platforms.services.creation import do_create_platform

ROOT = Path(settings.BASE_DIR)

HOLD_SQLITE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE consultations_eventdrain SET stored = stored")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
print("released", flush=True)
"""
HOLD_POSTGRES = """
import psycopg, sys
db = psycopg.connect(sys.argv[1])
db.execute("LOCK TABLE consultations_inboundevent IN EXCLUSIVE MODE")
print("locked", flush=True)
sys.stdin.readline()
db.commit()
print("released", flush=True)
"""
# The web side: posts signed events with the test client (full middleware, the real view).
SERVE = textwrap.dedent(
    """
    import json, os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    import django
    django.setup()
    from django.test import Client
    from consultations.line_api import signature
    from consultations.line_fake import body_of, make_event

    client = Client()
    def post(*ids):
        body = body_of(*(make_event("text", "U" + "7" * 32, text=f"相談 {i}", webhook_event_id=i) for i in ids))
        t0 = time.monotonic()
        r = client.post("/line/locked/webhook", body, content_type="application/json",
                        HTTP_X_LINE_SIGNATURE=signature("SECRET", body))
        return {"status": r.status_code, "body": r.json(), "seconds": round(time.monotonic() - t0, 2)}

    print(json.dumps([post("E1"), post("E2", "E3"), post("E1")]), flush=True)
    sys.stdin.readline()  # the lock is released
    print(json.dumps([post("E4")]), flush=True)
    """
).replace("SECRET", SECRET)


class WebhookWhileAnotherProcessWritesTestCase(TransactionTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="tsunagari-locked-"))
        with scopes_disabled():
            self.platform = do_create_platform(slug="locked", code="062014", name="ロック市PF")
            with scope(platform=self.platform):
                do_configure_line(self.platform, secret=SECRET, token="locked-token")

    def database_url(self) -> str:
        if connection.vendor == "sqlite":
            # The test database lives in memory: a copy in a file, shared by the processes.
            path = self.tmp / "db.sqlite3"
            target = sqlite3.connect(path)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            target.close()
            return f"sqlite:///{path}"
        s = connection.settings_dict
        return f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"

    def spawn(self, args: list[str], url: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TSUNAGARI_VAR_DIR": str(self.tmp),
            "LINE_STORE_WAIT_MS": "300",
            "CONSULTATION_KEYS": ",".join(settings.CONSULTATION_KEYS),
            "CONSULTATION_INDEX_KEY": settings.CONSULTATION_INDEX_KEY,
            "SECRET_KEY": settings.SECRET_KEY,
        }
        env.pop("PYTEST_XDIST_WORKER", None)
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def test_it_answers_200_and_keeps_every_event_while_the_lock_is_held_elsewhere(self) -> None:
        url = self.database_url()
        if connection.vendor == "sqlite":
            holder = self.spawn([sys.executable, "-c", HOLD_SQLITE, url.removeprefix("sqlite:///")], url)
        else:
            holder = self.spawn([sys.executable, "-c", HOLD_POSTGRES, url], url)
        server = self.spawn([sys.executable, "-c", SERVE], url)
        try:
            assert holder.stdout is not None and server.stdout is not None
            assert holder.stdin is not None and server.stdin is not None
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            while_locked = json.loads(server.stdout.readline())
            self.assertEqual([r["status"] for r in while_locked], [200, 200, 200])
            self.assertEqual([r["body"]["spooled"] for r in while_locked], [1, 2, 1])
            self.assertEqual([r["body"]["stored"] for r in while_locked], [0, 0, 0])
            spooled = sorted((self.tmp / "line-spool").glob("*.events"))
            self.assertEqual(len(spooled), 3)
            for path in spooled:  # encrypted on disk: no text, no user id
                raw = path.read_bytes()
                self.assertNotIn("相談".encode(), raw)
                self.assertNotIn(b"U777", raw)

            holder.stdin.write("\n")
            holder.stdin.flush()
            self.assertEqual(holder.stdout.readline().strip(), "released")
            server.stdin.write("\n")
            server.stdin.flush()
            after = json.loads(server.stdout.readline())
            self.assertEqual(after[0]["status"], 200)
            self.assertEqual(after[0]["body"], {"received": 1, "stored": 1, "spooled": 0})
        finally:
            for process in (holder, server):
                process.kill()
                process.wait()
        self.assertEqual(list((self.tmp / "line-spool").glob("*.events")), [])
        ids = self.stored_ids(url)
        self.assertEqual(sorted(ids), ["E1", "E2", "E3", "E4"])  # E1 sent twice, stored once

    def stored_ids(self, url: str) -> list[str]:
        if connection.vendor == "sqlite":
            db = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                return [r[0] for r in db.execute("SELECT webhook_event_id FROM consultations_inboundevent")]
            finally:
                db.close()
        with scopes_disabled():
            return list(InboundEvent.objects.values_list("webhook_event_id", flat=True))
