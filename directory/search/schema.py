"""Vendor-specific parts of the search index, created by a migration (RunPython).

SQLite: an FTS5 external-content table over SearchEntry's term columns, kept in step with
it by triggers; and the vocabulary of romaji readings (``WORDS``, one row per distinct word of
any entry, filled by a trigger) with an FTS5 trigram index over it, where the typo-tolerant
step looks up similar-sounding words before it looks for services.

PostgreSQL: pg_trgm (a trusted extension: the database owner may create it), a trigram index
on the romaji readings, and since migration 0013 a table of the search vectors (``VECTORS``: the
tsvector and the names' own, GIN indexes) and the romaji vocabulary (``WORDS``, trigram index),
both filled by triggers on the entries as SQLite's FTS5 tables are (before: a GIN index on the
tsvector expression, then stored generated columns of the entry table).
Other vendors: nothing (search raises).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from directory.search.backends import (
    FTS,
    TABLE,
    VECTORS,
    WORDS,
    WORDS_FTS,
    pg_title_vector,
    pg_vector,
)

COLUMNS = ("title", "words", "synonyms", "readings", "grams", "scope")
_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({_cols}, content='{TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END",
]
# Every romaji word of an entry, once (romaji holds letters and digits only: no quoting needed
# to read its words as a JSON array). Words of deleted entries stay: a stale word only leads
# the typo step to a search that finds nothing, and rebuild_words() drops them.
_NEW_WORDS = (
    f"INSERT OR IGNORE INTO {WORDS}(word) SELECT j.value FROM "
    "json_each('[\"' || replace(new.romaji, ' ', '\",\"') || '\"]') j WHERE j.value <> ''; "
)
SQLITE_WORDS_CREATE = [
    f"CREATE TABLE {WORDS} (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)",
    f"CREATE VIRTUAL TABLE {WORDS_FTS} USING fts5(word, content='{WORDS}', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER {WORDS}_ai AFTER INSERT ON {WORDS} BEGIN "
    f"INSERT INTO {WORDS_FTS}(rowid, word) VALUES (new.id, new.word); END",
    f"CREATE TRIGGER {WORDS}_ad AFTER DELETE ON {WORDS} BEGIN "
    f"INSERT INTO {WORDS_FTS}({WORDS_FTS}, rowid, word) VALUES ('delete', old.id, old.word); END",
    f"CREATE TRIGGER {TABLE}_words_ai AFTER INSERT ON {TABLE} BEGIN {_NEW_WORDS}END",
    f"CREATE TRIGGER {TABLE}_words_au AFTER UPDATE OF romaji ON {TABLE} BEGIN {_NEW_WORDS}END",
]
SQLITE_WORDS_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_words_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_words_ai",
    f"DROP TRIGGER IF EXISTS {WORDS}_ad",
    f"DROP TRIGGER IF EXISTS {WORDS}_ai",
    f"DROP TABLE IF EXISTS {WORDS_FTS}",
    f"DROP TABLE IF EXISTS {WORDS}",
]
SQLITE_WORDS_FILL = (
    f"INSERT OR IGNORE INTO {WORDS}(word) SELECT j.value FROM {TABLE} e, "
    "json_each('[\"' || replace(e.romaji, ' ', '\",\"') || '\"]') j WHERE j.value <> ''"
)
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX directory_search_vector ON {TABLE} USING gin ({pg_vector(prefix='')})",
    f"CREATE INDEX directory_search_romaji ON {TABLE} USING gin (romaji gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS directory_search_romaji", "DROP INDEX IF EXISTS directory_search_vector"]


def _run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def _migration(*, sqlite: Sequence[str] = (), postgresql: Sequence[str] = ()) -> Callable[[Any, Any], None]:
    """A ``RunPython`` function: the statements of the connection's database, in order (none on
    another database)."""
    by_vendor = {"sqlite": list(sqlite), "postgresql": list(postgresql)}

    def run(apps: Any, schema_editor: Any) -> None:
        _run(schema_editor, by_vendor.get(schema_editor.connection.vendor, []))

    return run


create = _migration(sqlite=SQLITE_CREATE, postgresql=PG_CREATE)
drop = _migration(sqlite=SQLITE_DROP, postgresql=PG_DROP)


create_words = _migration(sqlite=[*SQLITE_WORDS_CREATE, SQLITE_WORDS_FILL])
drop_words = _migration(sqlite=SQLITE_WORDS_DROP)


def rebuild_words(cursor) -> None:
    """The vocabulary again from the entries as they are (drops stale words)."""
    cursor.execute(f"DELETE FROM {WORDS}")
    cursor.execute(PG_WORDS_FILL if cursor.db.vendor == "postgresql" else SQLITE_WORDS_FILL)


# PostgreSQL: the weighted tsvector stored in a generated column (computed by the server on
# every insert and update), so that ranking reads it instead of rebuilding it for every
# matching row; the GIN index moves from the expression to the column.
PG_STORED_VECTOR = [
    "DROP INDEX IF EXISTS directory_search_vector",
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ({pg_vector(prefix='')}) STORED",
    f"CREATE INDEX directory_search_vector ON {TABLE} USING gin (vector)",
]
PG_EXPRESSION_VECTOR = [
    "DROP INDEX IF EXISTS directory_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
    PG_CREATE[1],
]


store_vector = _migration(postgresql=PG_STORED_VECTOR)
unstore_vector = _migration(postgresql=PG_EXPRESSION_VECTOR)


# PostgreSQL: vectors that GIN answers exactly (no weight restrictions in queries, see
# backends._tsquery): scope terms "_"-prefixed in ``vector``, names alone in ``title_vector``.
PG_EXACT_VECTORS = [
    "DROP INDEX IF EXISTS directory_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ({pg_vector(prefix='')}) STORED",
    f"ALTER TABLE {TABLE} ADD COLUMN title_vector tsvector "
    f"GENERATED ALWAYS AS ({pg_title_vector(prefix='')}) STORED",
    f"CREATE INDEX directory_search_vector ON {TABLE} USING gin (vector)",
    f"CREATE INDEX directory_search_title_vector ON {TABLE} USING gin (title_vector)",
    f"ANALYZE {TABLE}",
]
PG_EXACT_VECTORS_UNDO = [
    "DROP INDEX IF EXISTS directory_search_title_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_vector",
]


exact_vectors = _migration(postgresql=PG_EXACT_VECTORS)
no_title_vector = _migration(postgresql=PG_EXACT_VECTORS_UNDO)


# PostgreSQL: the two vectors move to a table of their own, ``VECTORS`` (entry id, service id,
# vector, title_vector), kept in step with the entries by triggers as SQLite's FTS5 table is. An
# entry row holds every term column (~1.6 kB: five rows a page, its vector out of line), so
# counting a word found in most services visited every page of the entry table and its TOAST
# (~140 ms for 相談 in 100,000 services); a VECTORS row is ~1 kB with the vector inline (~13,500
# pages), and the count needs no vector, the GIN index having answered exactly (see
# backends._tsquery): ~30 ms. Ranking a page reads the vectors.
# The typo step's vocabulary of romaji words (as on SQLite, see SQLITE_WORDS_CREATE) with a
# pg_trgm index, filled by the same trigger.
_SYNC = f"{VECTORS}_sync"
_PG_NEW_WORDS = (
    f"INSERT INTO {WORDS} (word) SELECT DISTINCT w FROM unnest(string_to_array(NEW.romaji, ' ')) w "
    "WHERE w <> '' ON CONFLICT (word) DO NOTHING"
)
PG_WORDS_FILL = (
    f"INSERT INTO {WORDS} (word) SELECT DISTINCT w FROM {TABLE} e, "
    "unnest(string_to_array(e.romaji, ' ')) w WHERE w <> '' ON CONFLICT (word) DO NOTHING"
)
PG_VECTORS_TABLE = [
    "DROP INDEX IF EXISTS directory_search_title_vector",
    "DROP INDEX IF EXISTS directory_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
    f"CREATE TABLE {VECTORS} (id bigint PRIMARY KEY, service_id bigint NOT NULL, "
    "vector tsvector NOT NULL, title_vector tsvector NOT NULL)",
    f"CREATE FUNCTION {_SYNC}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'DELETE' THEN DELETE FROM {VECTORS} WHERE id = OLD.id; RETURN NULL; END IF; "
    f"INSERT INTO {VECTORS} (id, service_id, vector, title_vector) VALUES "
    f"(NEW.id, NEW.service_id, {pg_vector(prefix='NEW.')}, {pg_title_vector(prefix='NEW.')}) "
    "ON CONFLICT (id) DO UPDATE SET service_id = EXCLUDED.service_id, vector = EXCLUDED.vector, "
    "title_vector = EXCLUDED.title_vector; "
    f"{_PG_NEW_WORDS}; RETURN NULL; END $$",
    f"CREATE FUNCTION {_SYNC}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"TRUNCATE {VECTORS}; RETURN NULL; END $$",
    f"CREATE TABLE {WORDS} (id bigserial PRIMARY KEY, word text NOT NULL UNIQUE)",
    f"CREATE INDEX {WORDS}_trgm ON {WORDS} USING gin (word gin_trgm_ops)",
    f"CREATE TRIGGER {_SYNC} AFTER INSERT OR DELETE OR UPDATE OF title, words, readings, synonyms, scope, "
    f"romaji, service_id ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {_SYNC}()",
    f"CREATE TRIGGER {_SYNC}_truncate AFTER TRUNCATE ON {TABLE} FOR EACH STATEMENT "
    f"EXECUTE FUNCTION {_SYNC}_truncate()",
    f"INSERT INTO {VECTORS} (id, service_id, vector, title_vector) SELECT id, service_id, "
    f"{pg_vector(prefix='')}, {pg_title_vector(prefix='')} FROM {TABLE}",
    PG_WORDS_FILL,
    f"CREATE INDEX {VECTORS}_vector ON {VECTORS} USING gin (vector)",
    f"CREATE INDEX {VECTORS}_title ON {VECTORS} USING gin (title_vector)",
    f"ANALYZE {VECTORS}",
    f"ANALYZE {WORDS}",
]
PG_VECTORS_TABLE_UNDO = [
    f"DROP TRIGGER IF EXISTS {_SYNC}_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {_SYNC} ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {_SYNC}_truncate()",
    f"DROP FUNCTION IF EXISTS {_SYNC}()",
    f"DROP TABLE IF EXISTS {VECTORS}",
    f"DROP TABLE IF EXISTS {WORDS}",
    *PG_EXACT_VECTORS,
]


vectors_table = _migration(postgresql=PG_VECTORS_TABLE)
vectors_in_entries = _migration(postgresql=PG_VECTORS_TABLE_UNDO)


# --- the index written in bulk (imports) --------------------------------------------------------
#
# An import rewrites thousands of entries at once. Row by row, the triggers above cost more than
# the entries themselves (SQLite: an FTS5 insert and a json_each into the vocabulary per entry,
# ~5x the time of the same rows indexed by one INSERT ... SELECT each; PostgreSQL: a plpgsql call
# per entry). Since migration 0017 the insert and delete triggers stand aside inside a
# transaction that says it writes in bulk, and ``bulk_delete`` / ``bulk_fill`` keep the FTS
# table, the vectors and the vocabulary in step with one statement each for a whole chunk.
# SQLite: a row in ``BULK`` (inserted and deleted inside the transaction, so never seen by any
# other connection: SQLite has one writer at a time); PostgreSQL: a transaction-local setting.
BULK = "directory_search_bulk"
_NOT_BULK = f"WHEN NOT EXISTS (SELECT 1 FROM {BULK}) "
PG_BULK_SETTING = "tsunagari.search_bulk"


def _sqlite_triggers(guard: str) -> list[str]:
    """The insert and delete triggers of the entries (FTS and vocabulary), with ``guard``."""
    return [
        f"DROP TRIGGER IF EXISTS {FTS}_ai",
        f"DROP TRIGGER IF EXISTS {FTS}_ad",
        f"DROP TRIGGER IF EXISTS {TABLE}_words_ai",
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} {guard}BEGIN "
        f"INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END",
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} {guard}BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END",
        f"CREATE TRIGGER {TABLE}_words_ai AFTER INSERT ON {TABLE} {guard}BEGIN {_NEW_WORDS}END",
    ]


SQLITE_BULK = [f"CREATE TABLE {BULK} (id INTEGER PRIMARY KEY)", *_sqlite_triggers(_NOT_BULK)]
SQLITE_BULK_UNDO = [*_sqlite_triggers(""), f"DROP TABLE IF EXISTS {BULK}"]


def _pg_sync(guard: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {_SYNC}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {guard}"
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {VECTORS} WHERE id = OLD.id; RETURN NULL; END IF; "
        f"INSERT INTO {VECTORS} (id, service_id, vector, title_vector) VALUES "
        f"(NEW.id, NEW.service_id, {pg_vector(prefix='NEW.')}, {pg_title_vector(prefix='NEW.')}) "
        "ON CONFLICT (id) DO UPDATE SET service_id = EXCLUDED.service_id, vector = EXCLUDED.vector, "
        "title_vector = EXCLUDED.title_vector; "
        f"{_PG_NEW_WORDS}; RETURN NULL; END $$"
    )


PG_BULK = [
    _pg_sync(
        f"IF TG_OP <> 'UPDATE' AND current_setting('{PG_BULK_SETTING}', true) = 'on' THEN RETURN NULL; END IF; "
    )
]
PG_BULK_UNDO = [_pg_sync("")]


bulk_triggers = _migration(sqlite=SQLITE_BULK, postgresql=PG_BULK)
row_triggers = _migration(sqlite=SQLITE_BULK_UNDO, postgresql=PG_BULK_UNDO)


def _in(vendor: str, ids: list[int]) -> tuple[str, list]:
    if vendor == "postgresql":
        return "service_id = ANY(%s)", [ids]
    return f"service_id IN ({', '.join(['%s'] * len(ids))})", list(ids)


def bulk_begin(cursor) -> None:
    """From here to ``bulk_end`` (inside one transaction) inserting or deleting entries leaves
    the FTS table, vectors and vocabulary alone: ``bulk_delete`` and ``bulk_fill`` do it."""
    vendor = cursor.db.vendor
    if vendor == "sqlite":
        cursor.execute(f"INSERT INTO {BULK} (id) VALUES (1)")
    elif vendor == "postgresql":
        cursor.execute("SELECT set_config(%s, 'on', true)", [PG_BULK_SETTING])


def bulk_end(cursor) -> None:
    vendor = cursor.db.vendor
    if vendor == "sqlite":
        cursor.execute(f"DELETE FROM {BULK}")
    elif vendor == "postgresql":
        cursor.execute("SELECT set_config(%s, '', true)", [PG_BULK_SETTING])


def bulk_delete(cursor, service_ids: list[int]) -> None:
    """The FTS rows / vectors of these services' entries, before the entries are deleted."""
    vendor = cursor.db.vendor
    where, params = _in(vendor, service_ids)
    if vendor == "sqlite":
        cursor.execute(
            f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) "  # noqa: S608 (names are constants)
            f"SELECT 'delete', id, {_cols} FROM {TABLE} WHERE {where}",
            params,
        )
    elif vendor == "postgresql":
        cursor.execute(f"DELETE FROM {VECTORS} WHERE id IN (SELECT id FROM {TABLE} WHERE {where})", params)  # noqa: S608


def bulk_fill(cursor, service_ids: list[int]) -> None:
    """The FTS rows / vectors of these services' new entries, and their romaji words in the
    vocabulary: one statement each."""
    vendor = cursor.db.vendor
    where, params = _in(vendor, service_ids)
    if vendor == "sqlite":
        cursor.execute(
            f"INSERT INTO {FTS}(rowid, {_cols}) SELECT id, {_cols} FROM {TABLE} WHERE {where}",  # noqa: S608
            params,
        )
        cursor.execute(
            f"INSERT OR IGNORE INTO {WORDS}(word) SELECT DISTINCT j.value FROM {TABLE} e, "  # noqa: S608
            "json_each('[\"' || replace(e.romaji, ' ', '\",\"') || '\"]') j "
            f"WHERE e.{where} AND j.value <> ''",
            params,
        )
    elif vendor == "postgresql":
        cursor.execute(
            f"INSERT INTO {VECTORS} (id, service_id, vector, title_vector) SELECT id, service_id, "  # noqa: S608
            f"{pg_vector(prefix='')}, {pg_title_vector(prefix='')} FROM {TABLE} WHERE {where}",
            params,
        )
        cursor.execute(
            f"INSERT INTO {WORDS} (word) SELECT DISTINCT w FROM {TABLE} e, "  # noqa: S608
            f"unnest(string_to_array(e.romaji, ' ')) w WHERE e.{where} AND w <> '' "
            "ON CONFLICT (word) DO NOTHING",
            params,
        )
