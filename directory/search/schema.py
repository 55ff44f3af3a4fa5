"""Vendor-specific parts of the search index, created by a migration (RunPython).

SQLite: an FTS5 external-content table over SearchEntry's term columns, kept in step with
it by triggers. PostgreSQL: pg_trgm (a trusted extension: the database owner may create it)
and two GIN indexes, one on the weighted tsvector expression that backends.PG_VECTOR
queries, one trigram index on the romaji readings. Other vendors: nothing (search raises).
"""

from __future__ import annotations

from directory.search.backends import FTS, TABLE, pg_vector

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


def _run(schema_editor, statements: list[str]) -> None:  # type: ignore[no-untyped-def]
    for sql in statements:
        schema_editor.execute(sql)


def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, PG_CREATE)


def drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, PG_DROP)
