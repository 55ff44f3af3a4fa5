"""Creating surveys from templates, editing questionnaires, versions and fieldwork status."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from platforms.models import Platform
from surveys.models import (
    Audience,
    Benchmark,
    Question,
    QuestionnaireVersion,
    Section,
    Survey,
)
from surveys.national import MODULES, NATIONAL, NATIONAL_BENCHMARK_R5, ORGANISATION, sections_for
from surveys.queries import check_question


def _region_options(regions: list[str]) -> list[dict[str, Any]]:
    return [{"code": i, "label": name, "label_easy": ""} for i, name in enumerate(regions, start=1)]


@transaction.atomic
def do_create_survey(
    platform: Platform,
    *,
    slug: str,
    title: str,
    template: str = "",
    modules: list[str] | None = None,
    audience: str = Audience.RESIDENTS,
    regions: list[str] | None = None,
    description: str = "",
    allow_open_web: bool = False,
    actor: Any = None,
) -> Survey:
    """A survey with its first (draft) version, built from the template and modules if given."""
    modules = list(modules or [])
    unknown = [m for m in modules if m not in MODULES]
    if template not in ("", NATIONAL, ORGANISATION) or unknown:
        raise ValidationError(
            _("不明なひな形またはモジュールです: %(name)s") % {"name": template or ", ".join(unknown)}
        )
    if Survey.objects.filter(slug=slug).exists():
        raise ValidationError(_("識別名「%(slug)s」の調査はすでにあります。") % {"slug": slug})
    survey = Survey(
        platform=platform,
        slug=slug,
        title=title,
        template=template,
        modules=modules,
        audience=audience,
        description=description,
        allow_open_web=allow_open_web,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    survey.full_clean()
    survey.save()
    version = QuestionnaireVersion.objects.create(platform=platform, survey=survey, number=1)
    for s_order, spec in enumerate(sections_for(template, modules), start=1):
        section = Section.objects.create(
            platform=platform,
            version=version,
            order=s_order,
            title=spec.title,
            title_easy=spec.title_easy,
            module=spec.module,
        )
        for q_order, q in enumerate(spec.questions, start=1):
            options = q.options
            if q.code == "region" and regions:
                options = _region_options(regions)
            Question.objects.create(
                platform=platform,
                version=version,
                section=section,
                order=q_order,
                code=q.code,
                type=q.type,
                text=q.text,
                text_easy=q.text_easy,
                help_text=q.help_text,
                required=q.required,
                options=options,
                rows=q.rows,
                conditions=q.conditions,
                locked=spec.module != ORGANISATION,
                options_editable=q.options_editable,
                module=spec.module,
            )
    if template == NATIONAL:
        ensure_national_benchmark()
    log_action(
        "survey.created",
        actor=actor,
        platform=platform,
        obj=survey,
        data={"template": template, "modules": modules},
        label="command" if actor is None else "",
    )
    return survey


def ensure_national_benchmark() -> Benchmark:
    spec = NATIONAL_BENCHMARK_R5
    benchmark, _created = Benchmark.objects.get_or_create(
        platform=None,
        question_code=spec["question_code"],
        year=spec["year"],
        source=spec["source"],
        defaults={"n": spec["n"], "percentages": spec["percentages"], "no_answer": spec["no_answer"]},
    )
    return benchmark


def _editable_version(survey: Survey) -> QuestionnaireVersion:
    version = survey.current_version()
    if version.is_frozen:
        raise ValidationError(
            _("第%(n)d版は実施中のため変更できません。新しい版を作成してから編集してください。")
            % {"n": version.number}
        )
    return version


@transaction.atomic
def do_add_section(survey: Survey, *, title: str, title_easy: str = "", actor: Any = None) -> Section:
    version = _editable_version(survey)
    last = version.sections.aggregate(m=Max("order"))["m"] or 0
    section = Section.objects.create(
        platform=survey.platform, version=version, order=last + 1, title=title, title_easy=title_easy
    )
    log_action(
        "survey.section_added", actor=actor, platform=survey.platform, obj=survey, data={"title": title}
    )
    return section


@transaction.atomic
def do_save_question(question: Question, *, actor: Any = None) -> Question:
    """Create or update a question of the survey's draft version (template questions are locked)."""
    survey = question.section.version.survey
    version = _editable_version(survey)
    if question.section.version_id != version.pk:
        raise ValidationError(_("この版のセクションではありません。"))
    if question.pk:
        before = Question.objects.get(pk=question.pk)
        if before.locked:
            allowed = before.options_editable and _only_options_changed(before, question)
            if not allowed:
                raise ValidationError(
                    _("全国調査と比較するための設問は変更できません（地域の選択肢のみ設定できます）。")
                )
    else:
        question.version = version
        question.platform = survey.platform
        question.locked = False
        if not question.order:
            question.order = (question.section.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question.full_clean(exclude=["version", "section", "platform"])
    check_question(question)
    question.save()
    log_action(
        "survey.question_saved",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"code": question.code},
    )
    return question


def _only_options_changed(before: Question, after: Question) -> bool:
    fields = ["code", "type", "text", "text_easy", "required", "rows", "conditions", "section_id", "order"]
    return all(getattr(before, f) == getattr(after, f) for f in fields)


@transaction.atomic
def do_delete_question(question: Question, *, actor: Any = None) -> None:
    survey = question.version.survey
    _editable_version(survey)
    if question.locked:
        raise ValidationError(_("全国調査と比較するための設問は削除できません。"))
    dependants = [
        q.code
        for q in Question.objects.filter(version=question.version)
        if any(c.get("code") in question.answer_codes() for c in q.conditions)
    ]
    if dependants:
        raise ValidationError(
            _("次の設問の表示条件がこの設問を使っています: %(codes)s") % {"codes": ", ".join(dependants)}
        )
    log_action(
        "survey.question_deleted",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"code": question.code},
    )
    question.delete()


@transaction.atomic
def do_move_question(question: Question, direction: int, *, actor: Any = None) -> None:
    """Swap a question with its neighbour in the section (direction -1 up, +1 down).

    A move that would put a question before the question its display condition reads is refused.
    """
    _editable_version(question.version.survey)
    siblings = list(question.section.questions.order_by("order", "id"))
    index = siblings.index(question)
    target = index + direction
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, q in enumerate(siblings, start=1):
        Question.objects.filter(pk=q.pk).update(order=order)
    _check_conditions_order(question.version)
    log_action(
        "survey.question_moved",
        actor=actor,
        platform=question.platform,
        obj=question.version.survey,
        data={"code": question.code},
    )


def _check_conditions_order(version: QuestionnaireVersion) -> None:
    seen: set[str] = set()
    for q in Question.objects.filter(version=version).select_related("section"):
        for c in q.conditions:
            if c.get("code") not in seen:
                raise ValidationError(
                    _("設問「%(code)s」の表示条件は、その前の設問を参照する必要があります。")
                    % {"code": q.code}
                )
        seen.update(q.answer_codes())


@transaction.atomic
def do_open_survey(survey: Survey, *, actor: Any = None) -> Survey:
    """Start (or resume) fieldwork: the current version is frozen and answered from now on."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    version = survey.current_version()
    if not version.questions.exists():
        raise ValidationError(_("設問のない調査票は実施できません。"))
    now = timezone.now()
    if not version.is_frozen:
        version.frozen_at = now
        version.save(update_fields=["frozen_at"])
    survey.status = Survey.Status.OPEN
    survey.opened_at = survey.opened_at or now
    survey.closed_at = None
    survey.save(update_fields=["status", "opened_at", "closed_at"])
    log_action(
        "survey.opened", actor=actor, platform=survey.platform, obj=survey, data={"version": version.number}
    )
    return survey


@transaction.atomic
def do_close_survey(survey: Survey, *, actor: Any = None) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.status = Survey.Status.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    log_action("survey.closed", actor=actor, platform=survey.platform, obj=survey)
    return survey


@transaction.atomic
def do_new_version(survey: Survey, *, note: str = "", actor: Any = None) -> QuestionnaireVersion:
    """Copy the frozen current version into a new draft; answers stay with the version they used."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    source = survey.current_version()
    if not source.is_frozen:
        return source
    version = QuestionnaireVersion.objects.create(
        platform=survey.platform, survey=survey, number=source.number + 1, note=note
    )
    for section in source.sections.all():
        questions = list(section.questions.all())
        section.pk = None
        section.uuid = _new_uuid()
        section.version = version
        section.save()
        for q in questions:
            q.pk = None
            q.uuid = _new_uuid()
            q.version = version
            q.section = section
            q.save()
    log_action(
        "survey.version_created",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"version": version.number},
    )
    return version


def _new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def bump_revision(survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(data_revision=F("data_revision") + 1)


@transaction.atomic
def do_add_benchmark(
    platform: Platform,
    *,
    question_code: str,
    source: str,
    year: int,
    n: int,
    percentages: dict[str, float],
    no_answer: Decimal,
    actor: Any = None,
) -> Benchmark:
    """A reference distribution this platform compares with (e.g. another year of the national survey)."""
    total = sum(percentages.values()) + float(no_answer)
    if not 98.5 <= total <= 101.5:
        raise ValidationError(
            _(
                "割合の合計（無回答を含む）が%(total).1f%%です。100%%前後（丸め誤差の範囲）になるようにしてください。"
            )
            % {"total": total}
        )
    if Benchmark.objects.filter(
        Q(platform=platform) | Q(platform__isnull=True), question_code=question_code, year=year, source=source
    ).exists():
        raise ValidationError(_("同じ設問・調査年・出典の比較基準はすでにあります。"))
    benchmark = Benchmark(
        platform=platform,
        question_code=question_code,
        source=source,
        year=year,
        n=n,
        percentages=percentages,
        no_answer=no_answer,
    )
    benchmark.full_clean()
    benchmark.save()
    log_action(
        "survey.benchmark_added",
        actor=actor,
        platform=platform,
        obj=benchmark,
        data={"code": question_code, "year": year},
    )
    return benchmark
