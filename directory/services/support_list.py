"""The サポートリスト from the directory data: settings, the document, and a cached PDF.

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
import datetime
import functools
import hashlib
import inspect
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_scopes import scope
from django_tasks import task

from accounts.permissions import Actor
from audit.services import log_action
from directory import support_list_pdf, taxonomy
from directory.hours import day_names, describe
from directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Reservation,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    SupportListCategory,
    SupportListRendering,
    SupportListSettings,
    TaxonomyTerm,
)
from directory.models import Phone as PhoneRow
from directory.support_list_pdf import (
    PDF_TEMPLATE,
    SIZES,
    Document,
    Entry,
    Fallback,
    Mark,
    PageSize,
    Phone,
    Section,
    render_pdf,
)
from platforms.models import Platform
from tsunagari.lib import pdf_cache
from tsunagari.lib.jpcalendar import wareki_date

MEMO_SECONDS = 60


# --- settings ------------------------------------------------------------------------------------


def default_terms() -> list[TaxonomyTerm]:
    """Ise's eight categories in their booklet order."""
    terms = {
        t.code: t for t in TaxonomyTerm.objects.filter(platform=None, taxonomy_ref=taxonomy.CATEGORIES_ID)
    }
    return [terms[code] for code, _n, _d in taxonomy.CATEGORIES if code in terms]


def settings_for(platform: Platform) -> SupportListSettings:
    """This platform's settings; unsaved defaults (the eight categories) when none are stored."""
    stored = SupportListSettings.objects.filter(platform=platform).first()
    if stored is not None:
        return stored
    return SupportListSettings(
        platform=platform,
        fallback_name=platform.secretariat_name or platform.owner_name,
        fallback_phone=platform.contact_phone,
    )


def chosen_terms(settings: SupportListSettings) -> list[TaxonomyTerm]:
    if settings.pk is None:
        return default_terms()
    rows = SupportListCategory.objects.filter(settings=settings).select_related("term")
    return [row.term for row in rows]


def available_terms(platform: Platform) -> list[TaxonomyTerm]:
    """Terms a category can be made of: the shared categories and topics, then the platform's own."""
    return list(
        TaxonomyTerm.objects.available_to(platform).order_by("platform_id", "taxonomy", "order", "name")
    )


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


def _printed(obj: Any, name: str) -> list[Any]:
    """A list prefetched by ``_prefetch`` into ``printed_<name>``."""
    return getattr(obj, f"printed_{name}")


# --- the document --------------------------------------------------------------------------------


def _phones(service: Service, sals: Iterable[ServiceAtLocation], provider: str) -> list[Phone]:
    """The service's own numbers; else its locations'; else its organisation's."""
    rows = _printed(service, "phones")
    if not rows:
        rows = [p for sal in sals for p in _printed(sal.location, "phones")]
    if not rows:
        rows = _printed(service.organization, "phones")
    seen: dict[str, Phone] = {}
    for row in rows:
        label = (row.description or "").strip()
        if len(label) > 12 or _squash(label) in _squash(provider):
            label = ""  # long descriptions and the provider's own name do not fit beside a number
        seen.setdefault(row.number, Phone(row.number, label, fax=row.type == "fax"))
    return list(seen.values())


def _squash(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")


def _topic(name: str, provider: str) -> str:
    """「生活保護の相談（伊勢市生活支援課）」 → 「生活保護の相談」 when the brackets only repeat the provider."""
    match = re.fullmatch(r"(.+?)[（(]([^（()）]+)[)）]", name.strip())
    if match and _squash(match.group(2)) in _squash(provider):
        return match.group(1)
    return name


def _summary(description: str, limit: int) -> str:
    text = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schedules(service: Service, sals: Sequence[ServiceAtLocation]) -> list[Schedule]:
    own = _printed(service, "schedules")
    if own:
        return own
    return [s for sal in sals for s in _printed(sal, "schedules")] or [
        s for sal in sals for s in _printed(sal.location, "schedules")
    ]


def _address(sals: Sequence[ServiceAtLocation], provider: str) -> list[str]:
    """City and street, then the building or the location's name (「市役所東館2階」「中部支所」),
    of the first two places; more places are counted (「ほか1か所」)."""
    lines: list[str] = []
    for sal in sals[:2]:
        location = sal.location
        for address in _printed(location, "addresses")[:1]:
            lines.append(f"{address.city}{address.address_1}")
            if address.address_2:
                lines.append(address.address_2)
        name = location.name
        if (
            name
            and _squash(name) not in _squash(provider)
            and not any(_squash(name) in _squash(x) for x in lines)
        ):
            lines.append(name)
    if len(sals) > 2:
        lines.append(_("ほか%(count)sか所") % {"count": len(sals) - 2})
    return lines


def uncategorised(terms: Sequence[TaxonomyTerm]) -> ServiceQuerySet:
    """Public services in none of ``terms`` (an imported directory often assigns none)."""
    return Service.objects.public().exclude(
        pk__in=Attribute.objects.filter(taxonomy_term__in=terms, service__isnull=False).values("service_id")
    )


def _services(terms: Sequence[TaxonomyTerm], *, others: bool = False) -> list[Service]:
    """Public services in these categories (``others``: in none of them) with everything
    printed, in a fixed number of queries.

    Related rows are prefetched into plain lists (``printed_*``): going through related managers
    would build a scoped queryset per row, which costs more than the whole query at 1,000 services.
    """

    def rows(lookup: str, model: type[Model], name: str) -> Prefetch:
        return Prefetch(lookup, queryset=model._default_manager.order_by("id"), to_attr=f"printed_{name}")

    locations = Location.objects.order_by("id").prefetch_related(
        rows("phones", PhoneRow, "phones"),
        rows("addresses", Address, "addresses"),
        rows("schedules", Schedule, "schedules"),
    )
    sals = ServiceAtLocation.objects.order_by("id").prefetch_related(
        rows("schedules", Schedule, "schedules"), Prefetch("location", queryset=locations)
    )
    chosen = (
        uncategorised(terms)
        if others
        else Service.objects.public().filter(attributes__taxonomy_term__in=terms)
    )
    return list(
        chosen.distinct()
        .prefetch_related(
            rows("phones", PhoneRow, "phones"),
            rows("schedules", Schedule, "schedules"),
            Prefetch(
                "organization",
                queryset=Organization.objects.prefetch_related(rows("phones", PhoneRow, "phones")),
            ),
            Prefetch(
                "attributes",
                queryset=Attribute.objects.filter(taxonomy_term__in=terms),
                to_attr="printed_attributes",
            ),
            Prefetch("service_at_locations", queryset=sals, to_attr="printed_sals"),
        )
        .order_by("name_kana", "name", "id")
    )


def _entry(service: Service, marks: list[Mark], size: PageSize, days: dict[str, str]) -> Entry:
    sals = _printed(service, "sals")
    schedules = _schedules(service, sals)
    provider = service.organization.name
    if service.department and service.department not in provider:
        provider = f"{provider} {service.department}"
    phones = _phones(service, sals, provider)
    return Entry(
        topic=_topic(service.name, provider),
        summary=_summary(service.description, size.summary_chars),
        provider=provider,
        marks=marks,
        reservation=service.reservation == Reservation.REQUIRED,
        phones=phones,
        hours=describe(schedules, open_on_holidays=service.is_24h, names=days),
        address=_address(sals, provider),
        url="" if phones else service.url,
    )


def _as_of(day: datetime.date) -> str:
    """令和8年11月26日 in Japanese (as a city prints it), the locale's date format otherwise."""
    if (translation.get_language() or "ja").startswith("ja"):
        return wareki_date(day)
    return date_format(day, "DATE_FORMAT")


def build_document(
    platform: Platform,
    settings: SupportListSettings,
    size: str,
    *,
    terms: Sequence[TaxonomyTerm] | None = None,
) -> Document:
    """The whole booklet as plain data (no rendering); ``terms`` overrides the stored categories."""
    terms = list(terms) if terms is not None else chosen_terms(settings)
    colour = {term.pk: i % 8 for i, term in enumerate(terms)}
    sections = {term.pk: Section(f"cat-{i}", term.name, colour[term.pk], []) for i, term in enumerate(terms)}
    days = day_names()
    for service in _services(terms):
        term_ids = [a.taxonomy_term_id for a in _printed(service, "attributes")]
        ordered = [t for t in terms if t.pk in term_ids]
        marks = [Mark(t.name, colour[t.pk]) for t in ordered]
        entry = _entry(service, marks, SIZES[size], days)
        for term in ordered:
            sections[term.pk].entries.append(entry)
    order = [sections[t.pk] for t in terms]
    others = _services(terms, others=True) if settings.print_others else []
    if others:
        # Every published service reaches the booklet: those in no chosen category under the
        # category the secretariat chose for them (after its own entries), or under 「その他」
        # at the end.
        target = settings.others_term
        if target is not None and target.pk in sections:
            section = sections[target.pk]
        else:
            section = Section("cat-others", target.name if target else _("その他"), len(terms) % 8, [])
            order.append(section)
        for service in others:
            section.entries.append(_entry(service, [Mark(section.name, section.colour)], SIZES[size], days))
    owner = platform.owner_name
    today = timezone.localdate()
    return Document(
        title=settings.title or _("%(owner)sつながりサポートリスト") % {"owner": owner},
        subtitle=settings.subtitle,
        intro=settings.intro,
        issuer=platform.secretariat_name or owner,
        issuer_contact=_("電話 %(phone)s") % {"phone": platform.contact_phone}
        if platform.contact_phone
        else "",
        as_of=_as_of(today),
        howto=_(
            "%(owner)sにお住まいの方が利用できる相談機関を、内容ごとに一覧にまとめました。相談先をさがすときの参考にしてください。"
        )
        % {"owner": owner},
        fallback=Fallback(
            settings.fallback_lead,
            settings.fallback_name or platform.secretariat_name or owner,
            settings.fallback_phone,
            settings.fallback_hours,
        ),
        sections=order,
        size=SIZES[size],
        lang=translation.get_language() or "ja",
    )


@dataclass(frozen=True)
class PrintSummary:
    """What the stored settings print: entries per section, and the services they leave out."""

    sections: list[tuple[str, int]]
    others_count: int  # public services in none of the chosen categories
    others_section: str  # where they print ("" when they do not)
    unprinted: list[Service]  # the first UNPRINTED_SHOWN of them, when they do not print
    unprinted_count: int


UNPRINTED_SHOWN = 50


def print_summary(platform: Platform, settings: SupportListSettings) -> PrintSummary:
    """For the staff page: the booklet's sections with their counts as printed, and a warning
    list of published services that would not print."""
    terms = chosen_terms(settings)
    doc = build_document(platform, settings, settings.size, terms=terms)
    others = uncategorised(terms).order_by("name_kana", "name", "id")
    count = others.count()
    printed = settings.print_others and count > 0
    names = {t.pk: t.name for t in terms}
    where = ""
    if printed:
        target = settings.others_term
        where = names.get(target.pk, target.name) if target is not None else _("その他")
    return PrintSummary(
        sections=[(section.name, len(section.entries)) for section in doc.sections],
        others_count=count,
        others_section=where,
        unprinted=[] if printed else list(others[:UNPRINTED_SHOWN]),
        unprinted_count=0 if printed else count,
    )


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
