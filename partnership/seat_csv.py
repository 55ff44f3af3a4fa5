"""The CSV of council seats (会議体名称,団体名), read and checked row by row without the database:
the rows it holds, the (row number, error) of the bad ones, and how council names are compared.
``partnership.queries.check_seat_rows`` checks the rows against the stored councils;
``do_import_seats`` stores them, all or nothing."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tsunagari.lib.text import normalise_name

NAME_MAX_LENGTH = 120
CSV_MAX_ROWS = 5000
CSV_MAX_ERRORS_SHOWN = 100
CSV_COUNCIL_COLUMN = "会議体名称"
CSV_ORGANISATION_COLUMN = "団体名"


class SeatImportError(Exception):
    """The CSV has errors; nothing was stored. ``errors`` name the row of each."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors[:3]))

    @property
    def shown(self) -> list[str]:
        if len(self.errors) <= CSV_MAX_ERRORS_SHOWN:
            return self.errors
        more = len(self.errors) - CSV_MAX_ERRORS_SHOWN
        return [*self.errors[:CSV_MAX_ERRORS_SHOWN], _("ほか%(n)d件のエラーがあります。") % {"n": more}]


@dataclass
class SeatRow:
    line: int
    council_name: str
    organisation_name: str
    normalised_name: str


def council_key(name: str) -> str:
    """How council names are compared: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SeatImportError(
        [_("ファイルの文字コードを読み取れません。UTF-8 または Shift_JIS のCSVで保存してください。")]
    )


def line_error(line: int, message: str) -> str:
    return _("%(line)d行目: %(message)s") % {"line": line, "message": message}


LineErrors = list[tuple[int, str]]


def parse_seat_csv(content: bytes) -> tuple[list[SeatRow], LineErrors]:
    """Read the rows of a 会議体名称,団体名 CSV: (good rows, (row number, error) of the bad ones).

    Row numbers are those a spreadsheet shows (the header is row 1). A file
    that cannot be read at all raises SeatImportError.
    """
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise SeatImportError([_("ファイルが空です。")]) from None
    except csv.Error as error:
        raise SeatImportError(
            [line_error(1, _("CSVとして読み取れません（%(e)s）。") % {"e": error})]
        ) from None
    missing = [col for col in (CSV_COUNCIL_COLUMN, CSV_ORGANISATION_COLUMN) if col not in header]
    if missing:
        raise SeatImportError(
            [
                line_error(
                    1,
                    _(
                        "見出しに「%(missing)s」の列がありません。見出しは「%(council)s,%(org)s」としてください。"
                    )
                    % {
                        "missing": "」「".join(missing),
                        "council": CSV_COUNCIL_COLUMN,
                        "org": CSV_ORGANISATION_COLUMN,
                    },
                )
            ]
        )
    council_col, org_col = header.index(CSV_COUNCIL_COLUMN), header.index(CSV_ORGANISATION_COLUMN)
    rows: list[SeatRow] = []
    errors: LineErrors = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(errors) >= CSV_MAX_ROWS:
                raise SeatImportError([_("行数が多すぎます（最大%(n)d行）。") % {"n": CSV_MAX_ROWS}])
            council = cells[council_col].strip() if council_col < len(cells) else ""
            organisation = cells[org_col].strip() if org_col < len(cells) else ""
            problems = _row_problems(council, organisation)
            if problems:
                errors.extend((line, line_error(line, problem)) for problem in problems)
                continue
            rows.append(SeatRow(line, council, organisation, normalise_name(organisation)[:NAME_MAX_LENGTH]))
    except csv.Error as error:
        line = reader.line_num
        errors.append((line, line_error(line, _("CSVとして読み取れません（%(e)s）。") % {"e": error})))
    if not rows and not errors:
        raise SeatImportError([_("データの行がありません（1行目は見出し、2行目から会議体名称と団体名）。")])
    return rows, errors


def _row_problems(council: str, organisation: str) -> list[str]:
    problems = []
    if not council:
        problems.append(_("会議体名称が空です。"))
    elif len(council) > NAME_MAX_LENGTH:
        problems.append(_("会議体名称は%(n)d文字以内にしてください。") % {"n": NAME_MAX_LENGTH})
    if not organisation:
        problems.append(_("団体名が空です。"))
    elif len(organisation) > NAME_MAX_LENGTH:
        problems.append(_("団体名は%(n)d文字以内にしてください。") % {"n": NAME_MAX_LENGTH})
    elif not normalise_name(organisation):
        problems.append(
            _("団体名「%(name)s」には団体を区別できる文字がありません。") % {"name": organisation}
        )
    return problems
