"""The check of an import of responses: every cell against the survey's questionnaire and its
invitation codes, before anything is stored (``surveys.services.imports`` stores the rows)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from surveys import data
from surveys.models import Invitation, Mode, Question, QuestionType, Survey
from surveys.tables import MAX_REPORTED, ImportRejected, Problem

MAX_PER_COLUMN = 20
TEXT_LIMIT = 4000
META_IMPORT_COLUMNS = ("weight", "stratum", "mode", "invitation")


@dataclass
class Checked:
    answers: pl.DataFrame  # typed answer columns
    weight: pl.Series | None
    stratum: pl.Series | None
    mode: pl.Series
    invitation: pl.Series | None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0

    def add_rows(self, frame: pl.DataFrame, invalid: pl.Series, column: str, message: str) -> None:
        rows = invalid.fill_null(False).arg_true()
        self.total += rows.len()
        for index in rows.head(MAX_PER_COLUMN).to_list():
            if len(self.problems) < MAX_REPORTED:
                value = frame[column][index]
                self.problems.append(Problem(index + 2, column, message.format(value=value)))

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)


def check_table(survey: Survey, frame: pl.DataFrame) -> Checked:
    questions = data.answer_questions(survey)
    bad = _Collector()
    for column in frame.columns:
        if column in META_IMPORT_COLUMNS or column in questions:
            continue
        hint = ""
        if column in data.DERIVED:
            hint = _("（%(code)s は回答から計算される値なので取り込めません）") % {"code": column}
        bad.add(Problem(None, column, _("この調査票にない設問コードです。") + hint))
    if frame.height == 0:
        bad.add(Problem(None, "", _("データの行がありません。")))
    if not any(column in questions for column in frame.columns):
        bad.add(
            Problem(
                1,
                "",
                _("設問コードの列がありません。1行目に設問コード（例: loneliness_direct）を並べてください。"),
            )
        )
    typed: dict[str, pl.Series] = {}
    for code, question in questions.items():
        if code in frame.columns:
            typed[code] = _check_answers(frame, code, question, bad)
    weight = _check_weight(frame, bad) if "weight" in frame.columns else None
    stratum = None
    if "stratum" in frame.columns:
        stratum = frame["stratum"].fill_null("")
        bad.add_rows(
            frame, stratum.str.len_chars() > 100, "stratum", _("層の名前は100文字以内にしてください。")
        )
    mode = pl.Series("mode", [Mode.MAIL.value] * frame.height, dtype=pl.String)
    if "mode" in frame.columns:
        mode = frame["mode"].fill_null(Mode.MAIL.value)
        allowed = ", ".join(Mode.values)
        bad.add_rows(
            frame,
            ~mode.is_in(Mode.values),
            "mode",
            _("「{value}」は回答方法ではありません（%(allowed)s）。") % {"allowed": allowed},
        )
    invitation = _check_invitations(survey, frame, bad) if "invitation" in frame.columns else None
    if bad.total:
        raise ImportRejected(bad.problems, bad.total)
    return Checked(pl.DataFrame(typed), weight, stratum, mode, invitation)


def _check_answers(frame: pl.DataFrame, code: str, question: Question, bad: _Collector) -> pl.Series:
    text = frame[code]
    present = text.is_not_null()
    qtype = question.type
    if qtype in (QuestionType.SINGLE, QuestionType.MATRIX, QuestionType.SCALE):
        values = text.cast(pl.Int64, strict=False)
        if qtype == QuestionType.SCALE:
            low, high = int(question.min_value or 0), int(question.max_value or 0)
            allowed = list(range(low, high + 1))
            rule = _("%(low)d〜%(high)dの整数で入力してください。") % {"low": low, "high": high}
        else:
            allowed = question.option_codes()
            rule = _("選択肢の番号（%(codes)s）で入力してください。") % {
                "codes": ", ".join(map(str, allowed))
            }
        invalid = present & (values.is_null() | ~values.is_in(allowed))
        bad.add_rows(frame, invalid, code, _("「{value}」は範囲外です。") + rule)
        return values.alias(code)
    if qtype == QuestionType.MULTIPLE:
        allowed = question.option_codes()
        parts = text.str.replace_all(r"[、,\s]+", ";").str.split(";")
        values = parts.list.eval(pl.element().filter(pl.element() != "").cast(pl.Int64, strict=False))
        invalid_item = values.list.eval(pl.element().is_null() | ~pl.element().is_in(allowed)).list.any()
        rule = _("選択肢の番号（%(codes)s）を ; で区切って入力してください。") % {
            "codes": ", ".join(map(str, allowed))
        }
        bad.add_rows(frame, present & invalid_item, code, _("「{value}」は範囲外です。") + rule)
        exclusive = [int(o["code"]) for o in question.options if o.get("exclusive")]
        if exclusive:
            clash = values.list.eval(pl.element().is_in(exclusive)).list.any() & (values.list.len() > 1)
            labels = "、".join(question.option_label(c) for c in exclusive)
            bad.add_rows(
                frame,
                present & clash,
                code,
                _("「{value}」: 「%(labels)s」はほかの選択肢と同時に選べません。") % {"labels": labels},
            )
        duplicate = values.list.len() != values.list.n_unique()
        bad.add_rows(frame, present & duplicate, code, _("「{value}」: 同じ選択肢が重複しています。"))
        if question.max_choices:
            too_many = values.list.len() > question.max_choices
            bad.add_rows(
                frame,
                present & too_many,
                code,
                _("「{value}」: 選べるのは%(n)d個までです。") % {"n": question.max_choices},
            )
        return values.list.eval(pl.element().sort()).alias(code)
    if qtype == QuestionType.NUMBER:
        values = text.str.replace_all(",", "").cast(pl.Float64, strict=False)
        invalid = present & (values.is_null() | values.is_nan() | values.is_infinite())
        if question.min_value is not None:
            invalid = invalid | (values < float(question.min_value))
        if question.max_value is not None:
            invalid = invalid | (values > float(question.max_value))
        bad.add_rows(frame, invalid, code, _("「{value}」は範囲外の数値です。") + _range_text(question))
        return values.alias(code)
    if qtype == QuestionType.DATE:
        values = text.str.to_date("%Y-%m-%d", strict=False).fill_null(
            text.str.to_date("%Y/%m/%d", strict=False)
        )
        bad.add_rows(
            frame, present & values.is_null(), code, _("「{value}」は日付ではありません（例: 2025-04-01）。")
        )
        return values.alias(code)
    too_long = text.str.len_chars() > TEXT_LIMIT
    bad.add_rows(frame, too_long, code, _("自由記述は%(n)d文字以内にしてください。") % {"n": TEXT_LIMIT})
    return text.alias(code)


def _range_text(question: Question) -> str:
    low = "" if question.min_value is None else f"{question.min_value:g}"
    high = "" if question.max_value is None else f"{question.max_value:g}"
    if not low and not high:
        return _("数値で入力してください。")
    return _("%(low)s〜%(high)sの数値で入力してください。") % {"low": low, "high": high}


def _check_weight(frame: pl.DataFrame, bad: _Collector) -> pl.Series:
    text = frame["weight"]
    values = text.cast(pl.Float64, strict=False)
    missing = text.is_null()
    bad.add_rows(frame, missing, "weight", _("ウェイトが空です。すべての行に正の数を入力してください。"))
    not_number = text.is_not_null() & (values.is_null() | values.is_nan() | values.is_infinite())
    bad.add_rows(
        frame,
        not_number,
        "weight",
        _("「{value}」は数値ではありません。ウェイトは正の数で入力してください。"),
    )
    bad.add_rows(
        frame,
        values.is_not_null() & ~not_number & (values <= 0),
        "weight",
        _("ウェイト「{value}」は0以下です。ウェイトは正の数で入力してください。"),
    )
    return values.alias("weight")


def _check_invitations(survey: Survey, frame: pl.DataFrame, bad: _Collector) -> pl.Series:
    codes = frame["invitation"].str.to_uppercase()
    indexed = pl.DataFrame({"code": codes}).with_row_index("i").filter(pl.col("code").is_not_null())
    first_rows = indexed.group_by("code").agg(pl.col("i").min().alias("first"))
    duplicated = indexed.join(first_rows, on="code").filter(pl.col("i") != pl.col("first"))
    for i, code, first in duplicated.head(MAX_PER_COLUMN).iter_rows():
        bad.add(
            Problem(
                i + 2,
                "invitation",
                _("招待コード「%(code)s」が重複しています（%(first)d行目と同じ）。")
                % {"code": code, "first": first + 2},
            )
        )
    bad.total += max(0, duplicated.height - MAX_PER_COLUMN)
    wanted = set(first_rows["code"].to_list())
    known = dict(Invitation.objects.filter(survey=survey, code__in=wanted).values_list("code", "used_at"))
    for i, code in indexed.select("i", "code").iter_rows():
        if code not in known:
            bad.add(
                Problem(
                    i + 2, "invitation", _("招待コード「%(code)s」はこの調査にありません。") % {"code": code}
                )
            )
        elif known[code] is not None:
            bad.add(
                Problem(
                    i + 2,
                    "invitation",
                    _("招待コード「%(code)s」はすでに回答に使われています。") % {"code": code},
                )
            )
    return codes
