"""The two full-text backends behind search_services(), chosen by the database vendor.

Both read the same table, ``directory_searchentry`` (one row per searchable service, written
by index.py): space-separated terms in ``words`` (normalised forms), ``synonyms`` (group
tags), ``readings`` (katakana), ``grams`` (romaji trigrams) and ``romaji`` (romaji readings).

- SQLite: an FTS5 external-content table ``directory_search_fts`` over those columns, kept in
  step by triggers (migration 'search' creates both only on SQLite); relevance is FTS5's
  bm25 with per-column weights. Typo tolerance like a spelling corrector: similar-sounding
  words from the vocabulary of romaji readings (``directory_search_word``, FTS5 trigram
  index), then the services whose trigrams contain one of those words.
- PostgreSQL: a GIN index on a weighted tsvector built straight from the term arrays
  (``array_to_tsvector``: no text-search parser, so no dependence on the server's locale),
  kept with the names' own vector in a table of their own beside the entries (``VECTORS``,
  filled by triggers), ranked by ``ts_rank``; typo tolerance as on SQLite, from the same vocabulary
  (``directory_search_word``, pg_trgm GIN index), then the services whose ``romaji`` has one
  of those words (pg_trgm GIN index on ``romaji``).

Each backend returns (service_id, score) pairs, best first, already multiplied by the
proximity factor (see proximity_sql).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from directory.search.analysis import Analysis, similarity, trigrams
from tsunagari.lib import jiscode

TABLE = "directory_searchentry"
FTS = "directory_search_fts"
WORDS = "directory_search_word"
WORDS_FTS = "directory_search_word_fts"
# bm25 column weights, in column order: title, words, synonyms, readings, grams, scope. FTS5
# scales term frequencies by them and then saturates, which flattens moderate ratios; the
# title's weight is therefore far above the others so that a word in a service's name still
# ranks it above a service that only mentions the word in its description.
SQLITE_WEIGHTS = (40.0, 4.0, 1.0, 3.0, 0.0, 0.0)


# A service whose name (or its reading) has what the resident typed ranks above every service
# found only through its description, synonyms or related words, whatever their relevance or
# distance: results are ordered by the name tier first, then by relevance × proximity (the
# score reported is NAME_TIER + that product).
NAME_TIER = 1000.0


def _sqlite_relevance() -> str:
    return f"-bm25({FTS}, {', '.join(str(w) for w in SQLITE_WEIGHTS)})"


def _sqlite_name_tier() -> str:
    """NAME_TIER when a query term matched the title column: bm25 over the title alone is
    negative exactly then (FTS5 keeps every term's idf above zero), zero otherwise."""
    weights = ", ".join(["1.0"] + ["0.0"] * (len(SQLITE_WEIGHTS) - 1))
    return f"(CASE WHEN bm25({FTS}, {weights}) < 0 THEN {NAME_TIER} ELSE 0.0 END)"


def _scope_match(constraint: Constraint, *, ranked: bool = False) -> str:
    """The scope groups as MATCH conditions; ``ranked``: without ``pub`` (checked on the
    entry instead, see _publication_sql)."""
    groups = constraint.scope_groups()
    if ranked:
        groups = [terms for terms in groups if terms != ["pub"]]
    return "".join(f" AND scope : ({' OR '.join(terms)})" for terms in groups)


def _publication_sql(constraint: Constraint) -> tuple[str, list]:
    """The ``pub`` scope term as a condition on the entry ``e``, for the bm25-ranked queries
    of one or more platforms: FTS5's bm25() reads the whole posting list of every phrase of
    the MATCH to weigh it, and ``pub`` is in nearly every entry, while its weight is zero (a
    zero-weight column adds nothing to the score): ranked with the platform's terms only and
    ``e.is_public``, the scores and the order are the same, and the ranked queries of the
    bench's platform searches take 36 % less time (171 queries: 2.7 → 1.7 s).

    ``open`` (every public platform) stays in the MATCH: without it the match grows by every
    entry of the private platforms and the join reads each of them (the entry's row is large:
    2,900 rows of ヤングケアラー cost more than ``open``'s posting list)."""
    if constraint.public_only and not constraint.open_only:
        return " AND e.is_public = %s", [True]
    return "", []


FUZZY_MIN_SIMILARITY = 0.6
FUZZY_CANDIDATES = 300
FUZZY_WORDS = 8  # similar words the typo step searches services for, best first
FUZZY_VOCABULARY = 2000  # vocabulary rows it scores at most
# Above this many matches the SQLite backend stops scoring every row (see _large_page).
LARGE_RESULT = 3000


@dataclass(frozen=True)
class Near:
    """Where the resident is: coordinates (if known) and the municipality code of the area."""

    latitude: float | None = None
    longitude: float | None = None
    area_code: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Constraint:
    """Which entries may match.

    Platform and publication are index terms in the ``scope`` column (``pf<platform id>``;
    ``pub`` for a public service; ``open`` for a public service on a public platform), so
    the full-text index itself narrows the candidates before anything is ranked or joined.
    ``sql``/``params`` add any other condition on ``e.service_id`` (the entry's service), such
    as ``e.service_id IN (<a Service queryset>)``; empty when there is none. (PostgreSQL reads
    the service id from its vectors table, which it names ``e`` unless it joins the entries.)
    """

    sql: str = ""
    params: tuple = ()
    platform_ids: tuple[int, ...] | None = None
    public_only: bool = False
    open_only: bool = False
    subquery: bool = False  # ``sql`` reads other tables (a Service queryset)
    # The services ``sql`` allows when they are few (see search._constraint), else None.
    service_ids: tuple[int, ...] | None = None
    empty: bool = False  # the condition can match nothing (e.g. ``pk__in=[]``): an empty result

    def scope_groups(self) -> list[list[str]]:
        groups = []
        if self.platform_ids is not None:
            groups.append([f"pf{pid}" for pid in self.platform_ids] or ["pfnone"])
        # "open" implies "pub" (see scope_terms): one posting list fewer to intersect.
        if self.public_only and not self.open_only:
            groups.append(["pub"])
        if self.open_only:
            groups.append(["open"])
        return groups

    def extra(self) -> tuple[str, list]:
        """The ``sql`` condition (or a true one) for queries that join the entry table."""
        return (self.sql or "1 = 1"), list(self.params)

    def where(self) -> tuple[str, list]:
        """Every condition over ``e`` in SQL, for queries that read the entry table alone."""
        parts: list[str] = []
        params: list = []
        if self.platform_ids is not None:
            ids = list(self.platform_ids) or [0]
            parts.append(f"e.platform_id IN ({', '.join(['%s'] * len(ids))})")
            params += ids
        if self.public_only:
            parts.append("e.is_public = %s")
            params.append(True)
        if self.open_only:
            parts.append("e.scope LIKE %s")
            params.append("% open%")
        if self.sql:
            parts.append(f"({self.sql})")
            params += list(self.params)
        return " AND ".join(parts) or "1 = 1", params


def scope_terms(platform_id: int, is_public: bool, platform_is_public: bool) -> str:
    if not is_public:
        return f"pf{platform_id}"
    return f"pf{platform_id} pub open" if platform_is_public else f"pf{platform_id} pub"


def proximity_sql(near: Near | None) -> tuple[str, list]:
    """A factor in (0, 1]: 1 at the resident's point or in their area, lower further away.

    With coordinates: equirectangular distance (exact enough within a prefecture), entering
    squared so that SQL needs no square root; the factor halves at 20 km, and a service
    without coordinates (a phone line, a national service) gets 0.6. With an area code (from
    a postal code): 1.0 for services serving that municipality, 0.8 for the prefecture or
    all of Japan, 0.5 otherwise. With both, coordinates decide where a service has them.
    """
    if near is None:
        return "1.0", []
    point = area = None
    point_params: list = []
    area_params: list = []
    if near.has_point:
        kx = 111.32 * math.cos(math.radians(near.latitude or 0.0))
        point = (
            "(CASE WHEN e.latitude IS NULL THEN 0.6 ELSE 1.0 / (1.0 + "
            "(((e.latitude - %s) * 111.32) * ((e.latitude - %s) * 111.32) + "
            "((e.longitude - %s) * %s) * ((e.longitude - %s) * %s)) / 400.0) END)"
        )
        point_params = [near.latitude, near.latitude, near.longitude, kx, near.longitude, kx]
    if near.area_code:
        # area_codes is " <code> <code> " (municipality codes, prefecture codes, 000000 for Japan).
        area = (
            "(CASE WHEN e.area_codes LIKE %s THEN 1.0 WHEN e.area_codes LIKE %s "
            "OR e.area_codes LIKE '%% 000000 %%' THEN 0.8 ELSE 0.5 END)"
        )
        area_params = [f"% {near.area_code} %", f"% {jiscode.prefecture_of(near.area_code)} %"]
    if point and area:
        return f"(CASE WHEN e.latitude IS NULL THEN {area} ELSE {point} END)", area_params + point_params
    if point:
        return point, point_params
    if area:
        return area, area_params
    return "1.0", []


def _services_of_rows(cursor, page: list) -> list[tuple[int, float]]:
    """(entry rowid, score) pairs → (service id, score) pairs, in the same order."""
    if not page:
        return []
    ids = [row[0] for row in page]
    cursor.execute(f"SELECT id, service_id FROM {TABLE} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
    service_of = dict(cursor.fetchall())
    return [(service_of[rowid], float(score)) for rowid, score in page if rowid in service_of]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _count(cursor, base: str, params: list, known: int | None, cap: int | None = None) -> int:
    """The number of matches of ``SELECT … {base}``: ``known`` when the caller counted this
    match already (the page after the first of the same query), else counted, but only up to
    ``cap`` rows when given (a result of ``cap`` means "``cap`` or more"): as large engines
    report "more than 1,000", counting stops where the page and the choice of ranking need
    no more (70,000 matches of 相談 would cost more to count than the rest of the request)."""
    if known is not None:
        return known
    if cap is None:
        cursor.execute(f"SELECT count(*) {base}", params)
    else:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT %s) counted", [*params, cap])
    return int(cursor.fetchone()[0])


def _runs(analysis: Analysis) -> list[str]:
    """Every four consecutive letters of the query's romaji pieces, once each."""
    runs = []
    for piece in analysis.pieces:
        runs += [piece[i : i + 4] for i in range(len(piece) - 3)]
    return list(dict.fromkeys(runs))


def _similar_words(analysis: Analysis, candidates: list[str]) -> list[tuple[str, float]]:
    """The candidates that sound like the query, with their similarity, best first.

    Like a spelling corrector: candidates are the vocabulary's romaji words that share four
    consecutive letters (two consecutive trigrams, see _runs) with a piece of the query: one
    mistyped character breaks at most three trigrams, so such a run survives elsewhere in a
    word of five letters or more; then trigram similarity (analysis.similarity's measure)
    decides, at least FUZZY_MIN_SIMILARITY, the FUZZY_WORDS best.
    """
    scored = [(word, similarity(analysis, set(trigrams((word,))))) for word in candidates]
    scored = [(word, score) for word, score in scored if score >= FUZZY_MIN_SIMILARITY]
    return sorted(scored, key=lambda item: (-item[1], item[0]))[:FUZZY_WORDS]


def _services_of_words(
    words: list[tuple[str, float]], sql: str, params, exclude: set[int]
) -> list[tuple[int, float]]:
    """Services having one of the similar ``words``: ``sql`` with ``params(word)`` gives
    (service id, proximity factor) rows of one word; a service scores its best word's
    similarity × that factor. Best first, at most FUZZY_CANDIDATES."""
    best: dict[int, float] = {}
    with connection.cursor() as cursor:
        for word, word_score in words:
            cursor.execute(sql, params(word))
            for service_id, factor in cursor.fetchall():
                if service_id not in exclude:
                    score = word_score * float(factor)
                    best[service_id] = max(score, best.get(service_id, 0.0))
    hits = sorted(best.items(), key=lambda hit: (-hit[1], hit[0]))
    return hits[:FUZZY_CANDIDATES]


def _joined(cursor, constraint: Constraint) -> tuple[str, list]:
    """What SQLite puts after ``FROM fts`` and before ``WHERE fts MATCH %s`` (the entry
    table, ``e``), and what after it (the constraint's condition), with the latter's
    parameters, as (``join WHERE fts MATCH %s AND condition`` with a placeholder for the
    MATCH, parameters after it).

    A small set of services (``constraint.service_ids``) as the FTS rowids of their entries
    instead, within their rowid range (which FTS5 reads as a range of every posting list)
    and tested one by one (``+rowid IN (…)``, which SQLite does not hand to FTS5): an
    organisation's 30 services among 20,000 matches of 介護 in ~5 ms. Handed to FTS5 as
    ``rowid IN (…)``, each rowid would be a lookup of its own, with a cursor of its own, and
    bm25() weighs every phrase of the MATCH again for each cursor (150 ms for 107 services,
    1.3 s for 相談)."""
    if constraint.service_ids is not None:
        ids = list(constraint.service_ids) or [0]
        cursor.execute(f"SELECT id FROM {TABLE} WHERE service_id IN ({', '.join(['%s'] * len(ids))})", ids)
        rowids = sorted(row[0] for row in cursor.fetchall()) or [0]
        return (
            f"JOIN {TABLE} e ON e.id = {FTS}.rowid WHERE {FTS} MATCH %s AND {FTS}.rowid >= %s "
            f"AND {FTS}.rowid <= %s AND +{FTS}.rowid IN ({', '.join(['%s'] * len(rowids))})",
            [rowids[0], rowids[-1], *rowids],
        )
    extra, extra_params = constraint.extra()
    return f"JOIN {TABLE} e ON e.id = {FTS}.rowid WHERE {FTS} MATCH %s AND ({extra})", extra_params


class SQLiteBackend:
    vendor = "sqlite"

    def _match_expression(self, analysis: Analysis) -> str:
        groups = []
        for column, terms in (
            ("{title words}", analysis.words),
            ("title", analysis.typed_readings),
            ("synonyms", analysis.synonyms),
            ("readings", analysis.readings),
        ):
            if terms:
                groups.append(f"{column} : ({' OR '.join(_fts_phrase(t) for t in terms)})")
        return " OR ".join(groups)

    def ranked(
        self,
        analysis: Analysis,
        constraint: Constraint,
        near: Near | None,
        limit: int,
        offset: int,
        total: int | None = None,
        cap: int | None = None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(count, page): the count is exact, or ``cap`` meaning "``cap`` or more" (_count)."""
        terms = self._match_expression(analysis)
        if not terms:
            return 0, []
        match = f"({terms}){_scope_match(constraint)}"
        # What bm25 ranks: without ``pub`` (see _publication_sql).
        rank_match = f"({terms}){_scope_match(constraint, ranked=True)}"
        if constraint.sql or near is not None:
            return self._ranked_joined(
                analysis, match, rank_match, constraint, near, limit, offset, total, cap
            )
        # Only index terms constrain the match: rank inside FTS5, join just the page.
        with connection.cursor() as cursor:
            total = _count(cursor, f"FROM {FTS} WHERE {FTS} MATCH %s", [match], total, cap)
            if total > LARGE_RESULT:
                page = self._large_page(cursor, analysis, constraint, match, limit, offset)
                return total, _services_of_rows(cursor, page)
            publication, publication_params = _publication_sql(constraint)
            # Joined only to check the publication: the entry's row is large to read.
            source = f"{FTS} JOIN {TABLE} e ON e.id = {FTS}.rowid" if publication else FTS
            cursor.execute(
                f"SELECT {FTS}.rowid, {_sqlite_name_tier()} AS tier, {_sqlite_relevance()} AS score "
                f"FROM {source} WHERE {FTS} MATCH %s{publication} "
                f"ORDER BY tier DESC, score DESC, {FTS}.rowid LIMIT %s OFFSET %s",
                [rank_match, *publication_params, limit, offset],
            )
            page = [(rowid, tier + score) for rowid, tier, score in cursor.fetchall()]
            return total, _services_of_rows(cursor, page)

    def _large_page(
        self,
        cursor,
        analysis: Analysis,
        constraint: Constraint,
        match: str,
        limit: int,
        offset: int,
        joined: tuple[str, list] = (f"WHERE {FTS} MATCH %s", []),
    ):
        """A page of a very large match (a word in most services: 相談, 支援), as (entry rowid,
        score) pairs.

        bm25 tells such services hardly apart (the word's weight is near zero) and scoring
        tens of thousands of rows would cost more than the whole request may take; so the
        services with a query word in their name or taxonomy terms come first, then the
        others, each in index order (as on PostgreSQL). The names-first part is counted only
        when the page starts past its end. ``joined``: the join and condition of a
        constraint on the entries (see _joined), with its parameters.
        """
        if limit <= 0:
            return []
        named = (*analysis.words, *analysis.typed_readings)
        title = f"(title : ({' OR '.join(_fts_phrase(t) for t in named)})){_scope_match(constraint)}"
        where, join_params = joined
        source = f"FROM {FTS} {where}"
        rows: list = []
        in_title = 0
        if named:
            cursor.execute(
                f"SELECT {FTS}.rowid, 2.0 {source} ORDER BY {FTS}.rowid LIMIT %s OFFSET %s",
                [title, *join_params, limit, offset],
            )
            rows = cursor.fetchall()
            if len(rows) == limit:
                return rows
            if rows or offset == 0:
                in_title = offset + len(rows)
            else:
                cursor.execute(f"SELECT count(*) {source}", [title, *join_params])
                in_title = cursor.fetchone()[0]
        rest = f"({match}) NOT ({title})" if named else match
        cursor.execute(
            f"SELECT {FTS}.rowid, 1.0 {source} ORDER BY {FTS}.rowid LIMIT %s OFFSET %s",
            [rest, *join_params, limit - len(rows), max(0, offset - in_title)],
        )
        return rows + cursor.fetchall()

    def _ranked_joined(
        self,
        analysis: Analysis,
        match: str,
        rank_match: str,
        constraint: Constraint,
        near: Near | None,
        limit: int,
        offset: int,
        total: int | None,
        cap: int | None,
    ) -> tuple[int, list[tuple[int, float]]]:
        prox, prox_params = proximity_sql(near)
        with connection.cursor() as cursor:
            where, join_params = _joined(cursor, constraint)
            base = f"FROM {FTS} {where}"
            params = [match, *join_params]
            total = _count(cursor, base, params, total, cap)
            if total > LARGE_RESULT and near is None:
                # As without the constraint (and as on PostgreSQL): names first, index order.
                page = self._large_page(
                    cursor, analysis, constraint, match, limit, offset, (where, join_params)
                )
                return total, _services_of_rows(cursor, page)
            publication, publication_params = _publication_sql(constraint)
            cursor.execute(
                f"SELECT e.service_id, {_sqlite_name_tier()} AS tier, {_sqlite_relevance()} * {prox} AS score "
                f"{base}{publication} ORDER BY tier DESC, score DESC, e.service_id LIMIT %s OFFSET %s",
                [*prox_params, rank_match, *join_params, *publication_params, limit, offset],
            )
            rows = [(row[0], float(row[1]) + float(row[2])) for row in cursor.fetchall()]
        return total, rows

    def similar_words(self, analysis: Analysis) -> list[tuple[str, float]]:
        """Romaji words of the index that sound like the query (see _similar_words)."""
        runs = _runs(analysis)
        if not runs:
            return []
        match = " OR ".join(_fts_phrase(run) for run in runs)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {WORDS_FTS} WHERE {WORDS_FTS} MATCH %s LIMIT %s",
                [match, FUZZY_VOCABULARY],
            )
            return _similar_words(analysis, [row[0] for row in cursor.fetchall()])

    def fuzzy(
        self, analysis: Analysis, constraint: Constraint, near: Near | None, exclude: set[int]
    ) -> list[tuple[int, float]]:
        prox, prox_params = proximity_sql(near)
        extra, extra_params = constraint.extra()
        # Without a point or area every service of a word scores alike: take them in index
        # order instead of computing a score for each.
        order = "score DESC, e.service_id" if near is not None else f"{FTS}.rowid"
        sql = (
            f"SELECT e.service_id, {prox} AS score FROM {FTS} JOIN {TABLE} e ON e.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND ({extra}) ORDER BY {order} LIMIT %s"
        )

        def params(word: str) -> list:
            # Every trigram of the word (implicit AND): the entry has the word's sound.
            grams = " ".join(_fts_phrase(g) for g in trigrams((word,)))
            return [
                *prox_params,
                f"grams : ({grams}){_scope_match(constraint)}",
                *extra_params,
                FUZZY_CANDIDATES,
            ]

        return _services_of_words(self.similar_words(analysis), sql, params, exclude)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(analysis: Analysis, constraint: Constraint) -> str:
    """Any word, reading or synonym tag, and every scope group (platform, publication).

    No weight restrictions: GIN answers an unweighted query exactly, while a weighted one makes
    PostgreSQL re-read and re-check every candidate row. The lexeme kinds cannot be confused
    anyway: scope terms carry a "_" prefix in the vector (pg_vector), which no word can have
    (analysis.token drops "_"); synonym tags are "sg…"/"sx…" codes; readings are katakana."""
    # Once each: a katakana word is its own reading.
    parts = [_lexeme(t) for t in dict.fromkeys((*analysis.words, *analysis.readings, *analysis.synonyms))]
    if not parts:
        return ""
    query = "(" + " | ".join(parts) + ")"
    for group in constraint.scope_groups():
        query += " & (" + " | ".join(_lexeme(f"_{t}") for t in group) + ")"
    return query


def _title_tsquery(analysis: Analysis) -> str:
    """Any of the query's words or typed words' readings, for ``title_vector`` (names are
    indexed with their readings: いばしょ finds 居場所 in a name)."""
    named = dict.fromkeys((*analysis.words, *analysis.typed_readings))
    return "(" + " | ".join(_lexeme(t) for t in named) + ")" if named else "'_none'"


def pg_vector(prefix: str = "e.") -> str:
    """The tsvector of an entry: title, words, readings, synonyms and the "_"-prefixed scope
    terms (the VECTORS table holds exactly this, see schema). The weights it sets are lost:
    array_to_tsvector gives lexemes without positions, and PostgreSQL keeps a weight only on a
    position; ranking singles out names with ``title_vector`` instead (PostgreSQLBackend)."""

    def lexemes(text: str) -> str:
        # array_remove: an empty column would give an empty lexeme, which tsvector refuses.
        return f"array_to_tsvector(array_remove(string_to_array({text}, ' '), ''))"

    scope = f"replace({chr(39)} {chr(39)} || {prefix}scope, {chr(39)} {chr(39)}, {chr(39)} _{chr(39)})"
    return (
        f"(setweight({lexemes(prefix + 'title')}, 'A') || "
        f"setweight({lexemes(prefix + 'words')}, 'B') || "
        f"setweight({lexemes(prefix + 'readings')}, 'C') || "
        f"setweight({lexemes(f'{prefix}synonyms || {chr(39)} {chr(39)} || {scope}')}, 'D'))"
    )


def pg_title_vector(prefix: str = "e.") -> str:
    """The names and taxonomy terms of an entry alone (the VECTORS table holds it)."""
    return f"array_to_tsvector(array_remove(string_to_array({prefix}title, ' '), ''))"


# The vectors table (migration 0013: one row per entry, same id, kept in step by triggers) with
# pg_vector(prefix="NEW.") and pg_title_vector(prefix="NEW.") of each entry.
VECTORS = "directory_search_vectors"


@contextmanager
def _gin_scans(constraint: Constraint):
    """A cursor whose queries find matches through the GIN index, never by reading every row.

    PostgreSQL prices testing a vector like any cheap operator when it prices a sequential
    scan, so for a word found in most services (相談) it picks a scan of the whole table that
    tests every vector (~200 ms for 100,000 services) over the GIN index (~30 ms).
    ``enable_seqscan`` is switched off for these queries only: SET LOCAL inside a
    transaction (or savepoint), set back before it ends, and undone with it on an error. Not
    when the constraint brings a subquery over other tables (a filter such as free of charge):
    there a scan of that table may well be the best plan, and the planner decides."""
    if constraint.subquery:
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        before = cursor.fetchone()[0]
        yield cursor
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


class PostgreSQLBackend:
    vendor = "postgresql"

    def ranked(
        self,
        analysis: Analysis,
        constraint: Constraint,
        near: Near | None,
        limit: int,
        offset: int,
        total: int | None = None,
        cap: int | None = None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(count, page): the count is exact, or ``cap`` meaning "``cap`` or more" (_count)."""
        query = _tsquery(analysis, constraint)
        if not query:
            return 0, []
        prox, prox_params = proximity_sql(near)
        extra, extra_params = constraint.extra()
        # The vectors table has the entry's id and service id: constraint.sql (a condition on
        # e.service_id) reads it alone; proximity needs the entry's place, so the entry joins.
        source = f"{VECTORS} e" if near is None else f"{VECTORS} v JOIN {TABLE} e ON e.id = v.id"
        vectors = "e" if near is None else "v"
        base = f"FROM {source} WHERE {vectors}.vector @@ %s::tsquery AND ({extra})"
        params = [query, *extra_params]
        with _gin_scans(constraint) as cursor:
            total = _count(cursor, base, params, total, cap)
            if total > LARGE_RESULT and near is None:
                return total, self._large_page(cursor, analysis, base, params, limit, offset)
            # ts_rank counts the matching terms (the vector keeps no weights, see pg_vector);
            # a query word (or typed word's reading) in the service's name or taxonomy terms
            # adds NAME_TIER, so that such services come first, as on SQLite.
            in_title = f"CASE WHEN {vectors}.title_vector @@ %s::tsquery THEN {NAME_TIER} ELSE 0.0 END"
            cursor.execute(
                f"SELECT e.service_id, {in_title} AS tier, ts_rank({vectors}.vector, %s::tsquery) * {prox} "
                f"AS score {base} ORDER BY tier DESC, score DESC, e.service_id LIMIT %s OFFSET %s",
                [_title_tsquery(analysis), query, *prox_params, *params, limit, offset],
            )
            rows = [(row[0], float(row[1]) + float(row[2])) for row in cursor.fetchall()]
        return total, rows

    def _large_page(
        self, cursor, analysis: Analysis, base: str, params: list, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """A page of a very large match, as the SQLite backend does (see its _large_page):
        services with a query word in their name or terms first, then the others, each in
        entry order; ts_rank of every matching row would cost more than the request may.
        The names-first part is counted only when the page reaches past its end."""
        rows: list = []
        in_title = 0
        title, title_params = "", []
        if analysis.words or analysis.typed_readings:
            title = " AND e.title_vector @@ %s::tsquery"
            title_params = [_title_tsquery(analysis)]
            cursor.execute(
                f"SELECT e.service_id, 2.0 {base}{title} ORDER BY e.id LIMIT %s OFFSET %s",
                [*params, *title_params, limit, offset],
            )
            rows = cursor.fetchall()
            if len(rows) == limit:
                return [(row[0], float(row[1])) for row in rows]
            if rows or offset == 0:
                in_title = offset + len(rows)
            else:
                cursor.execute(f"SELECT count(*) {base}{title}", [*params, *title_params])
                in_title = cursor.fetchone()[0]
        rest = " AND NOT (e.title_vector @@ %s::tsquery)" if title else ""
        cursor.execute(
            f"SELECT e.service_id, 1.0 {base}{rest} ORDER BY e.id LIMIT %s OFFSET %s",
            [*params, *title_params, limit - len(rows), max(0, offset - in_title)],
        )
        rows += cursor.fetchall()
        return [(row[0], float(row[1])) for row in rows]

    def similar_words(self, analysis: Analysis) -> list[tuple[str, float]]:
        """Romaji words of the index that sound like the query (see _similar_words); the
        vocabulary's trigram index (pg_trgm) finds the words containing a run."""
        runs = _runs(analysis)
        if not runs:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {WORDS} WHERE word LIKE ANY(%s) LIMIT %s",
                [[f"%{run}%" for run in runs], FUZZY_VOCABULARY],
            )
            return _similar_words(analysis, [row[0] for row in cursor.fetchall()])

    def fuzzy(
        self, analysis: Analysis, constraint: Constraint, near: Near | None, exclude: set[int]
    ) -> list[tuple[int, float]]:
        prox, prox_params = proximity_sql(near)
        where, where_params = constraint.where()
        # The word among the entry's romaji words, found through the trigram index on romaji;
        # without a point or area in entry order (every service of a word scores alike).
        order = "score DESC, e.service_id" if near is not None else "e.id"
        sql = (
            f"SELECT e.service_id, {prox} AS score FROM {TABLE} e WHERE e.romaji ~ %s AND ({where}) "
            f"ORDER BY {order} LIMIT %s"
        )

        def params(word: str) -> list:
            # Romaji words hold letters and digits only: nothing to escape in the pattern.
            return [*prox_params, f"(^| ){word}( |$)", *where_params, FUZZY_CANDIDATES]

        return _services_of_words(self.similar_words(analysis), sql, params, exclude)


def backend() -> SQLiteBackend | PostgreSQLBackend:
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
