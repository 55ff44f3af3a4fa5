"""Staff fieldwork pages: samples and letters, paper entry with double keying, organisation surveys."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.middleware import reachable_when_private
from accounts.permissions import permission_required
from audit.models import AuditEntry
from audit.services import log_action
from surveys import logic, queries
from surveys.double_entry import differences
from surveys.forms.sampling import SampleForm
from surveys.models import Invitation, PaperEntry, Prospect, Response, Sample, Survey
from surveys.services import organisations, paper, prospects, sampling
from surveys.tables import ImportRejected
from surveys.views.builder import allow
from tsunagari.lib import mail
from tsunagari.lib.downloads import CSV, PDF, XLSX, attachment_response


def survey_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys:start", args=[survey.platform.slug, survey.slug]))


@permission_required("surveys.run_fieldwork")
def samples(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    form = SampleForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sample = sampling.do_draw_sample(
                survey,
                upload.read(),
                upload.name,
                strata=form.strata_columns(),
                allocation=form.cleaned_data["allocation"],
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
                actor=request.user,
            )
        except ImportRejected as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(
                request,
                _("%(n)d人を抽出し、招待コードを発行しました（乱数の種 %(seed)d）。")
                % {"n": sample.size, "seed": sample.seed},
            )
            return redirect("surveys:samples", request.platform.slug, survey.uuid)
    context = {"survey": survey, "form": form, "problems": problems, "samples": survey.samples.all()}
    return render(request, "surveys/samples.html", context, status=400 if problems or form.errors else 200)


@permission_required("surveys.run_fieldwork")
def sample_mail_merge(request: StaffRequest, uuid: UUID) -> HttpResponse:
    sample: Sample = get_object_or_404(Sample.objects.select_related("survey"), uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    url = survey_url(request, sample.survey)
    name = f"{sample.survey.slug}-sample-{sample.created_at:%Y%m%d}"
    xlsx = request.GET.get("format") == "xlsx"
    content = sampling.do_export_mail_merge(sample, url, xlsx=xlsx, actor=request.actor)
    if xlsx:
        return attachment_response(content, f"{name}.xlsx", XLSX)
    return attachment_response(content, f"{name}.csv", CSV)


@permission_required("surveys.run_fieldwork")
def sample_letters(request: StaffRequest, uuid: UUID) -> HttpResponse:
    sample: Sample = get_object_or_404(Sample.objects.select_related("survey"), uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    pdf = sampling.do_print_letters(sample, survey_url(request, sample.survey), actor=request.actor)
    return attachment_response(pdf, f"{sample.survey.slug}-letters.pdf", PDF, inline=True)


@permission_required("surveys.run_fieldwork")
def sample_purge(request: StaffRequest, uuid: UUID) -> HttpResponse:
    sample: Sample = get_object_or_404(Sample.objects.select_related("survey"), uuid=uuid)
    if (refused := allow(request, "POST")) is not None:
        return refused
    count = sampling.do_purge_addresses(sample, actor=request.user)
    messages.success(request, _("%(n)d人分の宛名情報を消去しました。") % {"n": count})
    return redirect("surveys:samples", request.platform.slug, sample.survey.uuid)


def _sheets(survey: Survey) -> list[dict[str, Any]]:
    stored = set(
        Response.objects.filter(survey=survey).exclude(paper_sheet="").values_list("paper_sheet", flat=True)
    )
    by_sheet: dict[str, list[PaperEntry]] = {}
    for entry in PaperEntry.objects.filter(survey=survey).order_by("sheet", "pass_number"):
        by_sheet.setdefault(entry.sheet, []).append(entry)
    rows = []
    for sheet, entries in sorted(by_sheet.items()):
        if sheet in stored:
            status = "stored"
        elif len(entries) == 1:
            status = "once"
        else:
            status = "differs"
        rows.append({"sheet": sheet, "entries": entries, "status": status})
    return rows


@permission_required("surveys.run_fieldwork")
def paper_entry(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    version = survey.fielded_version() or survey.current_version()
    errors: list[tuple[str, str]] = []
    answers: dict = {}
    if request.method == "POST":
        answers, errors = queries.parse_sheet(survey, request.POST)
        if not errors:
            try:
                entry, response = paper.do_enter_sheet(
                    survey,
                    sheet=request.POST.get("sheet", ""),
                    invitation_code=request.POST.get("invitation_code", ""),
                    stratum=request.POST.get("stratum", ""),
                    answers=answers,
                    actor=request.user,
                )
            except ValidationError as exc:
                errors = [("sheet", m) for m in exc.messages]
            else:
                if response is not None:
                    messages.success(
                        request,
                        _("調査票「%(s)s」: 2回の入力が一致したため、回答として登録しました。")
                        % {"s": entry.sheet},
                    )
                elif entry.pass_number == 1:
                    messages.success(
                        request,
                        _("調査票「%(s)s」の1回目の入力を保存しました。別の人が2回目を入力してください。")
                        % {"s": entry.sheet},
                    )
                else:
                    messages.error(
                        request,
                        _("調査票「%(s)s」: 1回目と2回目の入力が異なります。相違を確認してください。")
                        % {"s": entry.sheet},
                    )
                return redirect("surveys:paper", request.platform.slug, survey.uuid)
    context = {
        "survey": survey,
        "outline": logic.outline(version),
        "numbers": logic.number_of(version),
        "answers": answers,
        "errors": errors,
        "error_codes": {c for c, _m in errors},
        "sheets": _sheets(survey),
        "posted": request.POST if errors else {},
        "easy": False,
    }
    return render(request, "surveys/paper.html", context, status=400 if errors else 200)


@permission_required("surveys.run_fieldwork")
def paper_review(request: StaffRequest, uuid: UUID) -> HttpResponse:
    first: PaperEntry = get_object_or_404(
        PaperEntry.objects.select_related("survey"), uuid=uuid, pass_number=1
    )
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    survey = first.survey
    second = PaperEntry.objects.filter(survey=survey, sheet=first.sheet, pass_number=2).first()
    if request.method == "POST":
        choices = {k[len("pick_") :]: str(v) for k, v in request.POST.items() if k.startswith("pick_")}
        try:
            paper.do_resolve_sheet(survey, first, choices, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("調査票「%(s)s」を回答として登録しました。") % {"s": first.sheet})
            return redirect("surveys:paper", request.platform.slug, survey.uuid)
    numbers = logic.number_of(first.version)
    rows = [
        {"code": code, "number": numbers.get(code), "first": a, "second": b}
        for code, a, b in (differences(first, second) if second else [])
    ]
    return render(
        request,
        "surveys/paper_review.html",
        {"survey": survey, "first": first, "second": second, "rows": rows},
    )


@permission_required("surveys.run_fieldwork")
def organisation_tracking(request: StaffRequest, uuid: UUID) -> HttpResponse:
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            count = organisations.do_invite_members(survey, actor=request.user)
            queued = (
                organisations.do_remind(
                    survey, survey_url=survey_url(request, survey), actor=request.user, first=True
                )
                if survey.is_open
                else []
            )
            messages.success(
                request,
                _("%(n)d団体に招待コードを発行しました。") % {"n": count}
                + mail.notice(queued, _("%(m)d通の依頼メール") % {"m": len(queued)}),
            )
        elif action == "remind":
            queued = organisations.do_remind(
                survey, survey_url=survey_url(request, survey), actor=request.user
            )
            messages.success(
                request, mail.notice(queued, _("未回答の%(n)d団体への督促メール") % {"n": len(queued)})
            )
        elif action == "export":
            response = get_object_or_404(Response, uuid=request.POST.get("response"), survey=survey)
            service = organisations.do_export_to_directory(response, actor=request.user)
            messages.success(
                request,
                _(
                    "「%(name)s」を非公開の下書きとして支援・相談窓口に登録しました。内容を確認して公開してください。"
                )
                % {"name": service.name},
            )
        return redirect("surveys:organisations", request.platform.slug, survey.uuid)
    # Which organisation answered and who it is: every opening is in the audit log (issue 16).
    log_action(
        AuditEntry.READ_SENSITIVE, by=request.actor, obj=survey, data={"what": "organisation_tracking"}
    )
    answered, invited = queries.response_rate(survey)
    responses = {
        r.organisation_id: r
        for r in Response.objects.submitted().filter(survey=survey, organisation__isnull=False)
    }
    rows = queries.tracking(survey)
    for row in rows:
        row["response"] = responses.get(row["member"].pk)
    context = {
        "survey": survey,
        "rows": rows,
        "answered": answered,
        "invited": invited,
        "rate": 100 * answered / invited if invited else None,
        "has_codes": Invitation.objects.filter(survey=survey).exists(),
    }
    return render(request, "surveys/organisations.html", context)


@permission_required("surveys.run_fieldwork")
def prospect_list(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Organisations that are not members: the uploaded list, request mails, response rates."""
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET", "POST")) is not None:
        return refused
    problems: list[str] = []
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        upload = request.FILES.get("file")
        if action == "import" and upload is not None:
            count = prospects.do_import_prospects(survey, upload.read(), actor=request.user)
            messages.success(request, _("%(n)d団体を取り込みました。") % {"n": count})
        elif action == "import":
            raise ValidationError(_("CSVまたはExcelのファイルを選んでください。"))
        elif action == "directory":
            organization = get_object_or_404(
                queries.directory_candidates(survey), pk=request.POST.get("organization") or 0
            )
            added = prospects.do_add_prospect_from_directory(
                survey, organization, area=request.POST.get("area", ""), actor=request.actor
            )
            messages.success(request, _("「%(name)s」を一覧に加えました。") % {"name": added.name})
        elif action == "invite":
            letters_before = queries.letter_prospects(survey).count()
            queued = prospects.do_invite_prospects(
                survey, survey_url=survey_url(request, survey), actor=request.user
            )
            messages.success(request, mail.notice(queued, _("%(n)d通の依頼メール") % {"n": len(queued)}))
            letters = queries.letter_prospects(survey).count() - letters_before
            if letters:
                messages.info(
                    request,
                    _(
                        "メールアドレスのない%(n)d団体には招待コードを発行しました。依頼状（PDF）を印刷して郵送してください。"
                    )
                    % {"n": letters},
                )
        elif action == "draft_directory":
            prospect = get_object_or_404(Prospect, survey=survey, uuid=_uuid(request.POST.get("prospect")))
            service = prospects.do_draft_directory_entry(prospect, actor=request.actor)
            messages.success(
                request,
                _(
                    "「%(name)s」を非公開の下書きとして支援・相談窓口に登録しました。内容を確認して公開してください。"
                )
                % {"name": service.name},
            )
        elif action == "sharing":
            shares = request.POST.get("shares_register") == "1"
            prospects.do_set_register_sharing(request.platform, shares, actor=request.actor)
            messages.success(
                request,
                _("会員名簿を他のプラットフォームの団体調査に提供します。")
                if shares
                else _("会員名簿の提供を止めました。"),
            )
        elif action == "register":
            source = _sharing_platform(request, request.POST.get("source"))
            count = prospects.do_add_prospects_from_register(
                survey,
                source,
                request.POST.getlist("member"),
                area=request.POST.get("area", ""),
                actor=request.actor,
            )
            messages.success(
                request,
                _("%(pf)sの会員名簿から%(n)d団体を一覧に加えました。") % {"pf": source.name, "n": count},
            )
        elif action == "remind":
            queued = prospects.do_remind_prospects(survey, actor=request.actor)
            if queued:
                messages.success(request, mail.notice(queued, _("%(n)d通の督促メール") % {"n": len(queued)}))
            else:
                messages.info(
                    request,
                    _("督促する団体はありません（回答済み・停止・1週間以内に連絡済み、または休日）。"),
                )
        elif action == "join":
            prospect = get_object_or_404(Prospect, survey=survey, uuid=_uuid(request.POST.get("prospect")))
            sent = prospects.do_invite_prospect_to_join(prospect, actor=request.actor)
            if sent is None:
                messages.info(
                    request, _("「%(name)s」には既に入会申込を案内しています。") % {"name": prospect.name}
                )
            else:
                messages.success(
                    request,
                    mail.notice([sent], _("「%(name)s」への入会申込の案内") % {"name": prospect.name}),
                )
    except ValidationError as error:
        problems = error.messages
    else:
        if action:
            return redirect("surveys:prospects", request.platform.slug, survey.uuid)
    rates = queries.rates(survey)
    sharing = queries.sharing_platforms(request.platform)
    source = next((p for p in sharing if p.slug == request.GET.get("register")), None)
    context = {
        "survey": survey,
        "problems": problems,
        "letters": queries.letter_prospects(survey).count(),
        "shares_register": queries.shares_register(request.platform),
        "sharing_platforms": sharing,
        "register_source": source,
        "register": queries.shared_register(survey, source) if source is not None else [],
        "prospects": queries.listing(survey),
        "due": queries.due_for_reminder(survey, timezone.now()).count(),
        "pending": Prospect.objects.filter(survey=survey, invitation__isnull=True).count(),
        "directory": queries.directory_candidates(survey)[:500],
        "dimensions": [(rates["type"], _("種別")), (rates["area"], _("地域"))],
    }
    return render(request, "surveys/prospects.html", context, status=400 if problems else 200)


def _sharing_platform(request: StaffRequest, slug: str | None) -> Any:
    """Another platform that shares its register (404 for one that does not, or for this one)."""
    for platform in queries.sharing_platforms(request.platform):
        if platform.slug == slug:
            return platform
    raise Http404("register not shared")


@permission_required("surveys.run_fieldwork")
def prospect_letters(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Every organisation invited by letter that has not answered: one A4 letter each, one PDF."""
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    batch = list(queries.letter_prospects(survey))
    if not batch:
        messages.info(request, _("郵送で依頼する未回答の団体はありません。"))
        return redirect("surveys:prospects", request.platform.slug, survey.uuid)
    content = prospects.do_print_letters(survey, batch, actor=request.actor)
    return attachment_response(content, f"{survey.slug}-letters.pdf", PDF, inline=True, private=True)


@permission_required("surveys.run_fieldwork")
def prospect_letter(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The invitation letter of one organisation invited by letter (to print it again)."""
    prospect: Prospect = get_object_or_404(Prospect.objects.select_related("survey", "invitation"), uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    if not prospect.invited_by_letter or prospect.invitation is None:
        raise Http404("not invited by letter")
    content = prospects.do_print_letters(prospect.survey, [prospect], actor=request.actor)
    return attachment_response(
        content,
        f"{prospect.survey.slug}-letter-{prospect.invitation.code}.pdf",
        PDF,
        inline=True,
        private=True,
    )


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value or "")
    except ValueError:
        return None


@permission_required("surveys.run_fieldwork")
def prospect_csv(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The non-member organisations with their answers, one row each (audited export)."""
    survey = get_object_or_404(Survey, uuid=uuid)
    if (refused := allow(request, "GET")) is not None:
        return refused
    content = prospects.do_export_csv(survey, actor=request.actor)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment_response(content, f"{survey.slug}-non-members-{stamp}.csv", CSV, private=True)


@reachable_when_private
@require_http_methods(["GET", "POST"])
def prospect_stop(request: PlatformRequest, token: str) -> HttpResponse:
    """The link in every mail to a listed organisation: stop the reminders (no login)."""
    prospect = queries.prospect_for_stop(token)
    stopped = prospect is not None and prospect.opted_out_at is not None
    if request.method == "POST" and prospect is not None:
        prospects.do_stop_prospect_mail(prospect)
        stopped = True
    context = {"prospect": prospect, "stopped": stopped}
    return render(request, "surveys/prospect_stop.html", context, status=404 if prospect is None else 200)
