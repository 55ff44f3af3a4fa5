"""On the day: seating chart and name cards, QR check-in from a phone, walk-ins, feedback results."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from events.forms.events import MoveSeatForm, SeatingForm
from events.forms.registration import FeedbackForm
from events.models import Event, Registration
from events.queries import comments, feedback_requests, figures, satisfaction_shares, tables_of
from events.services import certificates, feedback_survey, seating
from events.services import feedback as feedback_services
from events.services import registration as services
from events.timing import ended_at
from tsunagari.lib.downloads import PDF, attachment_response
from tsunagari.lib.pdf import template_to_pdf


def _event(uuid: UUID) -> Event:
    return get_object_or_404(Event, uuid=uuid)


def _posted_uuid(request: HttpRequest) -> UUID:
    try:
        return UUID(request.POST.get("registration", ""))
    except ValueError:
        raise Http404("registration") from None


def _seating_action(request: StaffRequest, event: Event) -> str:
    """Move one person (the form of each row, or a drag on the page) or assign every table."""
    if request.POST.get("action") == "move":
        move = MoveSeatForm(request.POST)
        if not move.is_valid():
            raise ValidationError(_("テーブル番号は1から999の数字で入力してください。"))
        person = get_object_or_404(Registration, event=event, uuid=move.cleaned_data["registration"])
        table = move.cleaned_data["table"]
        seating.do_move_to_table(person, table, actor=request.actor)
        if table is None:
            return _("%(name)s さんを未割り当てに戻しました。") % {"name": person.name}
        return _("%(name)s さんを%(table)d番テーブルに移しました。") % {"name": person.name, "table": table}
    form = SeatingForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("グループ分けの項目と1テーブルの人数（2〜30）を入力してください。"))
    tables = seating.do_assign_tables(event, actor=request.actor, **form.cleaned_data)
    return _("%(n)d卓に席を割り当てました。") % {"n": len(tables)}


@require_http_methods(["GET", "POST"])
@permission_required("events.manage")
def seating_chart(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    if request.method == "POST":
        # The page's script (drag and drop) asks for JSON; the plain forms get a redirect.
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        try:
            message = _seating_action(request, event)
        except ValidationError as error:
            if wants_json:
                return JsonResponse({"ok": False, "error": error.messages[0]}, status=409)
            messages.error(request, error.messages[0])
        else:
            if wants_json:
                return JsonResponse({"ok": True, "message": message})
            messages.success(request, message)
        return redirect("events:seating", request.platform.slug, event.uuid)
    tables = tables_of(event)
    return render(
        request,
        "events/staff/seating.html",
        {
            "event": event,
            "tables": tables,
            "next_table": max((number for number, _people in tables), default=0) + 1,
            "form": SeatingForm(initial={"table_size": event.table_size}),
        },
    )


@permission_required("events.manage")
def seating_pdf(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The seating chart for the wall and the reception, then name cards (tent cards, 2 per page)."""
    event = _event(uuid)
    tables = [(number, people) for number, people in tables_of(event) if number]
    body = template_to_pdf(
        "events/print/seating.html", {"event": event, "tables": tables, "platform": event.platform}
    )
    return attachment_response(body, f"{event.slug}-seating.pdf", PDF, inline=True)


@require_http_methods(["GET", "POST"])
@permission_required("events.manage")
def checkin_list(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Reception desk: search by name or kana, one button per person; undo a mistaken check-in."""
    event = _event(uuid)
    if request.method == "POST":
        person = get_object_or_404(Registration, event=event, uuid=_posted_uuid(request))
        try:
            services.do_check_in(person, actor=request.actor, undo=request.POST.get("action") == "undo")
        except services.RegistrationError as error:
            messages.error(request, error.messages[0])
        q = request.POST.get("q", "")
        return redirect(request.path + (f"?q={q}" if q else ""))
    q = request.GET.get("q", "").strip()[:40]
    people = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    if q:
        people = (
            people.filter(name__icontains=q)
            | people.filter(name_kana__icontains=q)
            | people.filter(organisation__icontains=q)
        )
    return render(
        request,
        "events/staff/checkin_list.html",
        {
            "event": event,
            "people": list(people.order_by("name_kana", "name")[:500]),
            "q": q,
            "figures": figures(event),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("events.manage")
def checkin(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The page a registrant's QR code opens on a staff phone: who it is, and one button."""
    person: Registration = get_object_or_404(Registration.objects.select_related("event"), uuid=uuid)
    if request.method == "POST":
        try:
            services.do_check_in(person, actor=request.actor, undo=request.POST.get("action") == "undo")
        except services.RegistrationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s さんを受け付けました。") % {"name": person.name})
        return redirect(request.path)
    return render(request, "events/staff/checkin.html", {"person": person, "event": person.event})


@require_http_methods(["GET", "POST"])
@permission_required("events.view_results")
def feedback_results(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Shiga's result table (shares with counts, free text); the secretariat types in paper answers."""
    event = _event(uuid)
    paper = request.method == "POST" and request.POST.get("action") != "survey"
    form = FeedbackForm(request.POST if paper else None)
    if request.method == "POST":
        if not can(request.role, "events.manage"):
            return HttpResponse(status=403)
        if request.POST.get("action") == "survey":
            try:
                feedback_survey.do_attach_feedback_survey(event, actor=request.actor)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request,
                    _("アンケートを作成しました。イベント終了後、受付済みの参加者にメールで依頼します。"),
                )
            return redirect("events:feedback_results", request.platform.slug, event.uuid)
        if form.is_valid():
            feedback_services.do_submit_feedback(event, actor=request.actor, **form.cleaned_data)
            messages.success(request, _("紙のアンケート1件を入力しました。"))
            return redirect("events:feedback_results", request.platform.slug, event.uuid)
    shares, total = satisfaction_shares(event)
    return render(
        request,
        "events/staff/feedback.html",
        {
            "event": event,
            "shares": shares,
            "total": total,
            "comments": comments(event),
            "form": form,
            "figures": figures(event),
            "requests": feedback_requests(event),
            "sends_at": ended_at(event),
        },
    )


@permission_required("events.manage")
def event_certificates(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    body, _count = certificates.do_render_certificates(event, actor=request.actor)
    return attachment_response(body, f"{event.slug}-certificates.pdf", PDF, inline=True)
