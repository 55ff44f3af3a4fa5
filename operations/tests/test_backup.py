"""Back up the demo, restore it into a fresh database, compare every table, read the consultations.

Real parts: the SQLite online backup API or pg_dump/pg_restore, and separate ``manage.py``
processes for the restore (as an operator runs it), on whichever database the suite runs on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django_scopes import scopes_disabled

from consultations.models import Message
from operations.queries import table_digests

ROOT = Path(settings.BASE_DIR)
OTHER_KEY = "y2m0bH6v2yN2JrA0Zy3lZtYk3x8P5b1m2Hq2JtVq9sQ="
COUNT_MESSAGES = (
    "from django_scopes import scopes_disabled\n"
    "from consultations.models import Message\n"
    "with scopes_disabled():\n"
    "    print(sum(1 for m in Message.objects.all() if m.text))\n"
)


class BackupRestoreTestCase(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="tsunagari-backup-"))
        self.databases_made: list[str] = []

    def tearDown(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for name in self.databases_made:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def fresh_database_url(self) -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.tmp / f'restored-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        self.databases_made.append(name)
        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{name}"

    def manage(self, database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", **env}
        environment.pop("PYTEST_XDIST_WORKER", None)
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def test_it_restores_the_demo_into_a_fresh_database_with_its_keys_only(self) -> None:
        call_command("load_demo", verbosity=0)
        with scopes_disabled():
            messages = sum(1 for m in Message.objects.all() if m.text)
        self.assertGreater(messages, 100)
        backup = self.tmp / "backup"
        call_command("backup", str(backup), verbosity=0)
        manifest = json.loads((backup / "manifest.json").read_text())
        self.assertEqual(manifest["database"]["vendor"], connection.vendor)
        keys_text = (backup / "manifest.json").read_text()
        for key in [*settings.CONSULTATION_KEYS, settings.CONSULTATION_INDEX_KEY, settings.SECRET_KEY]:
            self.assertNotIn(key, keys_text)

        # Wrong keys: refused before anything is written.
        wrong_target = self.fresh_database_url()
        refused = self.manage(wrong_target, "restore", str(backup), CONSULTATION_KEYS=OTHER_KEY)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("restore refused", refused.stderr)
        self.assertIn("CONSULTATION_KEYS", refused.stderr)

        # The right keys: every table equal, every message readable.
        target = self.fresh_database_url()
        restored = self.manage(target, "restore", str(backup))
        self.assertEqual(restored.returncode, 0, restored.stderr)
        digest = self.manage(target, "db_digest", "--json")
        self.assertEqual(digest.returncode, 0, digest.stderr)
        theirs = {table: tuple(value) for table, value in json.loads(digest.stdout).items()}
        ours = table_digests()
        self.assertEqual(sorted(theirs), sorted(ours))
        for table in ours:
            with self.subTest(table=table):
                self.assertEqual(theirs[table], ours[table])
        counted = self.manage(target, "shell", "-c", COUNT_MESSAGES)
        self.assertEqual(counted.returncode, 0, counted.stderr)
        self.assertEqual(int(counted.stdout.strip().splitlines()[-1]), messages)

        # The restored instance refuses to start with keys that cannot read it.
        self.assertEqual(self.manage(target, "check", "--database", "default").returncode, 0)
        wrong = self.manage(target, "check", "--database", "default", CONSULTATION_KEYS=OTHER_KEY)
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("operations.E001", wrong.stderr)

        # Not into a database that holds anything, and not from a damaged backup.
        again = self.manage(target, "restore", str(backup))
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("not empty", again.stderr)
        with (backup / manifest["database"]["file"]).open("r+b") as handle:
            handle.seek(200)
            handle.write(b"\x00garbage\x00")
        damaged = self.manage(self.fresh_database_url(), "restore", str(backup))
        self.assertNotEqual(damaged.returncode, 0)
        self.assertIn("checksum does not match", damaged.stderr)

    def test_it_refuses_a_directory_that_is_not_empty(self) -> None:
        (self.tmp / "full").mkdir()
        (self.tmp / "full" / "something").write_text("x")
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "not empty"):
            call_command("backup", str(self.tmp / "full"), verbosity=0)
