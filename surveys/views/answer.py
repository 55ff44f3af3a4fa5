"""Public answering at /p/<slug>/s/<survey>/: phone-first, no JavaScript, resumable, anonymous."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.http import PlatformRequest
from consultations.crisis import crisis_lines
from platforms.desks import desks_of
from surveys import logic
from surveys.models import Response, Survey
from surveys.queries import pages
from surveys.services.collection import AnswerRefused, do_save_page, do_start_response, do_submit
from surveys.wellbeing import help_signal


def _key(survey: Survey) -> str:
    return f"surveys:{survey.uuid}"


def _survey(slug: str) -> Survey:
    return get_object_or_404(Survey.objects.exclude(status=Survey.Status.DRAFT), slug=slug)


def _draft(request: HttpRequest, survey: Survey) -> Response | None:
    uuid = request.session.get(_key(survey))
    if not uuid:
        return None
    return Response.objects.filter(survey=survey, uuid=uuid, submitted_at__isnull=True).first()


HELP_DESKS = ("chat", "line", "fallback")


def _help_key(survey: Survey) -> str:
    return f"surveys:help:{survey.uuid}"


def _easy(request: HttpRequest) -> bool:
    if "easy" in request.GET:
        request.session["surveys:easy"] = request.GET["easy"] == "1"
    return bool(request.session.get("surveys:easy", False))


@require_http_methods(["GET", "POST"])
def start(request: PlatformRequest, survey_slug: str) -> HttpResponse:
    survey = _survey(survey_slug)
    refusal = ""
    code = request.POST.get("code", "") or request.GET.get("code", "")
    if request.method == "POST":
        try:
            response = do_start_response(
                survey, invitation_code=code if request.POST.get("with_code") else ""
            )
        except AnswerRefused as exc:
            refusal = str(exc)
        else:
            request.session[_key(survey)] = str(response.uuid)
            return redirect("surveys:page", request.platform.slug, survey.slug, 1)
    has_codes = survey.invitations.exists()
    context = {
        "survey": survey,
        "draft": _draft(request, survey),
        "refusal": refusal,
        "code": code,
        "has_codes": has_codes,
        "easy": _easy(request),
    }
    return render(request, "surveys/answer_start.html", context, status=409 if refusal else 200)


@require_http_methods(["GET", "POST"])
def page(request: PlatformRequest, survey_slug: str, number: int) -> HttpResponse:
    survey = _survey(survey_slug)
    response = _draft(request, survey)
    if response is None:
        return redirect("surveys:start", request.platform.slug, survey.slug)
    sections = pages(response)
    if not 1 <= number <= len(sections):
        raise Http404("page")
    section = sections[number - 1]
    errors: list[tuple[str, str]] = []
    answers = response.answers
    if request.method == "POST":
        action = request.POST.get("action", "next")
        try:
            errors = do_save_page(response, section, request.POST, check_required=action != "back")
            if not errors:
                response.refresh_from_db()
                sections = pages(response)
                index = sections.index(section) if section in sections else number - 1
                if action == "back":
                    return redirect("surveys:page", request.platform.slug, survey.slug, max(1, index))
                if index + 1 < len(sections):
                    return redirect("surveys:page", request.platform.slug, survey.slug, index + 2)
                response = do_submit(response)
                request.session.pop(_key(survey), None)
                # Strong loneliness or a crisis expression: the done page shows where to turn.
                if help_signal(response.answers, request.platform).show:
                    request.session[_help_key(survey)] = True
                return redirect("surveys:done", request.platform.slug, survey.slug)
        except AnswerRefused as exc:
            return render(
                request, "surveys/answer_start.html", {"survey": survey, "refusal": str(exc)}, status=409
            )
        answers = _posted(section, request.POST)
    numbers = logic.number_of(response.version)
    items = [i for s, its in logic.outline(response.version) if s.pk == section.pk for i in its]
    visible = [i for i in items if logic.is_visible(i.question, {**response.answers, **answers})]
    context = {
        "survey": survey,
        "section": section,
        "items": visible,
        "answers": answers,
        "errors": errors,
        "error_codes": {code for code, _m in errors},
        "number": number,
        "total": len(sections),
        "is_last": number == len(sections),
        "numbers": numbers,
        "easy": _easy(request),
    }
    return render(request, "surveys/answer_page.html", context, status=400 if errors else 200)


def _posted(section, data) -> dict:
    """Re-display what was typed after an error (values as posted, parsed where possible)."""
    out: dict = {}
    for question in section.questions.all():
        values, _problems = logic.parse_question(question, data)
        out.update(values)
        if question.type == "multiple":
            out.setdefault(question.code, [int(v) for v in data.getlist(f"q_{question.code}") if v.isdigit()])
        elif question.type not in ("matrix",) and question.code not in out and data.get(f"q_{question.code}"):
            out[question.code] = data.get(f"q_{question.code}")
    return out


def done(request: PlatformRequest, survey_slug: str) -> HttpResponse:
    survey = _survey(survey_slug)
    platform = request.platform
    show_help = bool(request.session.get(_help_key(survey)))
    context = {
        "survey": survey,
        "easy": _easy(request),
        "show_help": show_help,
        "crisis_lines": crisis_lines(platform) if show_help else [],
        # The platform's own ways in: web chat, LINE, the window for when in doubt.
        "help_desks": [d for d in desks_of(platform) if d.kind in HELP_DESKS] if show_help else [],
    }
    return render(request, "surveys/answer_done.html", context)
