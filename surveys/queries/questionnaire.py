"""The questionnaire as edited: whether a question fits among the others of its version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from surveys.models import Question, QuestionType


def check_question(question: Question) -> None:
    """Validate a question's structure (codes unique, options numbered, conditions refer backwards)."""
    errors: dict[str, list[str]] = {}
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX):
        codes = [o.get("code") for o in question.options]
        if not codes:
            errors.setdefault("options", []).append(_("選択肢を1つ以上入力してください。"))
        if len(set(codes)) != len(codes):
            errors.setdefault("options", []).append(_("選択肢の番号が重複しています。"))
    if question.type == QuestionType.MATRIX and not question.rows:
        errors.setdefault("rows", []).append(_("マトリクスには項目を1つ以上入力してください。"))
    if question.type == QuestionType.SCALE and (question.min_value is None or question.max_value is None):
        errors.setdefault("min_value", []).append(_("尺度には最小値と最大値が必要です。"))
    if (
        question.min_value is not None
        and question.max_value is not None
        and question.min_value > question.max_value
    ):
        errors.setdefault("max_value", []).append(_("最大値は最小値以上にしてください。"))
    taken = set()
    earlier = set()
    for other in (
        Question.objects.filter(version=question.version).exclude(pk=question.pk).select_related("section")
    ):
        taken.update(other.answer_codes())
        taken.add(other.code)
        if (other.section.order, other.order) < (question.section.order, question.order):
            earlier.update(other.answer_codes())
    for code in {question.code, *question.answer_codes()}:
        if code in taken:
            errors.setdefault("code", []).append(
                _("コード「%(code)s」はこの調査票で使われています。") % {"code": code}
            )
    for condition in question.conditions:
        if condition.get("code") not in earlier:
            errors.setdefault("conditions", []).append(
                _("表示条件のコード「%(code)s」は、この設問より前の設問ではありません。")
                % {"code": condition.get("code")}
            )
    if errors:
        raise ValidationError(errors)
