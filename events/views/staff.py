"""Staff pages of events: list, create/edit, one event's registrations, sign-ups by phone, exports."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.models import Role
from accounts.permissions import permission_required
from audit.models import AuditEntry
from audit.services import log_action
from events.forms.events import EventForm, ProposalForm, StatusForm
from events.forms.registration import StaffSignUpForm
from events.models import Event, Registration
from events.queries import figures, seats_left, staff_events
from events.services import events as event_services
from events.services import registration as services
from tsunagari.lib.downloads import CSV, attachment_response, csv_writer


def _event(uuid: UUID) -> Event:
    return get_object_or_404(Event.objects.select_related("course", "proposed_by"), uuid=uuid)


@require_GET
@permission_required("events.view_list")
def event_list(request: StaffRequest) -> HttpResponse:
    role = request.role
    events = staff_events()
    if role.kind == Role.MEMBER_STAFF:
        events = events.filter(proposed_by=role.organisation)
    elif role.kind == Role.COUNSELLOR:
        events = events.filter(status=Event.Status.PUBLISHED)
    now = timezone.now()
    rows = list(events[:300])
    return render(
        request,
        "events/staff/list.html",
        {
            "upcoming": [e for e in rows if e.starts_at >= now][::-1],
            "past": [e for e in rows if e.starts_at < now],
            "proposed": [e for e in rows if e.status == Event.Status.PROPOSED],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("events.propose")
def event_create(request: StaffRequest) -> HttpResponse:
    role = request.role
    member = role.organisation if role.kind == Role.MEMBER_STAFF else None
    if role.kind == Role.MEMBER_STAFF and member is None:
        raise PermissionDenied
    form_class = ProposalForm if member else EventForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_services.do_create_event(
                request.platform,
                form.data_for_service(),
                actor=request.actor,
                proposed_by=member,
            )
        except ValidationError as error:
            form.add_error("slug" if error.code == "slug" else None, error.messages[0])
        else:
            messages.success(
                request,
                _("提案を送りました。事務局の承認後に公開されます。")
                if member
                else _("イベントを作成しました（下書き）。"),
            )
            return redirect("events:staff_event", request.platform.slug, event.uuid)
    return render(request, "events/staff/form.html", {"form": form, "proposal": member is not None})


def _may_see(request: StaffRequest, event: Event) -> None:
    role = request.role
    if role.kind == Role.MEMBER_STAFF and (
        role.organisation is None or event.proposed_by_id != role.organisation.pk
    ):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@permission_required("events.manage")
def event_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.do_update_event(event, form.data_for_service(), actor=request.actor)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("保存しました。"))
            return redirect("events:staff_event", request.platform.slug, event.uuid)
    return render(request, "events/staff/form.html", {"form": form, "event": event})


@permission_required("events.view_event")
def event_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    _may_see(request, event)
    status = request.GET.get("status", "")
    people = Registration.objects.filter(event=event).order_by("created_at", "id")
    if status in Registration.Status.values:
        people = people.filter(status=status)
    return render(
        request,
        "events/staff/detail.html",
        {
            "event": event,
            "figures": figures(event),
            "people": list(people[:2000]),
            "status": status,
            "statuses": Registration.Status.choices,
            "seats": {mode: seats_left(event, mode) for mode in event.modes},
        },
    )


STATUS_MESSAGES = {
    "publish": _("公開しました。"),
    "unpublish": _("公開をやめて下書きに戻しました。"),
    "return": _("提案を差し戻しました。"),
    "cancel": _("イベントを中止にしました。"),
}


@permission_required("events.manage")
def event_status(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    if request.method != "POST":
        return redirect("events:staff_event", request.platform.slug, event.uuid)
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("操作を選んでください。"))
        action = form.cleaned_data["action"]
        if action == "draw":
            counts = services.do_draw_lottery(event, actor=request.actor)
            messages.success(
                request,
                _("抽選しました: 当選 %(won)d人、キャンセル待ち %(waiting)d人、落選 %(lost)d人。") % counts,
            )
        elif action in STATUS_MESSAGES:
            event_services.do_set_status(
                event, action, actor=request.actor, reason=form.cleaned_data["reason"]
            )
            messages.success(request, STATUS_MESSAGES[action])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("events:staff_event", request.platform.slug, event.uuid)


@permission_required("events.manage")
def registration_cancel(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Cancel one registration for the person (phone call); freed seats go to the waiting list."""
    registration: Registration = get_object_or_404(Registration.objects.select_related("event"), uuid=uuid)
    if request.method != "POST":  # the page that asks before cancelling (a misclick mails the person)
        return render(
            request, "events/staff/cancel.html", {"person": registration, "event": registration.event}
        )
    try:
        promoted = services.do_cancel(registration, actor=request.actor, reason="staff")
    except services.RegistrationError as error:
        messages.error(request, error.messages[0])
    else:
        text = _("%(name)s さんの申込を取り消しました。") % {"name": registration.name}
        if promoted:
            text += " " + _("キャンセル待ちの %(names)s さんに空席をご案内しました。") % {
                "names": "、".join(p.name for p in promoted)
            }
        messages.success(request, text)
    return redirect("events:staff_event", request.platform.slug, registration.event.uuid)


@require_http_methods(["GET", "POST"])
@permission_required("events.manage")
def signup(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A sign-up taken by phone, FAX or mail (or a walk-in), entered by the secretariat."""
    event = _event(uuid)
    form = StaffSignUpForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            if source == Registration.Source.WALK_IN:
                person = services.do_walk_in(event, form.signup(), actor=request.actor)
            else:
                person = services.do_register(
                    event,
                    form.signup(),
                    source=source,
                    actor=request.actor,
                    over_capacity=form.cleaned_data["over_capacity"],
                )
        except services.RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.messages[0])
        else:
            messages.success(
                request,
                _("%(name)s さんを登録しました（%(status)s）。")
                % {"name": person.name, "status": person.get_status_display()},
            )
            return redirect("events:staff_signup", request.platform.slug, event.uuid)
    return render(request, "events/staff/signup.html", {"event": event, "form": form})


ROSTER_COLUMNS = [
    ("受付番号", lambda r, i: i),
    ("状態", lambda r, i: r.get_status_display()),
    ("参加方法", lambda r, i: r.get_mode_display()),
    ("お名前", lambda r, i: r.name),
    ("ふりがな", lambda r, i: r.name_kana),
    ("所属団体", lambda r, i: r.organisation),
    ("活動地域", lambda r, i: r.region),
    ("メールアドレス", lambda r, i: r.email),
    ("電話番号", lambda r, i: r.phone),
    ("配慮事項", lambda r, i: r.accessibility),
    ("受付方法", lambda r, i: r.get_source_display()),
    ("テーブル", lambda r, i: r.table or ""),
    ("申込日時", lambda r, i: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")),
    ("来場", lambda r, i: timezone.localtime(r.checked_in_at).strftime("%H:%M") if r.checked_in_at else ""),
]


def _cell(value: object) -> object:
    # Spreadsheet formula injection: a cell never starts with = + - @ as typed by a registrant.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else value


@permission_required("events.manage")
def roster_csv(request: StaffRequest, uuid: UUID) -> HttpResponse:
    event = _event(uuid)
    people = list(Registration.objects.filter(event=event).order_by("created_at", "id"))
    questions = list(event.questions or [])
    # Names, e-mails and accessibility needs leave the system: who took them is recorded.
    log_action(AuditEntry.EXPORT, by=request.actor, obj=event, data={"what": "roster", "rows": len(people)})
    response = attachment_response(
        "\ufeff", f"{event.slug}-roster.csv", CSV
    )  # Excel reads UTF-8 only with the BOM
    writer = csv_writer(response)
    writer.writerow([title for title, _get in ROSTER_COLUMNS] + questions)
    for index, person in enumerate(people, start=1):
        writer.writerow(
            [_cell(get(person, index)) for _title, get in ROSTER_COLUMNS]
            + [_cell(person.answers.get(q, "")) for q in questions]
        )
    return response
