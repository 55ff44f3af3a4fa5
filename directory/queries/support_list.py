"""The サポートリスト as data: the settings in force (stored, or the eight default categories),
the whole booklet as a ``Document`` (no rendering), and the staff page's summary of what prints.

``directory.services.support_list`` stores the settings and keeps the rendered PDF.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory import taxonomy
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
    SupportListSettings,
    TaxonomyTerm,
)
from directory.models import Phone as PhoneRow
from directory.support_list_pdf import SIZES, Document, Entry, Fallback, Mark, PageSize, Phone, Section
from platforms.models import Platform
from tsunagari.lib.jpcalendar import wareki_date

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


# --- the document --------------------------------------------------------------------------------


def _printed(obj: Any, name: str) -> list[Any]:
    """A list prefetched by ``_prefetch`` into ``printed_<name>``."""
    return getattr(obj, f"printed_{name}")


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
