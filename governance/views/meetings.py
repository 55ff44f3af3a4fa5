"""Staff pages of one meeting: agenda and convocation, the live page, votes, minutes; simulate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from governance import minutes as printing
from governance import queries, rules
from governance.forms.pages import (
    CountedVotesForm,
    DecideForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    NamedVotesForm,
    ReasonForm,
)
from governance.models import AgendaItem, ItemKind, Meeting, Minutes, Response, Seat
from governance.services import meetings as services
from governance.services import records
from governance.views.bodies import _body, _require_editor
from tsunagari.lib.downloads import attachment_response
from tsunagari.lib.untrusted import UnreadableFile, loads_json
from tsunagari.lib.views import attempt


def _meeting(uuid: UUID) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body", "chair"), uuid=uuid)


@require_http_methods(["GET", "POST"])
@permission_required("governance.manage")
def meeting_new(request: StaffRequest, uuid: UUID) -> HttpResponse:
    body = _body(uuid)
    form = MeetingForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        created: list[Meeting] = []
        values = {k: v for k, v in form.cleaned_data.items()}
        if attempt(
            request,
            lambda: created.append(services.do_create_meeting(body, actor=request.actor, **values)),
            _("会議を登録しました。議案を登録してから招集してください。"),
        ):
            return redirect("governance:meeting", request.platform.slug, created[0].uuid)
    return render(request, "governance/meeting_form.html", {"body": body, "form": form})


def _status_counts(meeting: Meeting) -> dict[str, int]:
    counts = {mode: 0 for mode, _label in Response.Mode.choices}
    for response in meeting.responses.all():
        counts[response.mode] += 1
    return counts


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def meeting_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    meeting = _meeting(uuid)
    action = request.POST.get("action")
    item_form = ItemForm(request.POST if action == "item" else None, prefix="item")
    edit_form = MeetingForm(
        request.POST if action == "edit" else None, instance=meeting, body=meeting.body, prefix="m"
    )
    cancel_form = ReasonForm(request.POST if action == "cancel" else None, prefix="c")
    if request.method == "POST":
        _require_editor(request)
        done = False
        if action == "item" and item_form.is_valid():
            d = item_form.cleaned_data
            done = attempt(
                request,
                lambda: services.do_add_item(meeting, actor=request.actor, **d),
                _("議案を登録しました。"),
            )
        elif action == "remove_item":
            item = get_object_or_404(AgendaItem, uuid=request.POST.get("item"), meeting=meeting)
            done = attempt(
                request, lambda: services.do_remove_item(item, actor=request.actor), _("議案を削除しました。")
            )
        elif action == "convene":
            sent: list[int] = []
            done = attempt(
                request,
                lambda: sent.append(services.do_convene(meeting, actor=request.actor)),
                _("招集通知（回答フォームのリンク付き）の送信を予約しました。"),
            )
        elif action == "edit" and edit_form.is_valid():
            values = {f: edit_form.cleaned_data[f] for f in edit_form.changed_data}
            done = attempt(
                request,
                lambda: services.do_update_meeting(meeting, values, actor=request.actor),
                _("会議を更新しました。"),
            )
        elif action == "cancel" and cancel_form.is_valid():
            reason = cancel_form.cleaned_data["reason"]
            done = attempt(
                request,
                lambda: services.do_cancel_meeting(meeting, reason=reason, actor=request.actor),
                _("会議を中止しました。"),
            )
        elif action == "close":
            done = attempt(
                request, lambda: services.do_close_meeting(meeting, actor=request.actor), _("閉会しました。")
            )
        if done:
            return redirect("governance:meeting", request.platform.slug, meeting.uuid)
    responses = sorted(
        meeting.responses.select_related("seat", "proxy_to"), key=lambda r: (r.seat.role, r.seat.name)
    )
    context = {
        "meeting": meeting,
        "items": queries.meeting_items(meeting),
        "responses": responses,
        "counts": _status_counts(meeting),
        "expected": rules.simulate(
            meeting.body.ruleset(), queries.meeting_input(meeting, expected=True, with_votes=False)
        ),
        "item_form": item_form,
        "edit_form": edit_form,
        "cancel_form": cancel_form,
        "minutes": Minutes.objects.filter(meeting=meeting).first(),
        "ruleset": meeting.body.ruleset(),
    }
    return render(request, "governance/meeting_detail.html", context)


def _live_context(meeting: Meeting) -> dict[str, Any]:
    seats = queries.seats_on(meeting.body, meeting.day)
    responses = queries.responses_by_seat(meeting)
    verdict = queries.evaluate_meeting(meeting)
    names = queries.seat_names(meeting.body)
    refused = []
    for row in verdict["refused"]:
        text = row["what"]
        for ref, name in names.items():
            text = text.replace(ref, name)
        refused.append({"what": text, "article": row["article"]})
    items = queries.meeting_items(meeting)
    return {
        "meeting": meeting,
        "rows": [(seat, responses.get(seat.pk)) for seat in seats],
        "verdict": verdict,
        "refused": refused,
        "items": [(item, verdict["items"].get(item.code)) for item in items],
        "ruleset": meeting.body.ruleset(),
    }


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def live(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """当日の受付: check-in on a phone, quorum and each item's threshold always visible."""
    meeting = _meeting(uuid)
    if request.method == "POST":
        _require_editor(request)
        seat = get_object_or_404(Seat, uuid=request.POST.get("seat"), body=meeting.body)
        action = request.POST.get("action")
        if action == "undo":
            attempt(
                request,
                lambda: services.do_undo_check_in(meeting, seat, actor=request.actor),
                _("%(name)s の受付を取り消しました。") % {"name": seat.name},
            )
        else:
            online = action == "online"
            attempt(
                request,
                lambda: services.do_check_in(meeting, seat, online=online, actor=request.actor),
                _("%(name)s を受け付けました。") % {"name": seat.name},
            )
        return redirect(f"{request.path}#seat-{seat.uuid}")
    return render(request, "governance/live.html", _live_context(meeting))


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def item_votes(request: StaffRequest, uuid: UUID) -> HttpResponse:
    item: AgendaItem = get_object_or_404(
        AgendaItem.objects.select_related(
            "expulsion", "target_member", "meeting", "meeting__body", "meeting__chair"
        ),
        uuid=uuid,
    )
    meeting = item.meeting
    data = queries.meeting_input(meeting, with_votes=False)
    can_vote = set(data["attendees"]) | {p["from"] for p in data["proxies"] if item.code in p["items"]}
    seats = [s for s in queries.voting_seats(meeting.body, meeting.day) if s.ref in can_vote]
    if (
        meeting.chair is not None
        and meeting.body.ruleset().chair != rules.CHAIR_VOTES
        and meeting.chair not in seats
    ):
        seats.append(
            meeting.chair
        )  # shown so a chair's casting vote can be recorded (refused where forbidden)
    current = {v.seat_id: v.choice for v in item.votes.all()}
    action = request.POST.get("action")
    named_form = NamedVotesForm(
        request.POST if action == "named" else None, seats=seats, current=current, prefix="v"
    )
    counted_form = CountedVotesForm(
        request.POST if action == "counted" else None,
        prefix="c",
        initial={"yes": item.counted_yes, "no": item.counted_no, "abstain": item.counted_abstain or 0},
    )
    decide_form = DecideForm(request.POST if action == "decide" else None, prefix="d")
    if request.method == "POST":
        _require_editor(request)
        done = False
        if action == "named" and named_form.is_valid():
            named = named_form.named()
            done = attempt(
                request,
                lambda: services.do_record_votes(item, named=named, actor=request.actor),
                _("表決を記録しました。"),
            )
        elif action == "counted" and counted_form.is_valid():
            c = counted_form.cleaned_data
            done = attempt(
                request,
                lambda: services.do_record_votes(
                    item, counts=(c["yes"], c["no"], c["abstain"]), actor=request.actor
                ),
                _("票数を記録しました。"),
            )
        elif action == "decide" and decide_form.is_valid():
            d = decide_form.cleaned_data
            done = attempt(
                request,
                lambda: services.do_decide_item(
                    item, hearing_record=d["hearing_record"], no_hearing=d["no_hearing"], actor=request.actor
                ),
                _("議決を記録しました。"),
            )
        elif action == "undo":
            done = attempt(
                request,
                lambda: services.do_undo_decision(item, actor=request.actor),
                _("議決の記録を取り消しました。"),
            )
        if done:
            return redirect("governance:item", request.platform.slug, item.uuid)
    verdict = queries.evaluate_meeting(meeting)
    context = {
        "meeting": meeting,
        "item": item,
        "result": verdict["items"].get(item.code),
        "quorum": verdict["quorum"],
        "named_form": named_form,
        "counted_form": counted_form,
        "decide_form": decide_form,
        "is_expulsion": item.kind == ItemKind.EXPULSION,
        "ruleset": meeting.body.ruleset(),
    }
    return render(request, "governance/item_votes.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def minutes_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    meeting = _meeting(uuid)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    action = request.POST.get("action")
    form = MinutesForm(
        request.POST if action == "save" else None,
        initial={"text": minutes.text, "signers": minutes.signers} if minutes else None,
    )
    if request.method == "POST":
        _require_editor(request)
        done = False
        if action == "draft":
            done = attempt(
                request,
                lambda: records.do_draft_minutes(meeting, actor=request.actor),
                _("記録から議事録の案を作りました。"),
            )
        elif minutes is None:
            raise PermissionDenied
        elif action == "save" and form.is_valid():
            d = form.cleaned_data
            done = attempt(
                request,
                lambda: records.do_save_minutes(
                    minutes, text=d["text"], signers=d["signers"], actor=request.actor
                ),
                _("議事録を保存しました。"),
            )
        elif action == "finalise":
            done = attempt(
                request,
                lambda: records.do_finalise_minutes(minutes, actor=request.actor),
                _("議事録を確定しました。"),
            )
        elif action == "reopen":
            done = attempt(
                request,
                lambda: records.do_reopen_minutes(minutes, actor=request.actor),
                _("確定を取り消しました。"),
            )
        elif action in ("publish", "unpublish"):
            publish = action == "publish"
            done = attempt(
                request,
                lambda: records.do_publish_minutes(minutes, publish=publish, actor=request.actor),
                _("公開しました。") if publish else _("公開をやめました。"),
            )
        if done:
            return redirect("governance:minutes", request.platform.slug, meeting.uuid)
    return render(
        request, "governance/minutes_edit.html", {"meeting": meeting, "minutes": minutes, "form": form}
    )


def _minutes_or_404(meeting: Meeting) -> Minutes:
    return get_object_or_404(Minutes.objects.select_related("meeting", "meeting__body"), meeting=meeting)


@permission_required("governance.view")
def minutes_pdf(request: StaffRequest, uuid: UUID) -> HttpResponse:
    minutes = _minutes_or_404(_meeting(uuid))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    name = f"{minutes.meeting.body.name}_第{minutes.meeting.number}回_議事録.pdf"
    return attachment_response(printing.pdf(minutes), name, "application/pdf", inline=True)


@permission_required("governance.view")
def minutes_docx(request: StaffRequest, uuid: UUID) -> HttpResponse:
    minutes = _minutes_or_404(_meeting(uuid))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    name = f"{minutes.meeting.body.name}_第{minutes.meeting.number}回_議事録.docx"
    return attachment_response(
        printing.docx(minutes),
        name,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@permission_required("governance.view")
@require_POST
def simulate(request: StaffRequest) -> JsonResponse:
    """POST JSON in, JSON out: the verdict under a body's rules (``?body=<code>``) or a template."""
    try:
        data = loads_json(request.body or b"null")
    except UnreadableFile as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    code = request.GET.get("body") or (data.get("body") if isinstance(data, dict) else None)
    template = request.GET.get("template") or (data.get("template") if isinstance(data, dict) else None)
    if code:
        body = queries.body_by_code(str(code))
        if body is None:
            return JsonResponse({"error": f"会議体「{code}」はありません。"}, status=404)
        ruleset = body.ruleset()
        if isinstance(data, dict) and not data.get("members"):
            data = {**data, "members": queries.voting_seat_ids(body)}
    elif template in rules.TEMPLATES:
        ruleset = rules.TEMPLATES[template]
    else:
        return JsonResponse(
            {"error": "body（会議体のコード）か template（gifu など）を指定してください。"}, status=400
        )
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("body", "template")}
    try:
        return JsonResponse(rules.simulate(ruleset, data), json_dumps_params={"ensure_ascii": False})
    except rules.RuleError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
