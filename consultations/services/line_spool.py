"""The LINE webhook never answers 5xx because the database is busy or away.

``do_accept_events`` stores the verified events as ``do_store_events`` does, waiting at most
``LINE_STORE_WAIT_MS`` for the write lock (SQLite: another process writing, an import or a
second server). If the database is still locked, or cannot be reached, the events are kept in
``var/line-spool/``: one file per request, the events encrypted with the consultation keys
(never in clear on disk), written to a temporary name, flushed to disk and renamed, so a file
is whole or absent. LINE gets its 200 either way and resends nothing.

``ingest_spool`` stores the kept files (each claimed by renaming it, so two processes never
take the same one) through ``do_store_events``, whose unique webhookEventId makes a file
stored twice, or an event LINE redelivered meanwhile, count once. The next webhook that stores
its own events ingests a few files; ``manage.py line_events --spool`` (scheduled every minute)
takes the rest.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import OperationalError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django_scopes import scope, scopes_disabled

from consultations.crypto import decrypt_bytes, encrypt_bytes
from consultations.models import Channel, InboundEvent
from consultations.services.line import do_store_events

log = logging.getLogger(__name__)

SUFFIX = ".events"
# Files a webhook request ingests after storing its own events (the rest: line_events --spool).
PER_REQUEST = 5


def spool_dir() -> Path:
    return Path(settings.VAR_DIR) / "line-spool"


@contextmanager
def _lock_wait(connection: BaseDatabaseWrapper, milliseconds: int) -> Iterator[None]:
    """Wait at most ``milliseconds`` for a lock another process holds (SQLite's write lock instead
    of the usual 5 s; PostgreSQL's lock_timeout, 0 = forever, otherwise)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    wait, restore = (
        (f"PRAGMA busy_timeout = {int(milliseconds)}", "PRAGMA busy_timeout = 5000")  # settings' init_command
        if connection.vendor == "sqlite"
        else (f"SET lock_timeout = {int(milliseconds)}", "RESET lock_timeout")
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(wait)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(restore)
        except OperationalError:
            pass  # the connection is gone; Django drops it at the end of the request


def do_accept_events(channel: Channel, events: list[dict[str, Any]]) -> tuple[int, int]:
    """Store the events, or keep them in the spool when the database is locked or away.

    Returns (new events stored, events spooled). Call inside the platform's scope.
    """
    connection = connections[router.db_for_write(InboundEvent)]
    try:
        with _lock_wait(connection, settings.LINE_STORE_WAIT_MS):
            stored = do_store_events(channel, events)
    except OperationalError as error:  # "database is locked", or the server cannot be reached
        spool(channel, events)
        log.warning(
            "line webhook: database unavailable (%s), %d events kept in the spool",
            type(error).__name__,
            len(events),
        )
        return 0, len(events)
    if _has_spooled():
        try:
            ingest_spool(limit=PER_REQUEST)
        except OperationalError:
            pass  # still busy: the files wait for the next request or line_events --spool
    return stored, 0


def spool(channel: Channel, events: list[dict[str, Any]]) -> Path:
    """Write one file with the channel and its events, encrypted, durably (fsync, rename)."""
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = json.dumps({"channel": channel.pk, "events": events}, ensure_ascii=False).encode()
    name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
    temporary = folder / f".{name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(encrypt_bytes(payload))
        handle.flush()
        os.fsync(handle.fileno())
    final = folder / f"{name}{SUFFIX}"
    os.rename(temporary, final)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return final


def _has_spooled() -> bool:
    try:
        with os.scandir(spool_dir()) as entries:
            return any(e.name.endswith(SUFFIX) for e in entries)
    except FileNotFoundError:
        return False


def spooled_files() -> list[Path]:
    folder = spool_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))


def ingest_spool(*, limit: int | None = None) -> int:
    """Store the events of up to ``limit`` spooled files, oldest first; returns how many were new.

    Raises ``OperationalError`` if the database is still unavailable (the file being stored is
    put back first).
    """
    new = 0
    for path in spooled_files()[:limit]:
        claimed = path.with_name(f".{path.name}.{os.getpid()}.claimed")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            continue  # another process took it
        try:
            content = json.loads(decrypt_bytes(claimed.read_bytes()))
            with scopes_disabled():
                channel = Channel.objects.select_related("platform").get(pk=content["channel"])
            with scope(platform=channel.platform):
                new += do_store_events(channel, content["events"])
        except OperationalError:
            os.rename(claimed, path)  # kept for the next attempt
            raise
        except (InvalidToken, ValueError, KeyError, TypeError, Channel.DoesNotExist):
            # Not readable with these keys, or its channel is gone: kept aside for the operator.
            os.rename(claimed, path.with_name(path.name + ".failed"))
            log.error("line spool: %s cannot be stored and was set aside", path.name)
            continue
        claimed.unlink()
    return new


def recover_claimed(*, older_than: float = 600.0) -> int:
    """Put back files claimed by a process that died before storing them."""
    folder = spool_dir()
    if not folder.is_dir():
        return 0
    count = 0
    for claimed in folder.glob(f".*{SUFFIX}.*.claimed"):
        if time.time() - claimed.stat().st_mtime > older_than:
            os.rename(claimed, folder / claimed.name[1:].rsplit(".", 2)[0])
            count += 1
    return count
