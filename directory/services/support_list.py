"""The サポートリスト from the directory data: its settings and a cached PDF (the document itself
is read by ``directory.queries.support_list``).

The public ``/p/<slug>/support-list.pdf`` must not let anyone make the server render PDFs
at will. The PDF is therefore cached in the database under a key that is a hash of
everything printed (the document is built from a handful of queries in milliseconds;
laying it out takes seconds). Only a change of the printed content makes a new version,
which the task worker renders once (``tsunagari.lib.pdf_cache``: the first request claims
it; meanwhile the previous PDF of the same size is served, or 202 「作成しています」 when
there is none yet).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope
from django_tasks import task

from accounts.permissions import Actor
from audit.services import log_action
from directory import support_list_pdf
from directory.models import (
    SupportListCategory,
    SupportListRendering,
    SupportListSettings,
    TaxonomyTerm,
)
from directory.queries import build_document, settings_for
from directory.support_list_pdf import (
    PDF_TEMPLATE,
    SIZES,
    Document,
    render_pdf,
)
from platforms.models import Platform
from tsunagari.lib import pdf_cache

MEMO_SECONDS = 60


# --- settings ------------------------------------------------------------------------------------


def do_save_settings(
    platform: Platform, values: dict[str, Any], terms: Sequence[TaxonomyTerm], *, actor: Actor
) -> SupportListSettings:
    """Store the settings and the chosen categories in their order (all or nothing)."""
    if not terms:
        raise ValidationError(_("掲載する分類を1つ以上選んでください。"))
    if len({t.pk for t in terms}) != len(terms):
        raise ValidationError(_("同じ分類が2回選ばれています。"))
    with transaction.atomic():
        settings, _created = SupportListSettings.objects.update_or_create(platform=platform, defaults=values)
        SupportListCategory.objects.filter(settings=settings).delete()
        SupportListCategory.objects.bulk_create(
            SupportListCategory(platform=platform, settings=settings, term=term, position=i)
            for i, term in enumerate(terms, start=1)
        )
        log_action(
            "directory.support_list_settings",
            actor=actor.user,
            platform=platform,
            obj=settings,
            by=actor,
            data={"categories": [str(t.uuid) for t in terms], "size": settings.size},
        )
        transaction.on_commit(lambda: forget_current(platform))
    return settings


# --- the document's version ----------------------------------------------------------------------


@functools.cache
def layout_version() -> str:
    """A hash of the layout (template and layout module): a new release re-renders the PDFs."""
    template = pdf_cache.template_source(PDF_TEMPLATE)
    module = inspect.getsource(support_list_pdf)
    return hashlib.sha256((template + module).encode()).hexdigest()


def document_key(doc: Document) -> str:
    """A hash of everything the PDF shows and of the layout it is shown in."""
    payload = dataclasses.asdict(doc)
    payload["layout"] = layout_version()
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- the cached PDF -------------------------------------------------------------------------------

# The shared block (tsunagari.lib.pdf_cache): claim a version, the task worker renders it, the
# previous one meanwhile.
Pdf = pdf_cache.Pdf
PdfBusy = pdf_cache.PdfBusy


def _store(platform: Platform, size: str, language: str) -> pdf_cache.RenderedPdfs:
    return pdf_cache.RenderedPdfs(SupportListRendering, platform=platform, size=size, language=language)


def _claim(platform: Platform, key: str, size: str, language: str) -> bool:
    """Insert the empty row that marks ``key`` as being rendered; False if someone else has it."""
    return _store(platform, size, language).claim(key)


def _memo_key(platform: Platform, size: str, language: str) -> str:
    return f"support-list:{platform.pk}:{size}:{language}"


def forget_current(platform: Platform) -> None:
    """Drop the remembered current keys, so that the next request sees a change at once."""
    keys = [_memo_key(platform, size, lang) for size in SIZES for lang, _n in django_settings.LANGUAGES]
    cache.delete_many(keys)


def current_pdf(platform: Platform, size: str, *, render_now: bool = False) -> Pdf:
    """The current PDF, rendered at most once per version of the data, by the task worker.

    Which version is current is remembered for ``MEMO_SECONDS`` in the shared cache, so that a
    burst of requests does not build the document each time (about a millisecond a service);
    an edit of the directory therefore shows in the PDF within that time (saving the settings
    forgets it at once). A version not rendered yet is claimed and handed to the task worker
    (``render_support_list``): laying out 500 services takes seconds, which a web worker must
    not spend. Meanwhile the previous version is served, marked stale, or, when there is none,
    ``PdfBusy`` says it is being prepared. ``render_now`` renders in this process instead (the
    task itself, commands, test fixtures).
    """
    language = translation.get_language() or "ja"
    memo = _memo_key(platform, size, language)
    remembered = cache.get(memo)
    if remembered:
        known = _store(platform, size, language).done(remembered)
        if known is not None:
            return known
    settings = settings_for(platform)
    doc = build_document(platform, settings, size)
    key = document_key(doc)
    pdf = pdf_cache.current(
        _store(platform, size, doc.lang),
        key,
        enqueue=lambda: render_support_list.enqueue(platform.pk, size, doc.lang, key),
        render_now=(lambda: _render_claimed(platform, doc, key, size)) if render_now else None,
    )
    if not pdf.stale:
        cache.set(memo, pdf.key, MEMO_SECONDS)
    return pdf


@task()
def render_support_list(platform_id: int, size: str, language: str, key: str) -> str:
    """Render the version claimed as ``key`` (the task worker's half of ``current_pdf``).

    The data may have changed since the claim: the document is built again and stored under the
    key of what was actually rendered; the claim is released either way.
    """
    platform = Platform.objects.get(pk=platform_id)
    with scope(platform=platform), translation.override(language):
        doc = build_document(platform, settings_for(platform), size)
        pdf = _render_claimed(platform, doc, key, size)
    return f"{platform.slug} {size} {language}: {pdf.pages} pages"


def _render_claimed(platform: Platform, doc: Document, claimed: str, size: str) -> Pdf:
    key = document_key(doc)  # before the layout, which fills in the pages left for notes
    pdf = pdf_cache.render_claimed(_store(platform, size, doc.lang), claimed, key, lambda: render_pdf(doc))
    cache.set(_memo_key(platform, size, doc.lang), key, MEMO_SECONDS)
    return pdf
