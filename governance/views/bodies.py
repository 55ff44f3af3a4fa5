"""Staff pages: the governance overview, bodies (rules, seats and terms), bylaws, exports."""

from __future__ import annotations

import io
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from governance import queries, rules
from governance.forms.pages import ArticleAmendForm, BodyForm, EndSeatForm, RulesForm, SeatForm
from governance.models import Article, Body, Bylaws, Seat
from governance.services import bodies as services
from tsunagari.lib.downloads import attachment_response, csv_writer
from tsunagari.lib.views import attempt


def _body(uuid: UUID) -> Body:
    return get_object_or_404(Body.objects.select_related("bylaws", "parent"), uuid=uuid)


def _require_editor(request: StaffRequest) -> None:
    """Pages readable by viewers take their writes from the secretariat only (governance.manage)."""
    if not request.actor.can("governance.manage"):
        raise PermissionDenied


@require_GET
@permission_required("governance.view")
def index(request: StaffRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "bodies": queries.bodies(),
        "upcoming": queries.meetings()
        .filter(starts_at__gte=now)
        .exclude(status="cancelled")
        .order_by("starts_at")[:10],
        "recent": queries.meetings().filter(starts_at__lt=now).order_by("-starts_at")[:10],
        "written": queries.written_resolutions().filter(status="open"),
        "ending": queries.terms_ending(days=60),
        "plans": queries.plans(),
    }
    return render(request, "governance/index.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("governance.manage")
def body_new(request: StaffRequest) -> HttpResponse:
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        created: list[Body] = []
        if attempt(
            request,
            lambda: created.append(services.do_create_body(request.platform, actor=request.actor, **data)),
            _("会議体を登録しました。構成員を登録してください。"),
        ):
            return redirect("governance:body", request.platform.slug, created[0].uuid)
    return render(request, "governance/body_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def body_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    body = _body(uuid)
    seat_form = SeatForm(request.POST if request.POST.get("action") == "seat" else None, prefix="seat")
    end_form = EndSeatForm(
        request.POST if request.POST.get("action") == "end" else None, body=body, prefix="end"
    )
    edit_form = BodyForm(
        request.POST if request.POST.get("action") == "edit" else None, instance=body, prefix="b"
    )
    if request.method == "POST":
        _require_editor(request)
        action = request.POST.get("action")
        done = False
        if action == "seat" and seat_form.is_valid():
            d = seat_form.cleaned_data
            done = attempt(
                request,
                lambda: services.do_add_seat(
                    body, actor=request.actor, **{**d, "name": d["name"] or "", "email": d["email"] or ""}
                ),
                _("構成員を登録しました。"),
            )
        elif action == "end" and end_form.is_valid():
            d = end_form.cleaned_data
            done = attempt(
                request,
                lambda: services.do_end_seat(
                    d["seat"], ends_on=d["ends_on"], reason=d["reason"], actor=request.actor
                ),
                _("退任を記録しました。"),
            )
        elif action == "edit" and edit_form.is_valid():
            values = {f: edit_form.cleaned_data[f] for f in edit_form.changed_data}
            done = attempt(
                request,
                lambda: services.do_update_body(body, values, actor=request.actor),
                _("会議体の設定を保存しました。"),
            )
        if done:
            return redirect("governance:body", request.platform.slug, body.uuid)
    today = timezone.localdate()
    all_seats = list(
        Seat.objects.filter(body=body).select_related("member").order_by("role", "name", "starts_on")
    )
    context = {
        "body": body,
        "ruleset": body.ruleset(),
        "current": [s for s in all_seats if s.sits_on(today)],
        "past": [s for s in all_seats if s.ends_on is not None and s.ends_on < today],
        "future": [s for s in all_seats if s.starts_on > today],
        "meetings": queries.meetings(body).order_by("-starts_at"),
        "written": queries.written_resolutions(body),
        "seat_form": seat_form,
        "end_form": end_form,
        "edit_form": edit_form,
        "voting_count": len(queries.voting_seats(body)),
    }
    return render(request, "governance/body_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("governance.manage")
def body_rules(request: StaffRequest, uuid: UUID) -> HttpResponse:
    body = _body(uuid)
    form = RulesForm.for_rules(body.ruleset(), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ruleset = form.ruleset()
        except rules.RuleError as exc:
            form.add_error(None, str(exc))
        else:
            if attempt(
                request,
                lambda: services.do_save_rules(body, ruleset, actor=request.actor),
                _("規則を保存しました。"),
            ):
                return redirect("governance:body", request.platform.slug, body.uuid)
    return render(request, "governance/body_rules.html", {"body": body, "form": form})


@permission_required("governance.view")
def seats_csv(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """役員・構成員名簿 (every seat, past ones too) as CSV for Excel (UTF-8 with BOM)."""
    body = _body(uuid)  # looked up first: another platform's body is a 404 whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow(
        ["会議体", "名称", "会員団体", "区分", "役職", "任期の始まり", "任期の終わり", "退任の理由"]
    )
    for seat in Seat.objects.filter(body=body).select_related("member").order_by("starts_on", "name"):
        writer.writerow(
            [
                body.name,
                seat.name,
                seat.member.name if seat.member else "",
                seat.get_role_display(),
                seat.office,
                seat.starts_on.isoformat(),
                seat.ends_on.isoformat() if seat.ends_on else "",
                seat.end_reason,
            ]
        )
    return attachment_response(out.getvalue().encode(), f"{body.name}_構成員.csv", "text/csv; charset=utf-8")


@require_GET
@permission_required("governance.view")
def decisions_csv(request: StaffRequest) -> HttpResponse:
    """Every decision (meeting items and written resolutions) with its counts and articles."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow(
        [
            "会議体",
            "会議・決議",
            "日付",
            "議案",
            "件名",
            "結果",
            "賛成",
            "反対",
            "棄権",
            "母数",
            "必要数",
            "根拠条文",
        ]
    )
    for row in queries.decision_rows():
        writer.writerow(row)
    return attachment_response(out.getvalue().encode(), "議決一覧.csv", "text/csv; charset=utf-8")


@require_GET
@permission_required("governance.view")
def bylaws(request: StaffRequest) -> HttpResponse:
    documents = Bylaws.objects.prefetch_related("articles").all()
    return render(request, "governance/bylaws.html", {"documents": documents, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@permission_required("governance.manage")
def article_amend(request: StaffRequest, uuid: UUID) -> HttpResponse:
    article: Article = get_object_or_404(Article.objects.select_related("bylaws"), uuid=uuid)
    form = ArticleAmendForm(request.POST or None, initial={"heading": article.heading, "text": article.text})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if attempt(
            request,
            lambda: services.do_amend_article(
                article,
                text=d["text"],
                heading=d["heading"],
                effective_from=d["effective_from"],
                note=d["note"],
                actor=request.actor,
            ),
            _("改正を記録しました。"),
        ):
            return redirect("governance:bylaws", request.platform.slug)
    history = Article.objects.filter(bylaws=article.bylaws, number=article.number).order_by("effective_from")
    return render(
        request, "governance/article_amend.html", {"article": article, "form": form, "history": history}
    )
