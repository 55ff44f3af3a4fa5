"""The HSDS 3.0 tables as data: one ``Table`` per CSV file, one ``Column`` per field.

The API serialiser, ``export_hsds`` and ``import_hsds`` all read these definitions, so a field
is converted the same way everywhere: to JSON (typed, empty values left out as the HSDS schemas
require), to CSV text, and from CSV text back (with a message naming the field when it cannot).
Columns marked ``extra`` are tsunagari's Japanese extensions (ふりがな, 予約, 対象者 …); they
travel as extra CSV columns and extra JSON properties, which HSDS allows.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import models as m

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Column:
    name: str  # HSDS column / JSON property
    attr: str = ""  # model attribute ("" = same as name; for fk columns the relation name)
    kind: str = "str"  # str uuid ref fk term int number decimal date datetime time bool list
    target: type[models.Model] | None = None  # fk target
    extra: bool = False  # tsunagari extension

    @property
    def field(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class Table:
    name: str  # e.g. "services"
    entity: str  # HSDS object / resource_type, e.g. "service"
    model: type[models.Model]
    columns: tuple[Column, ...]
    required: frozenset[str] = field(default_factory=frozenset)  # JSON keys always present

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def fk_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind in ("fk", "term")]

    def column_names(self, *, extras: bool = True) -> list[str]:
        return [c.name for c in self.columns if extras or not c.extra]


def C(name: str, kind: str = "str", attr: str = "", target: type[models.Model] | None = None) -> Column:  # noqa: N802
    return Column(name, attr, kind, target)


def FK(relation: str, target: type[models.Model]) -> Column:  # noqa: N802
    """``<relation>_id``: the id of the ``target`` row that the model's ``relation`` points at."""
    return Column(f"{relation}_id", relation, "fk", target)


def X(name: str, kind: str = "str") -> Column:  # noqa: N802
    return Column(name, "", kind, None, True)


ID = Column("id", "uuid", "uuid")

TABLES: list[Table] = [
    Table(
        "taxonomies",
        "taxonomy",
        m.Taxonomy,
        (ID, C("name"), C("description"), C("uri"), C("version")),
        frozenset({"name", "description"}),
    ),
    Table(
        "taxonomy_terms",
        "taxonomy_term",
        m.TaxonomyTerm,
        (
            ID,
            C("code"),
            C("name"),
            C("description"),
            C("parent_id", "ref", "parent_ref"),
            C("taxonomy"),
            C("language"),
            C("taxonomy_id", "ref", "taxonomy_ref"),
            C("term_uri"),
        ),
        frozenset({"name", "description"}),
    ),
    Table(
        "organizations",
        "organization",
        m.Organization,
        (
            ID,
            C("name"),
            C("alternate_name"),
            C("description"),
            C("email"),
            C("website"),
            C("tax_status"),
            C("tax_id"),
            C("year_incorporated", "int"),
            C("legal_status"),
            C("logo"),
            C("uri"),
            C("parent_organization_id", "ref", "parent_organization_ref"),
            X("name_kana"),
            X("is_national", "bool"),
        ),
        frozenset({"name", "description"}),
    ),
    Table(
        "programs",
        "program",
        m.Program,
        (
            ID,
            FK("organization", m.Organization),
            C("name"),
            C("alternate_name"),
            C("description"),
        ),
        frozenset({"name", "description"}),
    ),
    Table(
        "services",
        "service",
        m.Service,
        (
            ID,
            FK("organization", m.Organization),
            FK("program", m.Program),
            C("name"),
            C("alternate_name"),
            C("description"),
            C("url"),
            C("email"),
            C("status"),
            C("interpretation_services"),
            C("application_process"),
            C("fees_description"),
            C("wait_time"),
            C("fees"),
            C("accreditations"),
            C("eligibility_description"),
            C("minimum_age", "decimal"),
            C("maximum_age", "decimal"),
            C("assured_date", "date"),
            C("assurer_email"),
            C("licenses"),
            C("alert"),
            C("last_modified", "datetime"),
            X("name_kana"),
            X("department"),
            X("reservation"),
            X("target_groups", "list"),
            X("age_bands", "list"),
            X("is_free", "bool"),
            X("is_24h", "bool"),
            X("is_anonymous", "bool"),
            X("is_crisis_line", "bool"),
            X("is_national", "bool"),
            X("is_published", "bool"),
        ),
        frozenset({"name", "status"}),
    ),
    Table(
        "locations",
        "location",
        m.Location,
        (
            ID,
            C("location_type"),
            C("url"),
            C("organization_id", "ref", "organization_ref"),
            C("name"),
            C("alternate_name"),
            C("description"),
            C("transportation"),
            C("latitude", "number"),
            C("longitude", "number"),
            C("external_identifier"),
            C("external_identifier_type"),
            X("name_kana"),
        ),
        frozenset({"location_type"}),
    ),
    Table(
        "addresses",
        "address",
        m.Address,
        (
            ID,
            FK("location", m.Location),
            C("attention"),
            C("address_1"),
            C("address_2"),
            C("city"),
            C("region"),
            C("state_province"),
            C("postal_code"),
            C("country"),
            C("address_type"),
        ),
        frozenset({"address_1", "city", "state_province", "postal_code", "country", "address_type"}),
    ),
    Table(
        "service_at_location",
        "service_at_location",
        m.ServiceAtLocation,
        (
            ID,
            FK("service", m.Service),
            FK("location", m.Location),
            C("description"),
        ),
    ),
    Table(
        "contacts",
        "contact",
        m.Contact,
        (
            ID,
            C("organization_id", "ref", "organization_ref"),
            FK("service", m.Service),
            C("service_at_location_id", "ref", "service_at_location_ref"),
            FK("location", m.Location),
            C("name"),
            C("title"),
            C("department"),
            C("email"),
        ),
    ),
    Table(
        "phones",
        "phone",
        m.Phone,
        (
            ID,
            FK("location", m.Location),
            FK("service", m.Service),
            FK("organization", m.Organization),
            FK("contact", m.Contact),
            FK("service_at_location", m.ServiceAtLocation),
            C("number"),
            C("extension", "int"),
            C("type"),
            C("description"),
        ),
        frozenset({"number"}),
    ),
    Table(
        "schedules",
        "schedule",
        m.Schedule,
        (
            ID,
            FK("service", m.Service),
            FK("location", m.Location),
            FK("service_at_location", m.ServiceAtLocation),
            C("valid_from", "date"),
            C("valid_to", "date"),
            C("dtstart", "date"),
            C("timezone", "number"),
            C("until", "date"),
            C("count", "int"),
            C("wkst"),
            C("freq"),
            C("interval", "int"),
            C("byday"),
            C("byweekno"),
            C("bymonthday"),
            C("byyearday"),
            C("description"),
            C("opens_at", "time"),
            C("closes_at", "time"),
            C("schedule_link"),
            C("attending_type"),
            C("notes"),
        ),
    ),
    Table(
        "service_areas",
        "service_area",
        m.ServiceArea,
        (
            ID,
            FK("service", m.Service),
            C("name"),
            C("description"),
            C("extent"),
            C("extent_type"),
            C("uri"),
            X("municipality_code"),
        ),
    ),
    Table(
        "languages",
        "language",
        m.Language,
        (
            ID,
            FK("service", m.Service),
            FK("location", m.Location),
            FK("phone", m.Phone),
            C("name"),
            C("code"),
            C("note"),
        ),
    ),
    Table(
        "accessibility",
        "accessibility",
        m.Accessibility,
        (ID, FK("location", m.Location), C("description"), C("details"), C("url")),
    ),
    Table(
        "cost_options",
        "cost_option",
        m.CostOption,
        (
            ID,
            FK("service", m.Service),
            C("valid_from", "date"),
            C("valid_to", "date"),
            C("option"),
            C("currency"),
            C("amount", "decimal"),
            C("amount_description"),
        ),
    ),
    Table(
        "funding",
        "funding",
        m.Funding,
        (
            ID,
            FK("organization", m.Organization),
            FK("service", m.Service),
            C("source"),
        ),
    ),
    Table(
        "required_documents",
        "required_document",
        m.RequiredDocument,
        (ID, FK("service", m.Service), C("document"), C("uri")),
    ),
    Table(
        "organization_identifiers",
        "organization_identifier",
        m.OrganizationIdentifier,
        (
            ID,
            FK("organization", m.Organization),
            C("identifier_scheme"),
            C("identifier_type"),
            C("identifier"),
        ),
        frozenset({"identifier_type", "identifier"}),
    ),
    Table(
        "attributes",
        "attribute",
        m.Attribute,
        (
            ID,
            C("link_id", "ref"),
            C("taxonomy_term_id", "term", "taxonomy_term", m.TaxonomyTerm),
            C("link_type"),
            C("link_entity"),
            C("value"),
        ),
    ),
    Table(
        "metadata",
        "metadata",
        m.Metadata,
        (
            ID,
            C("resource_id", "ref"),
            C("resource_type"),
            C("last_action_date", "datetime"),
            C("last_action_type"),
            C("field_name"),
            C("previous_value"),
            C("replacement_value"),
            C("updated_by"),
        ),
        frozenset(
            {
                "last_action_date",
                "last_action_type",
                "field_name",
                "previous_value",
                "replacement_value",
                "updated_by",
            }
        ),
    ),
    Table(
        "meta_table_descriptions",
        "meta_table_description",
        m.MetaTableDescription,
        (ID, C("name"), C("language"), C("character_set")),
    ),
]
BY_NAME = {t.name: t for t in TABLES}
BY_MODEL = {t.model: t for t in TABLES}


# --- values -----------------------------------------------------------------------------------


def raw_value(obj: models.Model, column: Column) -> Any:
    """The Python value of a column (related rows as their HSDS id)."""
    if column.kind in ("fk", "term"):
        related = getattr(obj, column.field)
        return related.uuid if related is not None else None
    return getattr(obj, column.field)


def json_value(value: Any, kind: str) -> Any:
    if value is None or value == "" or (kind == "list" and not value):
        return None
    if kind in ("uuid", "ref", "fk", "term"):
        return str(value)
    if kind == "decimal":
        return float(value)
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "datetime":
        return value.astimezone(TOKYO).isoformat()
    return value


def to_json(obj: models.Model, table: Table, *, extras: bool = True) -> dict[str, Any]:
    """The row as an HSDS JSON object: empty optional values left out, required ones kept."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.extra and not extras:
            continue
        value = json_value(raw_value(obj, column), column.kind)
        if value is None:
            if column.name in table.required:
                out[column.name] = ""
            continue
        out[column.name] = value
    return out


def format_number(value: float | decimal.Decimal) -> str:
    if isinstance(value, decimal.Decimal):
        text = f"{value.normalize():f}"
        return text
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("number", "decimal"):
        return format_number(value)
    if kind == "list":
        return ";".join(value)
    if kind == "datetime":
        return value.astimezone(TOKYO).isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    return str(value)


def csv_row(obj: models.Model, table: Table) -> list[str]:
    return [csv_value(raw_value(obj, column), column.kind) for column in table.columns]


class CellError(ValueError):
    """A CSV cell that cannot be read; the message says why (the caller adds file, row and field)."""


TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f", ""}


_new = object.__new__
_set = object.__setattr__
_UUID = uuid.UUID
_UNKNOWN = uuid.SafeUUID.unknown


def parse_uuid(text: str) -> uuid.UUID:
    """``uuid.UUID(text)``, made without its ``__init__`` when the text is 32 hex digits once
    its dashes are removed (an import parses every id of every row: ~40 per service). Any other
    text (braces, ``urn:uuid:``, not hex) goes to ``uuid.UUID`` itself: the same value, the same
    ``ValueError``. ``uuid.UUID`` strips nothing else, and ``int(…, 16)`` fails on ``{``, ``}``
    and ``:``, so both give the same value whenever the fast path succeeds."""
    digits = text.replace("-", "")
    if len(digits) == 32:
        try:
            value = int(digits, 16)
        except ValueError:
            return _UUID(text)
        made = _new(_UUID)
        _set(made, "int", value)
        _set(made, "is_safe", _UNKNOWN)
        return made
    return _UUID(text)


def parse_value(text: str, kind: str) -> Any:
    """A CSV cell as the model value; raises ``CellError`` with a message for the user."""
    text = text if kind == "str" else text.strip()
    if kind == "str":
        return text
    if kind == "list":
        return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
    if kind == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise CellError(_("true か false を入力してください。"))
    if text == "":
        return None
    try:
        if kind in ("uuid", "ref", "fk", "term"):
            return parse_uuid(text)
        if kind == "int":
            number = float(text)
            if not number.is_integer():
                raise ValueError(text)
            return int(number)
        if kind == "number":
            return float(text)
        if kind == "decimal":
            return decimal.Decimal(text)
        if kind == "date":
            return datetime.date.fromisoformat(text)
        if kind == "time":
            return datetime.time.fromisoformat(text)
        if kind == "datetime":
            moment = datetime.datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)
    except (ValueError, decimal.InvalidOperation) as error:
        raise CellError(str(EXPECTED[kind])) from error
    raise CellError(f"unknown column kind {kind}")


EXPECTED = {
    "uuid": gettext_lazy("UUID（例: 3f7b145d-84af-42d7-8fae-eaca714b02b2）を入力してください。"),
    "ref": gettext_lazy("UUID（例: 3f7b145d-84af-42d7-8fae-eaca714b02b2）を入力してください。"),
    "fk": gettext_lazy("UUID（例: 3f7b145d-84af-42d7-8fae-eaca714b02b2）を入力してください。"),
    "term": gettext_lazy("UUID（例: 3f7b145d-84af-42d7-8fae-eaca714b02b2）を入力してください。"),
    "int": gettext_lazy("整数を入力してください。"),
    "number": gettext_lazy("数値を入力してください。"),
    "decimal": gettext_lazy("数値を入力してください。"),
    "date": gettext_lazy("日付を YYYY-MM-DD の形で入力してください。"),
    "time": gettext_lazy("時刻を HH:MM または HH:MM:SS の形で入力してください。"),
    "datetime": gettext_lazy("日時を ISO 8601（例: 2026-04-01T09:00:00+09:00）の形で入力してください。"),
}


def datapackage(name: str, tables: Iterable[Table]) -> dict[str, Any]:
    """A Frictionless tabular data package describing the exported files."""
    types = {
        "str": "string",
        "uuid": "string",
        "ref": "string",
        "fk": "string",
        "term": "string",
        "int": "integer",
        "number": "number",
        "decimal": "number",
        "date": "date",
        "datetime": "datetime",
        "time": "time",
        "bool": "boolean",
        "list": "string",
    }
    resources = []
    for table in tables:
        fields = []
        for column in table.columns:
            spec: dict[str, Any] = {"name": column.name, "type": types[column.kind]}
            if column.kind in ("uuid", "ref", "fk", "term"):
                spec["format"] = "uuid"
            if column.extra:
                spec["description"] = "tsunagari extension"
            fields.append(spec)
        resources.append(
            {
                "name": table.name,
                "path": table.file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": name,
        "title": "HSDS 3.0 data exported by tsunagari",
        "profile": "tabular-data-package",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
