"""Ise's 情報交換・共有シート as an Excel template, and its upload (validate every row, then apply).

Seed 003: the secretariat asked every department for the programmes that could help people
who find it hard to work (事業名等・担当課・新・既・種別・対象者・形態・委託先・事業内容) and for the
NPOs they work with (NPO法人名・NPO法人の概要・担当課・形態・事業名・事業内容). The template has
those two sheets with the same columns, plus 分類 (the サポートリスト category) and 電話番号 so
that a row can become a directory entry. Blank 担当課・新・既・種別・対象者 cells repeat the row
above, as in the merged cells of Ise's sheet. Rows become unpublished services (the
inventory is internal until the secretariat publishes an entry); uploading the same sheet
again updates the same services.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.permissions import Actor
from audit.services import log_action
from directory import api_cache, taxonomy
from directory.models import Attribute, Organization, Phone, Service, SheetUpload, TaxonomyTerm
from directory.queries import PREVIEW_KIND
from directory.search.index import index_services_bulk
from partnership.models import MemberOrganisation
from platforms.models import Platform
from tsunagari.lib import japanese, sheets
from tsunagari.lib.jobs import runner as jobs
from tsunagari.lib.jobs.cleanup import KEEP_STAGED
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.phone import normalise_phone, phone_problem
from tsunagari.lib.text import normalise_name

TITLE = "「地方版孤独・孤立対策官民連携プラットフォーム」情報交換・共有シート"
PROGRAMMES = "事業"
NPOS = "NPO法人"
HEADER_ROW = 3
# Rows read from each sheet below its header (to its last value, tsunagari.lib.sheets); a value
# further down is refused with a message naming its row. A department's programmes fill a few
# hundred, a prefecture's whole inventory a few ten thousand. The imports worker reads the file
# streamed, but keeps the checked rows in memory until they are applied (a 100,000-row apply was
# measured: bench/bench_sheet_apply.py, bench/README.md). The upload page, README.md and
# docs/operations.md state both limits.
MAX_ROWS = 100_000
# The uploaded file, counted on the bytes received (100,000 rows of the template are ~5 MB).
MAX_UPLOAD = 30 * 1024 * 1024
# Rows of a checked sheet listed on its preview page (the rest are counted).
PREVIEW_ROWS = 200
PROGRAMME_COLUMNS = [
    "事業名等",
    "担当課",
    "新・既",
    "種別",
    "対象者",
    "形態",
    "委託先",
    "事業内容",
    "分類",
    "電話番号",
]
NPO_COLUMNS = ["NPO法人名", "NPO法人の概要", "担当課", "形態", "事業名", "事業内容", "分類", "電話番号"]
NEW_OR_EXISTING = ["新規", "既存"]
# The template's own column says 新・既, so people write 新 or 既 (or ○新, 新規事業 …).
NEW_OR_EXISTING_ALIASES = {"新": "新規", "既": "既存", "新規事業": "新規", "既存事業": "既存"}
KINDS = ["周知・啓発", "社会参加", "就労支援", "その他"]
FORMS = ["直営", "委託", "補助", "共催・連携", "その他"]
FILL_DOWN = {"担当課", "新・既", "種別", "対象者"}
NOTES = {
    PROGRAMMES: "※「働きづらさを抱えた人」などに対して「周知・啓発」「社会参加」「就労支援」「その他」で、"
    "既存事業の活用や新規事業として実施できそうな取組みを記載してください。"
    "担当課・新・既・種別・対象者が上の行と同じときは空欄で構いません。",
    NPOS: "※各課で事業委託等で関わりのあるNPO法人を記載してください。"
    "事業でない場合でも、NPO法人と関わりがある場合はその内容を記載してください。",
}


def category_names() -> list[str]:
    return [name for _code, name, _d in taxonomy.CATEGORIES]


def build_template() -> bytes:
    """The downloadable template (two sheets, header on row 3, drop-down lists)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    lists = {
        "新・既": NEW_OR_EXISTING,
        "種別": KINDS,
        "形態": FORMS,
        "分類": category_names(),
    }
    for title, columns in ((PROGRAMMES, PROGRAMME_COLUMNS), (NPOS, NPO_COLUMNS)):
        sheet = book.create_sheet(title)
        sheet["A1"] = TITLE
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A2"] = NOTES[title]
        sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
        sheet.row_dimensions[2].height = 48
        for index, name in enumerate(columns, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            width = 40 if name in ("事業内容", "NPO法人の概要") else 16
            sheet.column_dimensions[get_column_letter(index)].width = width
            if name in lists:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(lists[name]) + '"',
                    allow_blank=True,
                    showErrorMessage=name != "分類",
                    errorTitle=name,
                    error=_("一覧から選んでください。"),
                )
                letter = get_column_letter(index)
                validation.add(f"{letter}{HEADER_ROW + 1}:{letter}1000")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.values.get("事業名等") or self.values.get("事業名", "")

    @property
    def organisation(self) -> str:
        return self.values.get("NPO法人名", "")

    @property
    def department(self) -> str:
        return self.values.get("担当課", "")


@dataclass
class Parsed:
    rows: list[Row]
    problem: str = ""  # the file is not the template at all

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(content: sheets.Source, progress: jobs.Progress | None = None) -> Parsed:
    """Every row of both sheets with its problems; ``problem`` if this is not the template.
    ``content``: the file's bytes or its staged path (read streamed); ``progress`` hears of each
    row read."""
    try:
        book = sheets.open_workbook(content)
    except sheets.SheetRefused as refused:
        return Parsed([], str(refused) + _("情報交換・共有シートのテンプレートを使ってください。"))
    try:
        return _parse_book(book, progress)
    except sheets.SheetRefused as refused:
        return Parsed([], str(refused))
    finally:
        book.close()


def _parse_book(book: Any, progress: jobs.Progress | None = None) -> Parsed:
    rows: list[Row] = []
    for title, columns in ((PROGRAMMES, PROGRAMME_COLUMNS), (NPOS, NPO_COLUMNS)):
        if title not in book.sheetnames:
            return Parsed(
                [],
                _("シート「%(sheet)s」がありません。情報交換・共有シートのテンプレートを使ってください。")
                % {"sheet": title},
            )
        sheet = book[title]
        cells = sheets.data_rows(sheet, max_rows=HEADER_ROW + MAX_ROWS)  # rows below the header
        top = [next(cells, ()) for _n in range(HEADER_ROW)]
        header = [_text(v) for v in top[HEADER_ROW - 1]]
        if header[: len(columns)] != columns:
            return Parsed(
                [],
                _(
                    "シート「%(sheet)s」の3行目が見出し（%(columns)s）になっていません。テンプレートの列を変えずに記入してください。"
                )
                % {"sheet": title, "columns": "・".join(columns)},
            )
        above: dict[str, str] = {}
        for number, raw in enumerate(cells, start=HEADER_ROW + 1):
            if progress is not None:
                progress.advance()
            values = {name: _text(raw[i]) if i < len(raw) else "" for i, name in enumerate(columns)}
            if not any(values.values()):
                continue
            if "新・既" in values:
                values["新・既"] = NEW_OR_EXISTING_ALIASES.get(values["新・既"], values["新・既"])
            for name in FILL_DOWN & set(columns):
                if values[name]:
                    above[name] = values[name]
                else:
                    values[name] = above.get(name, "")
            rows.append(Row(title, number, values, check(title, values)))
    return Parsed(rows)


def check(sheet: str, values: dict[str, str]) -> list[str]:
    errors = []

    def need(name: str) -> None:
        if not values.get(name):
            errors.append(_("「%(column)s」が空です。") % {"column": name})

    def choice(name: str, options: list[str]) -> None:
        if values.get(name) and values[name] not in options:
            errors.append(
                _("「%(column)s」は %(options)s のどれかにしてください（「%(value)s」）。")
                % {"column": name, "options": "・".join(options), "value": values[name]}
            )

    if sheet == PROGRAMMES:
        need("事業名等")
        need("担当課")
        choice("新・既", NEW_OR_EXISTING)
        choice("種別", KINDS)
    else:
        need("NPO法人名")
        need("事業名")
    choice("形態", FORMS)
    for name in split_categories(values.get("分類", "")):
        if name not in category_names():
            errors.append(
                _("「分類」の「%(value)s」はサポートリストの分類にありません（%(options)s）。")
                % {"value": name, "options": "・".join(category_names())}
            )
    if problem := phone_problem(values.get("電話番号", "")):
        errors.append(_("「電話番号」: %(problem)s") % {"problem": problem})
    for name, value in values.items():
        if len(value) > (2000 if name in ("事業内容", "NPO法人の概要") else 300):
            errors.append(_("「%(column)s」が長すぎます。") % {"column": name})
    return errors


def split_categories(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；/\n]", text) if part.strip()]


def _own_organization(platform: Platform) -> Organization:
    name = platform.owner_name or platform.name
    org = Organization.objects.filter(name=name, member__isnull=True).order_by("id").first()
    return org or Organization.objects.create(platform=platform, name=name, description=name)


class _Organisations:
    """The organisations of one apply, each looked up (or created) once: the platform's own for
    the programme rows, an NPO by name for the NPO rows (its description follows the sheet)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.own: Organization | None = None
        self.npos: dict[str, Organization] = {}

    def for_row(self, row: Row) -> Organization:
        if row.sheet == PROGRAMMES:
            if self.own is None:
                self.own = _own_organization(self.platform)
            return self.own
        name, description = row.values["NPO法人名"], row.values["NPO法人の概要"]
        org = self.npos.get(name)
        if org is None:
            org = Organization.objects.filter(name=name).order_by("id").first()
            if org is None:
                member = MemberOrganisation.objects.filter(normalised_name=normalise_name(name)[:120]).first()
                org = Organization.objects.create(
                    platform=self.platform, name=name, description=description, member=member
                )
            self.npos[name] = org
        if description and org.description != description:
            org.description = description
            org.save()
        return org


# Rows applied in one transaction: read, written and indexed in a few statements per table, so
# that the write lock is held for a short while (the LINE webhook waits at most 2 s for it).
BATCH_ROWS = 200
JOB_KIND = "directory.sheet"


def do_upload(platform: Platform, file: Any, *, actor: Actor) -> SheetUpload:
    """Stage the uploaded file on disk (its real bytes counted against ``MAX_UPLOAD``; raises
    ``jobs.StageRefused``) and hand its check to the task worker (``preview_job``): nothing of
    the file is parsed in the web request."""
    name = os.path.basename(file.name)[:200]
    staged, size = jobs.stage(file, max_bytes=MAX_UPLOAD, suffix=".xlsx")
    try:
        with transaction.atomic():
            upload = SheetUpload.objects.create(
                platform=platform, filename=name, staged=staged, size=size, uploaded_by=actor.user
            )
            queue_preview(upload, user=actor.user)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise
    return upload


def queue_preview(upload: SheetUpload, *, user: Any = None) -> ImportJob:
    """The upload's check by the worker (one per upload)."""
    return jobs.queue(
        upload.platform,
        PREVIEW_KIND,
        key=f"{PREVIEW_KIND}:{upload.uuid}",
        target=str(upload.uuid),
        filename=upload.filename,
        size=upload.size,
        user=user,
    )


def _staged_path(upload: SheetUpload, progress: jobs.Progress) -> Path:
    path = Path(upload.staged) if upload.staged else None
    if path is None or not path.is_file():
        progress.error(
            None,
            "",
            _(
                "アップロードしたファイルはもう保管されていません（%(days)s日で削除されます）。もう一度アップロードしてください。"
            )
            % {"days": KEEP_STAGED.days},
        )
        raise jobs.JobFailed()
    return path


def preview_job(job: ImportJob, progress: jobs.Progress) -> dict[str, Any]:
    """The worker's check of an upload: every row read (streamed from the staged file) and checked;
    the problems are the job's errors by sheet and row, the first rows its result for the page."""
    upload = SheetUpload.objects.get(uuid=job.target)
    progress.start("validate")
    parsed = parse(_staged_path(upload, progress), progress)
    if not parsed.ok:
        _report(parsed, progress)
        raise jobs.JobFailed()
    return {
        "rows": len(parsed.rows),
        "sample": [
            {
                "sheet": row.sheet,
                "number": row.number,
                "title": row.title,
                "organisation": row.organisation,
                "department": row.department,
            }
            for row in parsed.rows[:PREVIEW_ROWS]
        ],
    }


def _report(parsed: Parsed, progress: jobs.Progress) -> None:
    if parsed.problem:
        progress.error(None, "", parsed.problem)
    elif not parsed.rows:
        progress.error(None, "", _("記入された行がありません。"))
    for row in parsed.rows:
        for error in row.errors:
            progress.error(row.number, row.sheet, error)


@transaction.atomic
def do_queue_apply(upload: SheetUpload, *, actor: Actor) -> ImportJob:
    """Hand the upload to the task worker (``apply_job``); the same upload twice is one job. The
    staged file goes with the job: the runner removes it once the apply is done."""
    return jobs.queue(
        upload.platform,
        JOB_KIND,
        key=f"{JOB_KIND}:{upload.uuid}",
        target=str(upload.uuid),
        filename=upload.filename,
        staged=upload.staged,
        size=upload.size,
        user=actor.user,
    )


@transaction.atomic
def do_rerun(job: ImportJob, *, actor: Actor) -> bool:
    """Run a failed (or interrupted) apply again; rows already applied are updated, not doubled."""
    if not jobs.requeue(job):
        return False
    log_action("directory.sheet_rerun", obj=job, by=actor, data={"attempts": job.attempts})
    return True


def apply_job(job: ImportJob, progress: jobs.Progress) -> dict[str, int]:
    """The worker's part: check every row again (nothing is applied if one fails), then apply."""
    upload = SheetUpload.objects.get(uuid=job.target)
    actor = Actor(user=job.created_by, role=None, platform=job.platform)
    return do_apply_upload(upload, actor=actor, progress=progress)


def do_apply_upload(
    upload: SheetUpload, *, actor: Actor, progress: jobs.Progress | None = None
) -> dict[str, int]:
    """Apply every row, or nothing: the file is parsed and every row checked first (any error
    refuses it), then the rows are applied in short transactions of ``BATCH_ROWS`` rows. Rows are
    stored by organisation, name and department, so applying again after an interruption
    completes the first run without duplicates; the upload is marked applied at the end."""
    if upload.applied_at is not None:
        return upload.result  # applied once already (a double submit)
    if progress is not None:
        progress.start("validate")
        parsed = parse(_staged_path(upload, progress), progress)
    else:
        parsed = parse(upload.staged)
    if not parsed.ok:
        if progress is not None:
            _report(parsed, progress)
            raise jobs.JobFailed()
        raise ValueError("the upload has errors")
    platform = upload.platform
    terms = {
        t.name: t for t in TaxonomyTerm.objects.available_to(None).filter(taxonomy_ref=taxonomy.CATEGORIES_ID)
    }
    result = {"created": 0, "updated": 0}
    japanese.tokenizer()  # the search index's dictionary loads for seconds: not inside a batch
    if progress is not None:
        progress.start("apply", len(parsed.rows))
    organisations = _Organisations(platform)
    for start in range(0, len(parsed.rows), BATCH_ROWS):
        batch = parsed.rows[start : start + BATCH_ROWS]
        with transaction.atomic():
            created, updated, service_ids = _apply_batch(platform, batch, terms, organisations)
            api_cache.bump()  # bulk writes send no signals
        # The search entries of the batch, after its commit, in their own short transactions.
        index_services_bulk(service_ids)
        result["created"] += created
        result["updated"] += updated
        if progress is not None:
            progress.advance(len(batch))
    with transaction.atomic():
        upload = SheetUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.applied_at is not None:
            return upload.result
        upload.applied_at = timezone.now()
        upload.applied_by = actor.user
        upload.result = result
        upload.save()
        log_action("directory.sheet_applied", obj=upload, by=actor, data=result)
    return result


def _fields(row: Row) -> tuple[str, str, dict[str, Any]]:
    """(name, department, the service's fields) of one checked row."""
    v = row.values
    if row.sheet == PROGRAMMES:
        inventory = {k: v[k] for k in ("新・既", "種別", "形態", "委託先") if v.get(k)}
        fields = {
            "description": v["事業内容"],
            "eligibility_description": v["対象者"],
            "inventory": inventory,
        }
        return v["事業名等"], v["担当課"], fields
    inventory = {k: v[k] for k in ("形態",) if v.get(k)}
    return v["事業名"], v["担当課"], {"description": v["事業内容"], "inventory": inventory}


def _apply_batch(
    platform: Platform, rows: list[Row], terms: dict[str, TaxonomyTerm], organisations: _Organisations
) -> tuple[int, int, list[int]]:
    """Store checked rows as services (created, updated, the services' ids), by organisation, name
    and department (an upsert: a row whose service exists updates it, the same service twice in
    the sheet is stored once with the later row's values), with their categories and phone. A few
    statements per table for the whole batch; bulk writes send no signals, so the caller bumps
    the API cache and indexes the services."""
    keyed: dict[tuple[int, str, str], dict[str, Any]] = {}
    wanted: dict[tuple[int, str, str], tuple[set[str], set[str]]] = {}
    org_of: dict[int, Organization] = {}
    for row in rows:
        org = organisations.for_row(row)
        org_of[org.pk] = org
        name, department, fields = _fields(row)
        key = (org.pk, name, department)
        keyed[key] = fields
        categories, numbers = wanted.setdefault(key, (set(), set()))
        categories.update(split_categories(row.values.get("分類", "")))
        if phone := normalise_phone(row.values.get("電話番号", "")):
            numbers.add(phone)
    existing: dict[tuple[int, str, str], Service] = {}
    for service in Service.objects.filter(
        organization_id__in=list(org_of), name__in={key[1] for key in keyed}
    ).order_by("id"):
        existing.setdefault((service.organization_id, service.name, service.department), service)
    now = timezone.now()
    new: list[Service] = []
    changed: list[Service] = []
    for key, fields in keyed.items():
        found = existing.get(key)
        if found is None:
            org = org_of[key[0]]
            service = Service(
                platform=platform,
                organization=org,
                name=key[1],
                department=key[2],
                member=org.member,
                **fields,
            )
            new.append(service)
            existing[key] = service
        elif any(getattr(found, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(found, k, v)
            found.last_modified = found.updated_at = now  # auto_now, as save() would
            changed.append(found)
    Service.objects.bulk_create(new)
    Service.objects.bulk_update(
        changed, ["description", "eligibility_description", "inventory", "last_modified", "updated_at"]
    )
    ids = [existing[key].pk for key in keyed]
    has_term = set(
        Attribute.objects.filter(service_id__in=ids, platform=platform).values_list(
            "service_id", "taxonomy_term_id"
        )
    )
    has_phone = set(Phone.objects.filter(service_id__in=ids).values_list("service_id", "number"))
    attributes: list[Attribute] = []
    phones: list[Phone] = []
    for key, (categories, numbers) in wanted.items():
        service = existing[key]
        for category in sorted(categories):
            term = terms[category]
            if (service.pk, term.pk) not in has_term:
                attributes.append(
                    Attribute(
                        platform=platform,
                        service=service,
                        taxonomy_term=term,
                        link_id=service.uuid,
                        link_entity="service",
                        link_type="category",
                    )
                )
        for number in sorted(numbers):
            if (service.pk, number) not in has_phone:
                phones.append(Phone(platform=platform, service=service, number=number, type="voice"))
    Attribute.objects.bulk_create(attributes)
    Phone.objects.bulk_create(phones)
    created = len(new)
    return created, len(rows) - created, ids
