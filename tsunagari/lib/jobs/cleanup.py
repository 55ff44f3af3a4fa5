"""Removing what imports leave behind: staged files of finished, failed or abandoned jobs.

Every import stages its upload under ``VAR_DIR/imports`` (``runner.stage``). A job that is
done removes its own file; the file of a failed job is kept so that it can be run again, and
an upload that was checked but never applied keeps its file for its apply. ``purge_staged``
(``manage.py purge_staged_imports``, run daily by the scheduler: operations.schedule) removes
every staged file older than ``KEEP_STAGED`` that no queued or still-running job needs, and
runs the cleaners apps register (``register_cleaner``: e.g. the survey import's rows left
staged by a worker killed mid-import).
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone
from django_scopes import scopes_disabled

from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.jobs.runner import staging_dir

# How long a staged file outlives its job (or its upload's check): a failed import can be run
# again, and a checked sheet applied, within this time.
KEEP_STAGED = datetime.timedelta(days=7)

Cleaner = Callable[[datetime.datetime], int]
CLEANERS: dict[str, Cleaner] = {}


def register_cleaner(name: str, cleaner: Cleaner) -> None:
    """``cleaner(cutoff)`` removes what its app staged before ``cutoff`` and was abandoned; it
    returns how many things it removed."""
    CLEANERS[name] = cleaner


def needed_files(cutoff: datetime.datetime) -> set[str]:
    """Staged paths of jobs waiting to run or running (with a heartbeat since ``cutoff``)."""
    with scopes_disabled():
        jobs = ImportJob.objects.exclude(staged="").filter(
            state=ImportJob.State.QUEUED
        ) | ImportJob.objects.exclude(staged="").filter(
            state=ImportJob.State.RUNNING, heartbeat_at__gte=cutoff
        )
        return {str(Path(p)) for p in jobs.values_list("staged", flat=True)}


def purge_staged(
    *, now: datetime.datetime | None = None, keep: datetime.timedelta = KEEP_STAGED
) -> dict[str, int]:
    """Remove the staged files (and folders) older than ``keep`` that no waiting or running job
    needs, then run the registered cleaners; what was removed, by kind."""
    cutoff = (now or timezone.now()) - keep
    needed = needed_files(cutoff)
    removed = {"files": 0, "bytes": 0}
    for path in sorted(staging_dir().iterdir()):
        if str(path) in needed:
            continue
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue
        if datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC) >= cutoff:
            continue
        if path.is_dir() and not path.is_symlink():
            removed["bytes"] += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            shutil.rmtree(path, ignore_errors=True)
        else:
            removed["bytes"] += stat.st_size
            path.unlink(missing_ok=True)
        removed["files"] += 1
    with scopes_disabled():
        ImportJob.objects.exclude(staged="").exclude(
            state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        ).filter(created_at__lt=cutoff).update(staged="")
    for name, cleaner in sorted(CLEANERS.items()):
        removed[name] = cleaner(cutoff)
    return removed
