"""The counsellors' shared inbox: /p/<slug>/staff/inbox/ and one conversation.

Every channel in one list, urgent first; filters; live unread counts (the list
polls itself through HTMX, and is a plain page without JavaScript); j/k
keyboard navigation. Opening a conversation is a sensitive read: audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from consultations import queries
from consultations.forms.casework import (
    AssignForm,
    CannedReplyForm,
    InboxFilterForm,
    NoteForm,
    RecordForm,
    ReplyForm,
    StateForm,
)
from consultations.models import CannedReply, Consent, Conversation
from consultations.services import inbox as services
from consultations.services import referrals as referral_services

PAGE_SIZE = 50


@require_GET
@permission_required("consultations.use_inbox")
def inbox_list(request: StaffRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.InboxFilters(
        state=data.get("state") or "active",
        channel=data.get("channel") or "",
        assigned=data.get("assigned") or "",
        urgent=bool(data.get("urgent")),
        q=data.get("q") or "",
    )
    # 50 a page with the filters kept (the page polls its own URL, page number included); the
    # count is of every matching conversation, not of the page.
    page = Paginator(queries.inbox(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "conversations": page.object_list,
        "summary": queries.unread_summary(request.user),
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "consultations/staff/_inbox_rows.html", context)
    return render(request, "consultations/staff/inbox.html", context)


def _reply(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_reply(conversation, form.cleaned_data["text"], actor=request.actor)
    return _("返信を送りました。")


def _note(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_add_note(conversation, form.cleaned_data["body"], actor=request.actor)
    return _("内部メモを追加しました。")


def _assign(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_assign(conversation, form.cleaned_data["assignee"], actor=request.actor)
    return _("担当者を変更しました。")


def _state(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_set_state(conversation, form.cleaned_data["state"], actor=request.actor)
    return _("状態を変更しました。")


def _record(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_update_record(conversation, **form.cleaned_data, actor=request.actor)
    return _("相談記録を保存しました。")


def _clear_urgent(conversation: Conversation, form: Any, request: StaffRequest) -> str:
    services.do_clear_urgent(conversation, actor=request.actor)
    return _("緊急の表示を解除しました。")


Make = Callable[[Conversation, Any, StaffRequest], Form]
ACTIONS: dict[str, tuple[Make, Callable[[Conversation, Any, StaffRequest], str]]] = {
    "reply": (lambda c, data, r: ReplyForm(data, prefix="r", initial=_canned_initial(r)), _reply),
    "note": (lambda c, data, r: NoteForm(data, prefix="n"), _note),
    "assign": (
        lambda c, data, r: AssignForm(
            data, prefix="a", users=queries.staff_users(c.platform), initial={"assignee": c.assigned_to_id}
        ),
        _assign,
    ),
    "state": (lambda c, data, r: StateForm(data, prefix="s", initial={"state": c.state}), _state),
    "record": (lambda c, data, r: RecordForm(data, prefix="rec", initial=_record_initial(c)), _record),
    "clear_urgent": (lambda c, data, r: Form(data), _clear_urgent),
}


def _canned_initial(request: StaffRequest) -> dict[str, str]:
    """``?canned=<uuid>`` fills the reply box with a template (works without JavaScript)."""
    key = request.GET.get("canned", "")
    try:
        canned = CannedReply.objects.filter(uuid=UUID(key)).first() if key else None
    except ValueError:
        canned = None
    return {"text": canned.body} if canned else {}


def _record_initial(conversation: Conversation) -> dict[str, Any]:
    record = queries.record_of(conversation)
    topics = record.topics if record.pk else []
    return {
        "age_band": record.age_band,
        "topics": topics,
        "risk_level": record.risk_level,
        "outcome": record.outcome,
    }


@require_http_methods(["GET", "POST"])
@permission_required("consultations.use_inbox")
def conversation_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    conversation: Conversation = get_object_or_404(
        Conversation.objects.select_related("consulter", "channel"), uuid=uuid
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "withdraw_consent":
        return _withdraw_consent(request, conversation)
    forms = {
        name: make(conversation, request.POST if name == action else None, request)
        for name, (make, _s) in ACTIONS.items()
    }
    if action in ACTIONS and forms[action].is_valid():
        try:
            done = ACTIONS[action][1](conversation, forms[action], request)
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("consultations:conversation", request.platform.slug, conversation.uuid)
    chat = services.do_open_conversation(conversation, actor=request.actor)
    context = {
        "conversation": conversation,
        "chat": chat,
        "notes": conversation.internal_notes.select_related("author"),
        "record": queries.record_of(conversation),
        "consents": Consent.objects.filter(conversation=conversation).prefetch_related("organisations"),
        "referrals": conversation.referrals.select_related("receiver_member"),
        "cases": conversation.cases.all(),
        "canned": CannedReply.objects.all(),
        **{f"{name}_form": form for name, form in forms.items()},
    }
    status = 400 if action and action not in ACTIONS else 200
    return render(request, "consultations/staff/conversation.html", context, status=status)


def _withdraw_consent(request: StaffRequest, conversation: Conversation) -> HttpResponse:
    try:
        consent = Consent.objects.get(conversation=conversation, uuid=UUID(request.POST.get("consent", "")))
    except (ValueError, Consent.DoesNotExist) as error:
        raise Http404 from error
    try:
        cancelled = referral_services.do_withdraw_consent(consent, actor=request.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("同意を撤回しました。共有を停止し、進行中の紹介 %(n)d件を取り消しました。") % {"n": cancelled},
        )
    return redirect("consultations:conversation", conversation.platform.slug, conversation.uuid)


# --- canned replies ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("consultations.use_inbox")
def canned_list(request: StaffRequest) -> HttpResponse:
    form = CannedReplyForm(request.POST or None, prefix="c")
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_canned(request.platform, form.cleaned_data, actor=request.actor)
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("定型文を追加しました。"))
            return redirect("consultations:canned", request.platform.slug)
    context = {"replies": CannedReply.objects.all(), "form": form}
    return render(
        request, "consultations/staff/canned_list.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.use_inbox")
def canned_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    canned: CannedReply = get_object_or_404(CannedReply.objects, uuid=uuid)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.do_delete_canned(canned, actor=request.actor)
        messages.success(request, _("定型文を削除しました。"))
        return redirect("consultations:canned", request.platform.slug)
    form = CannedReplyForm(request.POST or None, instance=canned, prefix="c")
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_canned(canned.platform, form.cleaned_data, canned=canned, actor=request.actor)
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("定型文を更新しました。"))
            return redirect("consultations:canned", request.platform.slug)
    return render(request, "consultations/staff/canned_edit.html", {"canned": canned, "form": form})
