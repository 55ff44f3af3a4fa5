"""Japanese search over the directory: one entry point for every caller.

    from directory.search import Near, search_services
    results = search_services("こどく", platform=platform, near=Near(area_code="142042"))
    for hit in results.hits: ...            # service ids with scores, best first
    services = results.services()           # the Service rows in that order

Used by the resident navigator, by the HSDS API's ``search`` parameter and by anyone else who
needs to find services by free text. What matches what is decided in ``analysis`` (SudachiPy
normalised forms, readings, synonym groups, romaji trigrams), the SQL in ``backends``
(SQLite FTS5 or PostgreSQL tsvector + pg_trgm, by database vendor), the index in ``index``.

Order of results:
1. when the query suggests a risk to life (死にたい, 消えたい, 自殺 …), every public crisis
   line first (24-hour and anonymous ones before others), whatever else matches;
2. services matching the words, readings or synonyms: first those whose name (or its
   reading) has what was typed (いばしょ: 「よりそいカフェ（居場所）」), then the others, each
   by relevance × proximity;
3. if fewer than ``FUZZY_BELOW`` services matched, similar-sounding ones (typos).
An empty query lists every service, nearest first, then by ふりがな.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django_scopes import scopes_disabled

from directory.search.analysis import Analysis, analyse_query
from directory.search.backends import LARGE_RESULT, Constraint, Near, backend, proximity_sql

if TYPE_CHECKING:
    from platforms.models import Platform

__all__ = ["Hit", "Near", "RankedServices", "SearchResults", "filter_services", "search_services"]

FUZZY_BELOW = 5
MAX_LIMIT = 500
# Matches are counted up to this many (or to the end of the page asked for, if further): above
# it a search reports "3,000件以上" (``SearchResults.more``), as large engines do. Not below
# LARGE_RESULT: the count decides whether a match is ranked row by row or names first.
COUNT_UP_TO = LARGE_RESULT
# A filter (``within``) that allows at most this many services is applied as their ids.
FEW_SERVICES = 1000


@dataclass(frozen=True)
class Hit:
    service_id: int
    score: float
    reason: str  # "crisis", "match", "similar" or "all"


@dataclass
class SearchResults:
    query: str
    analysis: Analysis
    total: int
    hits: list[Hit] = field(default_factory=list)
    matched: int = 0  # the engine's count of exact matches (no crisis lines, no similar ones)
    # True when there are more results than ``total``: counting stopped there (COUNT_UP_TO).
    more: bool = False

    @property
    def crisis(self) -> bool:
        return self.analysis.crisis

    @property
    def similar_only(self) -> bool:
        """Nothing matched exactly; what is listed only sounds similar."""
        others = [hit for hit in self.hits if hit.reason != "crisis"]
        return bool(others) and all(hit.reason == "similar" for hit in others)

    def services(self, queryset: QuerySet | None = None) -> list[Any]:
        """The services of ``hits`` in order (``queryset`` may add select/prefetch_related)."""
        from directory.models import Service

        with scopes_disabled():
            qs = queryset if queryset is not None else Service.objects.select_related("organization")
            # Any: each service gains ``search_hit`` below, an attribute the model does not declare.
            by_id: dict[int, Any] = {s.pk: s for s in qs.filter(pk__in=[h.service_id for h in self.hits])}
        ordered = []
        for hit in self.hits:
            service = by_id.get(hit.service_id)
            if service is not None:
                service.search_hit = hit
                ordered.append(service)
        return ordered


def _constraint(
    platforms: Iterable[int] | None, within: QuerySet | None, public_only: bool, open_only: bool = False
) -> Constraint:
    """The entries ``search_services`` may return. A ``within`` that can match nothing (Django
    raises EmptyResultSet compiling ``pk__in=[]``, e.g. no service open now) is an empty
    constraint, an empty result: the predicate is a false one and ``empty`` says so, so that
    callers skip the queries; it is never an exception.

    A ``within`` of at most FEW_SERVICES services (one organisation's) becomes the list of
    their ids (``service_ids``: the backends look their entries up instead of testing every
    match); a larger one (changed since 2020) a correlated EXISTS, which a page or a bounded
    count tests only for the matches it reads, where ``IN (subquery)`` would first list every
    service it allows (95,000 ids)."""
    sql, params, empty, ids = "", (), False, None
    if within is not None:
        within = within.order_by()
        try:
            sub_sql, sub_params = (
                within.filter(pk=RawSQL("e.service_id", ())).values("pk").query.sql_with_params()
            )
        except EmptyResultSet:
            sql, empty = "1 = 0", True
        else:
            few = list(dict.fromkeys(within.values_list("pk", flat=True)[: FEW_SERVICES + 1]))
            if not few:
                sql, empty = "1 = 0", True
            elif len(few) <= FEW_SERVICES:
                ids = tuple(sorted(few))
                sql, params = f"e.service_id IN ({', '.join(['%s'] * len(ids))})", ids
            else:
                sql, params = f"EXISTS ({sub_sql})", tuple(sub_params)
    return Constraint(
        sql,
        params,
        platform_ids=tuple(int(p) for p in platforms) if platforms is not None else None,
        public_only=public_only,
        open_only=open_only,
        subquery=bool(sql) and ids is None and not empty,
        service_ids=ids,
        empty=empty,
    )


def _crisis_hits(constraint: Constraint) -> list[Hit]:
    where, params = constraint.where()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.service_id, e.crisis_rank FROM directory_searchentry e "
            f"WHERE e.crisis_rank >= 4 AND {where} ORDER BY e.crisis_rank DESC, e.sort_key, e.service_id",
            params,
        )
        return [Hit(sid, float(rank), "crisis") for sid, rank in cursor.fetchall()]


def _all_hits(
    constraint: Constraint, near: Near | None, limit: int, offset: int, cap: int | None
) -> tuple[int, list[Hit]]:
    prox, prox_params = proximity_sql(near)
    where, params = constraint.where()
    with connection.cursor() as cursor:
        if cap is None:
            cursor.execute(f"SELECT count(*) FROM directory_searchentry e WHERE {where}", params)
        else:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM directory_searchentry e WHERE {where} LIMIT %s) counted",
                [*params, cap],
            )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT e.service_id, {prox} AS score FROM directory_searchentry e WHERE {where} "
            "ORDER BY score DESC, e.sort_key, e.service_id LIMIT %s OFFSET %s",
            [*prox_params, *params, limit, offset],
        )
        return total, [Hit(sid, float(score), "all") for sid, score in cursor.fetchall()]


# Counts above this many matches are kept until the directory changes (see _count_memo).
MEMO_ABOVE = 3000


@dataclass
class _CountMemo:
    key: str
    generation: str
    known: int | None

    def keep(self, total: int) -> None:
        from directory import api_cache

        api_cache.store(self.key, self.generation, total)


def _count_memo(analysis: Analysis, constraint: Constraint) -> _CountMemo | None:
    """The kept count of this search's matches, as Elasticsearch's request cache keeps hit
    counts per index generation: a very common word (相談 in 70,000 of 100,000 services) costs
    PostgreSQL ~30 ms to count, every page of the same search needs the count, and it changes
    only with the directory, whose generation (directory.api_cache) retires every kept count at
    once. None when the cache is off (DIRECTORY_API_CACHE_SECONDS = 0)."""
    from django.conf import settings

    from directory import api_cache

    if settings.DIRECTORY_API_CACHE_SECONDS <= 0:
        return None
    what = repr((connection.vendor, analysis.words, analysis.readings, analysis.synonyms, constraint))
    key = "search-count:" + hashlib.sha256(what.encode()).hexdigest()
    generation, known = api_cache.lookup(key)
    return _CountMemo(key, generation, known if isinstance(known, int) else None)


def search_services(
    query: str = "",
    *,
    platform: Platform | None = None,
    platforms: Iterable[Any] | None = None,
    within: QuerySet | None = None,
    near: Near | None = None,
    limit: int = 20,
    offset: int = 0,
    public_only: bool = True,
    public_platforms_only: bool = False,
    matched: int | None = None,
    exact: bool = False,
) -> SearchResults:
    """Services matching ``query``, best first, ``limit`` from ``offset``.

    Restrict with ``platform`` (one), ``platforms`` (several, e.g. every public platform for
    ``/hsds/``) and/or ``within`` (any Service queryset: filters such as free of charge,
    target group, taxonomy term). ``near`` ranks nearer services higher. Only public services
    unless ``public_only=False``. Works inside or outside a platform scope (the caller has
    already decided which platforms may be searched). ``matched``: the ``matched`` of an
    earlier page of the same search, so that this page does not count the matches again
    (only an exact one: not of a result with ``more``). Matches are counted up to COUNT_UP_TO
    or the end of this page, whichever is further (``more`` says when there are more than
    ``total``), unless ``exact`` (every result is to be listed, e.g. an NDJSON export).
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    platform_ids: list[int] | None = None
    if platform is not None:
        platform_ids = [platform.pk]
    if platforms is not None:
        wanted = [getattr(p, "pk", p) for p in platforms]
        platform_ids = [p for p in wanted if platform_ids is None or p in platform_ids]
    constraint = _constraint(platform_ids, within, public_only, public_platforms_only)
    analysis = analyse_query(query or "")
    results = SearchResults(query=query, analysis=analysis, total=0)
    if constraint.empty:
        return results
    cap = None if exact else max(COUNT_UP_TO, offset + limit) + 1

    crisis: list[Hit] = _crisis_hits(constraint) if analysis.crisis else []
    crisis_ids = {hit.service_id for hit in crisis}
    if crisis_ids:
        not_crisis = f"e.service_id NOT IN ({', '.join(['%s'] * len(crisis_ids))})"
        constraint = replace(
            constraint,
            sql=f"{constraint.sql} AND {not_crisis}" if constraint.sql else not_crisis,
            params=(*constraint.params, *sorted(crisis_ids)),
            service_ids=(
                tuple(i for i in constraint.service_ids if i not in crisis_ids)
                if constraint.service_ids is not None
                else None
            ),
        )
    # The crisis lines come first on the first page; the rest continues after them.
    head = crisis[offset : offset + limit]
    rest_offset = max(0, offset - len(crisis))
    rest_limit = limit - len(head)

    if analysis.is_empty:
        total, rest = _all_hits(constraint, near, rest_limit, rest_offset, cap)
        if cap is not None and total >= cap:
            results.more, total = True, cap - 1  # counted up to cap: there are more than cap - 1
        results.total, results.hits = len(crisis) + total, head + rest
        return results

    engine = backend()
    memo = _count_memo(analysis, constraint) if matched is None else None
    if memo is not None:
        matched = memo.known
    total, rows = engine.ranked(analysis, constraint, near, rest_limit, rest_offset, total=matched, cap=cap)
    if matched is None and cap is not None and total >= cap:
        results.more, total = True, cap - 1  # counted up to cap: there are more than cap - 1
    results.matched = total
    if memo is not None and memo.known is None and total > MEMO_ABOVE and not results.more:
        memo.keep(total)
    rest = [Hit(sid, score, "match") for sid, score in rows]
    if total < FUZZY_BELOW:
        seen = set(crisis_ids)
        if total:
            _all_total, all_rows = engine.ranked(analysis, constraint, near, FUZZY_BELOW, 0, total=total)
            seen |= {sid for sid, _score in all_rows}
        similar = [
            Hit(sid, score, "similar") for sid, score in engine.fuzzy(analysis, constraint, near, seen)
        ]
        similar_offset = max(0, rest_offset - total)
        rest += similar[similar_offset : similar_offset + max(0, rest_limit - len(rest))]
        total += len(similar)
    results.total, results.hits = len(crisis) + total, head + rest
    return results


@dataclass
class RankedServices:
    """The services matching ``text`` as a page source: ``count()`` and slices, best first.

    For a paged listing (the HSDS API's ``/services?search=…``): a slice asks the engine for
    exactly that page (``limit``/``offset``) and loads just those rows, so a page costs the
    same whether the query matches ten services or all of them, and every match can be paged
    to. ``rows`` says how to load the Service rows (``only``, ``select_related`` and
    ``prefetch_related`` return a copy that loads them so); ``within`` narrows the matches
    to a Service queryset (other filters), ``near`` ranks nearer services higher.
    """

    text: str
    platform: Platform | None = None
    within: QuerySet | None = None
    near: Near | None = None
    rows: QuerySet | None = None
    only_ids: bool = False
    _total: int | None = field(default=None, repr=False)
    _matched: int | None = field(default=None, repr=False)
    _more: bool = field(default=False, repr=False)

    def _search(self, limit: int, offset: int, *, exact: bool = False) -> SearchResults:
        results = search_services(
            self.text,
            platform=self.platform,
            public_platforms_only=self.platform is None,
            within=self.within,
            near=self.near,
            limit=limit,
            offset=offset,
            matched=self._matched,  # count() counted them: a page need not count again
            exact=exact,
        )
        self._total, self._more = results.total, results.more
        self._matched = None if results.more else results.matched
        return results

    def count(self) -> int:
        """Every match counted (to list them all), unless a page was taken first: then that
        page's count, which may stop at COUNT_UP_TO (see ``more``)."""
        if self._total is None:
            self._search(0, 0, exact=True)
        return self._total or 0

    @property
    def more(self) -> bool:
        """The last page's count stopped before the end: there are more than ``count()``."""
        return self._more

    def __getitem__(self, page: slice) -> list[Any]:
        if not isinstance(page, slice) or page.step not in (None, 1):
            raise TypeError("RankedServices supports slices only")
        start = page.start or 0
        stop = page.stop if page.stop is not None else start + MAX_LIMIT
        if stop <= start:
            return []
        results = self._search(stop - start, start)
        if self.only_ids:
            return [hit.service_id for hit in results.hits]
        return results.services(self.rows)

    def ids(self) -> RankedServices:
        """The same page source, whose slices are the services' ids (nothing loaded)."""
        return replace(self, only_ids=True, _total=None, _matched=None)

    def _rows(self) -> QuerySet:
        from directory.models import Service

        return self.rows if self.rows is not None else Service.objects.all()

    def only(self, *fields: str) -> RankedServices:
        return replace(self, rows=self._rows().only(*fields), _total=None, _matched=None)

    def select_related(self, *fields: str) -> RankedServices:
        return replace(self, rows=self._rows().select_related(*fields), _total=None, _matched=None)

    def prefetch_related(self, *lookups: Any) -> RankedServices:
        return replace(self, rows=self._rows().prefetch_related(*lookups), _total=None, _matched=None)


API_RESULTS = 500


def filter_services(services: QuerySet, text: str, *, platform: Platform | None = None) -> QuerySet:
    """``services`` narrowed to the best ``API_RESULTS`` matches of ``text``, best first.

    For the HSDS API's ``search`` parameter where the result must be a Service queryset
    (``/service_at_locations``); ``/services`` pages through RankedServices instead.
    ``services`` are public services of ``platform``, or of every public platform when
    ``platform`` is None (the aggregate ``/hsds/``); further
    filters on ``services`` still apply. The order is search_services()'s: crisis lines first
    for crisis words, then relevance × proximity, then similar-sounding services when few
    matched. A query matching more than ``API_RESULTS`` services (相談 matches most of them)
    gives its best ``API_RESULTS``: ordering and counting every match of such a word on each
    request would cost more than the request may take, and no one pages that far.
    """
    ranked = search_services(
        text, platform=platform, public_platforms_only=platform is None, limit=API_RESULTS
    )
    ids = [hit.service_id for hit in ranked.hits]
    order = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return services.filter(pk__in=ids).annotate(search_rank=order).order_by("search_rank", "pk")
