"""/p/<slug>/chat/ — anonymous web chat; works as plain forms on a phone without JavaScript.

The consultation is found from the browser session (never from the URL); the resumable
code is shown once and entered in a POST form on another device. All forms carry CSRF
tokens; the session key is cycled when a person starts or resumes.

On a shared device the next person must not land in the conversation: the chat's session cookie
ends when the browser closes (for an anonymous visitor; a signed-in staff member's session keeps
its own expiry), the chat is forgotten after ``IDLE_SECONDS`` without a chat request (checked on
the server, whatever the cookie says), and 「相談を終える」 clears it from the session at once.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import PlatformRequest
from consultations.crisis import crisis_lines
from consultations.forms.desk import ChatMessageForm, ResumeForm
from consultations.hours import desk_status
from consultations.models import Consulter, Conversation, Message, TrackedLink
from consultations.services.channels import desk_settings
from consultations.services.webchat import do_start, do_write, find_by_code
from tsunagari.lib.throttle import check

MAX_RESUME_FAILURES = 10
IDLE_SECONDS = 30 * 60
# Per client address, shared by all workers (tsunagari.lib.throttle); over them: 429 + Retry-After.
STARTS_PER_10_MINUTES = 5
MESSAGES_PER_5_MINUTES = 30
RESUMES_PER_HOUR = 20


def _key(request: PlatformRequest) -> str:
    return f"webchat:{request.platform.slug}"


def _seen_key(request: PlatformRequest) -> str:
    return f"webchat_seen:{request.platform.slug}"


def _forget(request: PlatformRequest) -> None:
    for key in (_key(request), _seen_key(request), "webchat_new_code"):
        request.session.pop(key, None)


def _remember(request: PlatformRequest, consulter: Consulter) -> None:
    """Hold the chat in this session until the browser closes or it sits idle too long."""
    request.session.cycle_key()
    request.session[_key(request)] = str(consulter.uuid)
    request.session[_seen_key(request)] = int(time.time())
    if not request.user.is_authenticated:
        request.session.set_expiry(0)


def _consulter(request: PlatformRequest) -> Consulter | None:
    uuid = request.session.get(_key(request))
    if uuid and time.time() - request.session.get(_seen_key(request), 0) > IDLE_SECONDS:
        _forget(request)
        return None
    if uuid:
        request.session[_seen_key(request)] = int(time.time())
    # A person erased on request is gone for this session too (the code already no longer matches).
    return Consulter.objects.filter(uuid=uuid, erased_at__isnull=True).first() if uuid else None


def _context(request: PlatformRequest, **extra):
    platform = request.platform
    return {
        "desk": desk_settings(platform),
        "status": desk_status(platform),
        "crisis_lines": crisis_lines(platform),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def start(request: PlatformRequest) -> HttpResponse:
    if _consulter(request) is not None:
        return redirect("consultations:chat_room", request.platform.slug)
    desk = desk_settings(request.platform)
    form = ChatMessageForm(request.POST or None)
    if request.method == "POST":
        check(request, f"chat_start:{request.platform.pk}", limit=STARTS_PER_10_MINUTES, window=600)
    if request.method == "POST" and desk.web_chat_enabled and form.is_valid():
        code = request.session.get("consult_src", {}).get(request.platform.slug, "")
        source = TrackedLink.objects.filter(code=code).first() if code else None
        consulter, _received, chat_code = do_start(request.platform, form.cleaned_data["text"], source=source)
        _remember(request, consulter)
        request.session["webchat_new_code"] = chat_code
        return redirect("consultations:chat_room", request.platform.slug)
    return render(
        request, "consultations/chat_start.html", _context(request, form=form, resume_form=ResumeForm())
    )


@require_http_methods(["GET", "POST"])
def room(request: PlatformRequest) -> HttpResponse:
    consulter = _consulter(request)
    if consulter is None:
        return redirect("consultations:chat", request.platform.slug)
    form = ChatMessageForm(request.POST or None)
    if request.method == "POST":
        check(request, f"chat_message:{request.platform.pk}", limit=MESSAGES_PER_5_MINUTES, window=300)
    if request.method == "POST" and form.is_valid():
        do_write(consulter, form.cleaned_data["text"])
        return redirect("consultations:chat_room", request.platform.slug)
    conversations = Conversation.objects.filter(consulter=consulter)
    shown = Message.objects.filter(conversation__in=conversations, hidden_at__isnull=True).order_by(
        "created_at", "id"
    )
    new_code = request.session.pop("webchat_new_code", "")
    return render(
        request,
        "consultations/chat_room.html",
        _context(request, form=form, chat_messages=shown, new_code=new_code, consulter=consulter),
    )


@require_POST
def resume(request: PlatformRequest) -> HttpResponse:
    # The session's failure count is lost with the cookie; this one is kept per client address.
    check(request, f"chat_resume:{request.platform.pk}", limit=RESUMES_PER_HOUR, window=3600)
    failures = request.session.get("webchat_failures", 0)
    form = ResumeForm(request.POST)
    consulter = None
    if failures < MAX_RESUME_FAILURES and form.is_valid():
        consulter = find_by_code(request.platform, form.cleaned_data["code"])
    if consulter is None:
        request.session["webchat_failures"] = failures + 1
        if failures + 1 >= MAX_RESUME_FAILURES:
            form.add_error(
                None,
                _(
                    "コードの入力に続けて失敗したため、しばらく受け付けません。新しく相談を始めることはできます。"
                ),
            )
        elif form.is_valid():
            form.add_error("code", _("このコードの相談は見つかりませんでした。16文字を確かめてください。"))
        context = _context(request, form=ChatMessageForm(), resume_form=form)
        return render(request, "consultations/chat_start.html", context, status=400)
    _remember(request, consulter)
    request.session["webchat_failures"] = 0
    return redirect("consultations:chat_room", request.platform.slug)


@require_POST
def leave(request: PlatformRequest) -> HttpResponse:
    """「相談を終える」: forget the consultation on this device (the code still resumes it)."""
    _forget(request)
    request.session.cycle_key()
    messages.info(
        request, _("相談を終えました。この端末には残っていません。続きは相談コードで再開できます。")
    )
    return redirect("consultations:chat", request.platform.slug)
