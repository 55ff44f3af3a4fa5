"""PDFs rendered once per version of their data, by the task worker, and kept in the database.

Laying out a long PDF takes seconds, which a web worker must not spend, and a page that anyone
can request must not let them make the server render at will. The apps therefore name each
version of a document by a key, a hash of everything it prints and of its layout (the app
computes it: cheap, a few queries), and keep the rendered bytes in a model of theirs under that
key. A request for a version not rendered yet *claims* the key (inserts an empty row: one
request wins, the unique constraint on the key refuses the others), has the task worker render
it after the request's commit, and meanwhile serves the previous version of the same document,
marked stale, or raises ``PdfBusy`` (the view answers 202 「…を作成しています」 and reloads).
The worker stores what it rendered under the key of the data it actually read (the data may
have changed since the claim), drops the older versions, and releases the claim if it fails.

The rows: a model with ``key`` (unique with the document's own fields), ``pdf`` (bytes),
``pages`` (0 while claimed) and ``created_at``; ``RenderedPdfs(model, platform=…, size=…)``
names the fields that tell one document from another (the "series"). Used by the サポートリスト
(``directory.services.support_list``) and the survey report (``surveys.services.report``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import IntegrityError, models, transaction
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template
from django.utils import timezone

# A claim (an empty row) older than this is taken to belong to a process that died.
STALE_CLAIM = datetime.timedelta(minutes=5)


def template_source(name: str) -> str:
    """The text of a template, for the layout part of a key (a new release re-renders)."""
    # DjangoTemplates is the project's only template engine (settings.TEMPLATES), whose
    # templates keep the parsed template and its source; get_template() is typed for any engine.
    return cast(DjangoTemplate, get_template(name)).template.source


@dataclass(frozen=True)
class Pdf:
    content: bytes
    key: str
    pages: int
    stale: bool = False  # an older version, served while the current one is being made
    row: Any = field(default=None, compare=False, repr=False)  # the stored row (extra fields)


class PdfBusy(Exception):
    """The current version is being rendered and there is no earlier one to serve."""


@dataclass(frozen=True)
class RenderedPdfs:
    """The stored versions of one document: rows of ``model`` with the field values ``series``."""

    model: type[models.Model]
    series: dict[str, Any]

    def __init__(self, model: type[models.Model], **series: Any) -> None:
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "series", series)

    @property
    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**self.series)

    def done(self, key: str) -> Pdf | None:
        row = self.rows.filter(key=key, pages__gt=0).first()
        return None if row is None else _pdf(row)

    def latest(self) -> Pdf | None:
        """The newest rendered version (served, marked stale, while a newer one is made)."""
        row = self.rows.filter(pages__gt=0).order_by("-created_at", "-pk").first()
        return None if row is None else _pdf(row, stale=True)

    def claim(self, key: str) -> bool:
        """Insert the empty row that marks ``key`` as being rendered; False if someone else has it."""
        try:
            with transaction.atomic():
                self.rows.filter(key=key, pages=0, created_at__lt=timezone.now() - STALE_CLAIM).delete()
                self.model._default_manager.create(**self.series, key=key, pdf=b"", pages=0)
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        self.rows.filter(key=key, pages=0).delete()

    def store(self, claimed: str, key: str, content: bytes, pages: int, **extra: Any) -> Pdf:
        """Keep what was rendered under ``key`` (the data read), in place of the claim of
        ``claimed``; the older versions of the document go."""
        with transaction.atomic():
            rows = self.rows.select_for_update()
            if key != claimed and rows.filter(key=key).exists():
                rows.filter(key=claimed, pages=0).delete()  # this version was rendered (or claimed) meanwhile
            elif not rows.filter(key=claimed).update(key=key, pdf=content, pages=pages, **extra):
                self.model._default_manager.create(  # the claim had expired and was taken away
                    **self.series, key=key, pdf=content, pages=pages, **extra
                )
            rows.filter(pages__gt=0).exclude(key=key).delete()
            row = self.rows.filter(key=key, pages__gt=0).first()
        return Pdf(content, key, pages, row=row)


def _pdf(row: Any, *, stale: bool = False) -> Pdf:
    return Pdf(bytes(row.pdf), row.key, row.pages, stale=stale, row=row)


def current(
    store: RenderedPdfs,
    key: str,
    *,
    enqueue: Callable[[], object],
    render_now: Callable[[], Pdf] | None = None,
    serve_stale: bool = True,
) -> Pdf:
    """The version ``key`` when it is rendered; else claim it and have it rendered.

    ``enqueue`` queues the task that renders it (run after the request's commit, so that the
    worker sees the claim); ``render_now`` renders it in this process instead (the task itself,
    commands, test fixtures). Until it is ready the previous version is served, marked stale
    (``serve_stale``), or ``PdfBusy`` says it is being prepared.
    """
    done = store.done(key)
    if done is not None:
        return done
    if store.claim(key):
        if render_now is not None:
            return render_now()
        transaction.on_commit(enqueue)
    previous = store.latest() if serve_stale else None
    if previous is None:
        raise PdfBusy
    return previous


def render_claimed(
    store: RenderedPdfs,
    claimed: str,
    key: str,
    make: Callable[[], tuple[bytes, int]],
    fields: Callable[[], dict[str, Any]] = dict,
) -> Pdf:
    """Render (``make`` gives the bytes and the page count) and store under ``key``, the version of
    the data ``make`` reads, with the row's other ``fields`` (asked once ``make`` has run); the
    claim of ``claimed`` is released if the rendering fails."""
    try:
        content, pages = make()
    except BaseException:
        store.release(claimed)
        raise
    return store.store(claimed, key, content, pages, **fields())
