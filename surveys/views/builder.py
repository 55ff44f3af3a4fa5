"""Staff pages: survey list, questionnaire builder, versions, preview, print (PDF) and data import."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import can, permission_required
from surveys import logic, printing
from surveys.forms.imports import UploadForm
from surveys.forms.questionnaire import BenchmarkForm, QuestionForm, SectionForm, SurveyCreateForm
from surveys.models import Benchmark, Question, Section, Survey
from surveys.queries import survey_summaries
from surveys.services import questionnaire
from surveys.services.imports import JOB_KIND, do_queue_import
from tsunagari.lib.downloads import PDF, attachment_response
from tsunagari.lib.jobs.models import ImportJob
from tsunagari.lib.jobs.runner import StageRefused


def allow(request: HttpRequest, *methods: str) -> HttpResponse | None:
    """405 for other methods — checked after the object lookup, so that another platform's
    object is a 404 whatever the method (as the URL matrix expects)."""
    return None if request.method in methods else HttpResponseNotAllowed(methods)


def _uuid_or_none(value: str | None) -> UUID | None:
    try:
        return UUID(value or "")
    except ValueError:
        return None


@require_GET
@permission_required("surveys.view_surveys")
def survey_list(request: StaffRequest) -> HttpResponse:
    return render(request, "surveys/survey_list.html", {"surveys": survey_summaries()})


@require_http_methods(["GET", "POST"])
@permission_required("surveys.edit_surveys")
def survey_create(request: StaffRequest) -> HttpResponse:
    form = SurveyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = questionnaire.do_create_survey(
                request.platform,
                slug=data["slug"],
                title=data["title"],
                template=data["template"],
                modules=data["modules"],
                audience=data["audience"],
                regions=form.region_list(),
                description=data["description"],
                allow_open_web=data["allow_open_web"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("調査を作成しました。"))
            return redirect("surveys:survey", request.platform.slug, survey.uuid)
    return render(request, "surveys/survey_create.html", {"form": form}, status=400 if form.errors else 200)


@permission_required("surveys.view_surveys")
def survey_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    version = survey.current_version()
    context = {
        "survey": survey,
        "version": version,
        "versions": survey.versions.order_by("-number"),
        "outline": logic.outline(version),
        "numbers": logic.number_of(version),
        "section_form": SectionForm(),
        "counts": survey_summaries(survey_id=survey.pk)[0],
    }
    return render(request, "surveys/survey_detail.html", context)


@permission_required("surveys.edit_surveys")
def survey_action(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "POST")) is not None:
        return refused
    action = request.POST.get("action")
    try:
        if action == "open":
            questionnaire.do_open_survey(survey, actor=request.user)
            messages.success(request, _("回答の受付を始めました。この版の調査票は変更できなくなりました。"))
        elif action == "close":
            questionnaire.do_close_survey(survey, actor=request.user)
            messages.success(request, _("回答の受付を終了しました。"))
        elif action == "new_version":
            version = questionnaire.do_new_version(
                survey, note=request.POST.get("note", "")[:200], actor=request.user
            )
            messages.success(
                request,
                _("第%(n)d版を作成しました。編集後に「回答の受付を始める」で切り替わります。")
                % {"n": version.number},
            )
        elif action == "add_section":
            form = SectionForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("セクションの見出しを入力してください。"))
            else:
                questionnaire.do_add_section(survey, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:survey", request.platform.slug, survey.uuid)


def _question_form_page(request: PlatformRequest, survey: Survey, question: Question) -> HttpResponse:
    version = survey.current_version()
    sections = Section.objects.filter(version=version)
    form = QuestionForm(request.POST or None, instance=question, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire.do_save_question(form.apply(), actor=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = {
                        "options": "options_text",
                        "rows": "rows_text",
                        "conditions": "conditions_text",
                    }.get(field, field)
                    form.add_error(target if target in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("設問「%(code)s」を保存しました。") % {"code": question.code})
            return redirect("surveys:survey", request.platform.slug, survey.uuid)
    context = {"survey": survey, "form": form, "question": question, "frozen": version.is_frozen}
    return render(request, "surveys/question_form.html", context, status=400 if form.errors else 200)


@permission_required("surveys.edit_surveys")
def question_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    version = survey.current_version()
    wanted = _uuid_or_none(request.GET.get("section"))
    section = Section.objects.filter(version=version, uuid=wanted).first() if wanted else None
    section = section or Section.objects.filter(version=version).last()
    if section is None:
        messages.error(request, _("先にセクションを追加してください。"))
        return redirect("surveys:survey", request.platform.slug, survey.uuid)
    return _question_form_page(
        request, survey, Question(section=section, platform=survey.platform, version=version)
    )


@permission_required("surveys.edit_surveys")
def question_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    question: Question = get_object_or_404(Question.objects.select_related("version__survey"), uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    return _question_form_page(request, question.version.survey, question)


@permission_required("surveys.edit_surveys")
def question_action(request: StaffRequest, uuid: UUID) -> HttpResponse:
    question: Question = get_object_or_404(Question.objects.select_related("version__survey"), uuid=uuid)
    if (refused := allow(request, "POST")) is not None:
        return refused
    survey = question.version.survey
    action = request.POST.get("action")
    try:
        if action == "delete":
            questionnaire.do_delete_question(question, actor=request.user)
            messages.success(request, _("設問を削除しました。"))
        elif action in ("up", "down"):
            questionnaire.do_move_question(question, -1 if action == "up" else 1, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:survey", request.platform.slug, survey.uuid)


@permission_required("surveys.view_surveys")
def preview(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    version = survey.current_version()
    easy = request.GET.get("easy") == "1"
    context = {
        "survey": survey,
        "version": version,
        "outline": logic.outline(version),
        "numbers": logic.number_of(version),
        "easy": easy,
        "answers": {},
        "errors": [],
    }
    return render(request, "surveys/preview.html", context)


@permission_required("surveys.view_surveys")
def paper_pdf(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    version = survey.current_version()
    pdf = printing.questionnaire_pdf(survey, version, easy=request.GET.get("easy") == "1")
    return attachment_response(pdf, f"{survey.slug}-v{version.number}.pdf", PDF, inline=True)


@permission_required("surveys.edit_surveys")
def import_upload(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = do_queue_import(survey, form.cleaned_data["file"], actor=request.actor)
        except StageRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("surveys:import_job", request.platform.slug, job.uuid)
    codes = list(logic.number_of(survey.current_version()))
    jobs = ImportJob.objects.filter(kind=JOB_KIND, target=str(survey.uuid))[:5]
    context = {"survey": survey, "form": form, "codes": codes, "jobs": jobs}
    return render(request, "surveys/import.html", context, status=400 if form.errors else 200)


@permission_required("surveys.edit_surveys")
def import_job(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The task worker importing responses: progress (the page reloads itself) and the problems."""
    job: ImportJob = get_object_or_404(ImportJob.objects.filter(kind=JOB_KIND), uuid=uuid)
    survey = get_object_or_404(Survey, uuid=job.target)
    if (refused := allow(request, "GET")) is not None:
        return refused
    return render(request, "surveys/import_job.html", {"survey": survey, "job": job})


@require_http_methods(["GET", "POST"])
@permission_required("surveys.view_surveys")
def benchmarks(request: StaffRequest) -> HttpResponse:
    form = BenchmarkForm(request.POST or None)
    if request.method == "POST":
        if not can(request.actor, "surveys.edit_surveys"):
            raise PermissionDenied
        if form.is_valid():
            try:
                questionnaire.do_add_benchmark(request.platform, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("比較基準を追加しました。"))
                return redirect("surveys:benchmarks", request.platform.slug)
    rows = Benchmark.objects.available_to(request.platform)
    return render(
        request,
        "surveys/benchmarks.html",
        {"form": form, "benchmarks": rows},
        status=400 if form.errors else 200,
    )
