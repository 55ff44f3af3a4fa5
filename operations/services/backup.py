"""Backups that restore with their keys (SQLite online backup API or pg_dump custom format).

A backup directory holds the database (``database.sqlite3`` or ``database.dump``), the uploaded
files under ``media/`` when there are any, and ``manifest.json``: the SHA-256 and size of every
file and the fingerprints of the keys the data needs. The keys themselves are never written into
a backup: they are kept apart (docs/operations.md), so that a stolen backup is ciphertext.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from operations.fingerprints import configured_fingerprints
from operations.queries import recorded_fingerprints

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why, for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install Debian's postgresql-client")
    return path


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root and Path(root).is_dir() else None


def do_backup(target: Path) -> dict[str, Any]:
    """Write a backup of the default database (and uploaded files) into the empty ``target``."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; back up into a new directory")
    target.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        name = "database.sqlite3"
        destination = sqlite3.connect(target / name)
        try:
            # The online backup API copies a consistent snapshot while others keep writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        name = "database.dump"
        args, env = _pg_env(connection.settings_dict)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args,
             "--file", str(target / name), str(connection.settings_dict["NAME"])],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for the {connection.vendor} database")
    files = [name]
    media = _media_root()
    if media is not None:
        shutil.copytree(media, target / "media")
        files += sorted(str(p.relative_to(target)) for p in (target / "media").rglob("*") if p.is_file())
    recorded = recorded_fingerprints()
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": connection.vendor, "file": name},
        "files": {
            item: {"sha256": _sha256(target / item), "size": (target / item).stat().st_size} for item in files
        },
        # Which keys can read this data: the prints recorded by the database, or (for data written
        # before prints were recorded) the keys configured now. Never the keys themselves.
        "keys": {
            purpose: sorted(recorded.get(purpose) or set(prints))
            for purpose, prints in configured_fingerprints().items()
        },
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


@dataclass(frozen=True)
class Checked:
    manifest: dict[str, Any]
    database: Path


def check_backup(source: Path) -> Checked:
    """Read the manifest and verify every file's checksum and size; name the first that fails."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{source / MANIFEST} is missing: not a tsunagari backup") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    for item, expected in manifest.get("files", {}).items():
        path = (source / item).resolve()
        if source.resolve() not in path.parents:
            raise BackupError(f"manifest names a file outside the backup: {item}")
        if not path.is_file():
            raise BackupError(f"{item}: missing from the backup")
        if path.stat().st_size != expected.get("size") or _sha256(path) != expected.get("sha256"):
            raise BackupError(f"{item}: checksum does not match the manifest (damaged or altered)")
    database = source / manifest["database"]["file"]
    if manifest["database"]["file"] not in manifest.get("files", {}):
        raise BackupError("the manifest does not list the database file")
    return Checked(manifest, database)


def key_mismatch(manifest: dict[str, Any]) -> list[str]:
    """What the configured keys lack to read the backup's data."""
    configured = configured_fingerprints()
    missing = []
    needed = manifest.get("keys", {})
    consultation = set(needed.get("consultation", []))
    if consultation and not consultation.intersection(configured["consultation"]):
        missing.append("CONSULTATION_KEYS holds none of the keys this backup's data was encrypted with")
    index = set(needed.get("index", []))
    if index and not index.intersection(configured["index"]):
        missing.append("CONSULTATION_INDEX_KEY is not the key this backup was written with")
    return missing


def do_restore(source: Path) -> dict[str, Any]:
    """Restore ``source`` into the configured database, which must be empty (no tables)."""
    checked = check_backup(source)
    manifest = checked.manifest
    missing = key_mismatch(manifest)
    if missing:
        raise BackupError("; ".join(missing) + ". Configure the backup's keys first (docs/operations.md).")
    connection.ensure_connection()
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the backup is of a {vendor} database; the configured one is {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the configured database is not empty; restore only into a new, empty database")
    if vendor == "sqlite":
        source_db = sqlite3.connect(f"file:{checked.database}?mode=ro", uri=True)
        try:
            source_db.backup(connection.connection)
        finally:
            source_db.close()
    else:
        args, env = _pg_env(connection.settings_dict)
        connection.close()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args,
             "--dbname", str(connection.settings_dict["NAME"]), str(checked.database)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    media = source / "media"
    root = getattr(settings, "MEDIA_ROOT", "")
    if media.is_dir() and root:
        shutil.copytree(media, Path(root), dirs_exist_ok=True)
    return manifest
