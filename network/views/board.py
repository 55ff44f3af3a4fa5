"""The members' board (staff side) with posting, comments and files, the secretariat's approval of
members' public posts, umbrellas forwarding by mail, and the public board with its files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import PlatformRequest, StaffRequest
from accounts.middleware import reachable_when_private
from accounts.permissions import permission_required
from network import queries, tokens
from network.forms.pages import CommentForm, NoticeForm
from network.models import Attachment, Forward, GrantSubscription, Notice, Umbrella, UmbrellaRecipient
from network.services import board as services
from network.services import reminders
from network.views.common import member_of
from tsunagari.lib.downloads import attachment_response
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def index(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["uploads"] = data.pop("attachments")
        if attempt(
            request,
            lambda: services.do_post_notice(request.actor, author=member, **data),
            _("掲載しました。")
            if data.get("audience") != "public" or member is None
            else _("掲載しました。公開ページには事務局の確認の後に載ります。"),
            form,
        ):
            return redirect("network:index", request.platform.slug)
    umbrella = Umbrella.objects.filter(member=member).first() if member else None
    filters = {name: request.GET.get(name, "") for name in ("kind", "q", "topic", "area")}
    subscription = GrantSubscription.objects.filter(user=request.user).first()
    board_facets = queries.board_facets()
    facets = {"topics": board_facets["topic"], "areas": board_facets["area"]}
    context = {
        "notices": queries.board(
            members=True,
            kind=filters["kind"],
            text=filters["q"],
            topic=filters["topic"],
            area=filters["area"],
        )[:50],
        "kinds": Notice.Kind.choices,
        "facets": board_facets,
        **filters,
        "form": form,
        "member": member,
        "pledged": member is None or queries.has_pledged(member),
        "umbrella": umbrella,
        "forwarded": set(Forward.objects.filter(umbrella=umbrella).values_list("notice_id", flat=True))
        if umbrella
        else set(),
        "outcomes": queries.outcomes(),
        "requests": Notice.objects.filter(public_requested=True, withdrawn_at__isnull=True).select_related(
            "author"
        )
        if request.actor.can("network.manage")
        else [],
        "show_umbrellas": umbrella is not None or member is None,
        "subscription": subscription,
        "subscribed": subscription is not None and subscription.active,
        "mail_facets": {
            name: sorted({*facets[name], *(getattr(subscription, name, None) or [])})
            for name in ("topics", "areas")
        },
    }
    return render(request, "network/index.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def notice(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """One post with its files and comments; members comment (with files)."""
    found: Notice = get_object_or_404(Notice.objects.select_related("author"), uuid=uuid)
    member = member_of(request)
    if found.withdrawn_at is not None and member is not None:
        raise Http404("withdrawn")  # the secretariat still reads it (marked 取り下げ済み)
    form = CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["attachments"]
        if attempt(
            request,
            lambda: services.do_comment(
                request.actor, found, body=form.cleaned_data["body"], member=member, uploads=uploads
            ),
            _("コメントしました。"),
            form,
        ):
            return redirect("network:notice", request.platform.slug, found.uuid)
    context = {
        "notice": found,
        "files": found.attachments.filter(comment=None).defer("content"),
        "comments": found.comments.select_related("member", "user").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.defer("content"))
        ),
        "form": form,
        "reach": queries.reach(found),
        "can_change": queries.can_change(found, member),
        "member": member,
    }
    return render(request, "network/notice.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def edit_notice(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The author (or the secretariat) edits a post and adds files; a public post goes back to review."""
    found: Notice = get_object_or_404(Notice.objects.select_related("author"), uuid=uuid)
    member = member_of(request)
    if not queries.can_change(found, member):
        if found.withdrawn_at is not None:
            raise Http404("withdrawn")
        raise PermissionDenied
    initial_audience = Notice.Audience.PUBLIC if found.public_requested else found.audience
    form = NoticeForm(request.POST or None, request.FILES or None, instance=None, initial=_initial(found))
    form.initial["audience"] = initial_audience
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["uploads"] = data.pop("attachments")
        was_public = found.audience == Notice.Audience.PUBLIC and found.author_id is not None
        if attempt(
            request,
            lambda: services.do_update_notice(request.actor, found, member=member, **data),
            lambda done: (
                _("変更しました。公開ページには事務局が改めて確認した後に載ります。")
                if was_public and done.public_requested
                else _("変更しました。")
            ),
            form,
        ):
            return redirect("network:notice", request.platform.slug, found.uuid)
    context = {
        "notice": found,
        "form": form,
        "files": found.attachments.filter(comment=None).defer("content"),
        "member": member,
    }
    return render(request, "network/notice_edit.html", context)


def _initial(notice: Notice) -> dict[str, object]:
    return {name: getattr(notice, name) for name in services.EDITABLE}


@permission_required("network.member")
def withdraw_notice(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The author (or the secretariat) takes a post down (POST)."""
    found = get_object_or_404(Notice, uuid=uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = member_of(request)
    if found.withdrawn_at is None and not queries.can_change(found, member):
        raise PermissionDenied
    if attempt(
        request,
        lambda: services.do_withdraw_notice(request.actor, found, member=member),
        _("掲示を取り下げました。"),
    ):
        return redirect("network:index", request.platform.slug)
    return redirect("network:notice", request.platform.slug, found.uuid)


@permission_required("network.member")
def delete_attachment(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The author of the post (or of the comment), or the secretariat, deletes a file (POST)."""
    found: Attachment = get_object_or_404(
        Attachment.objects.select_related("notice", "comment").defer("content"), uuid=uuid
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = member_of(request)
    if not queries.can_delete_file(found, member):
        raise PermissionDenied
    attempt(
        request,
        lambda: services.do_delete_attachment(request.actor, found, member=member),
        _("%(name)s を削除しました。") % {"name": found.filename},
    )
    if request.POST.get("next") == "edit":
        return redirect("network:edit_notice", request.platform.slug, found.notice.uuid)
    return redirect("network:notice", request.platform.slug, found.notice.uuid)


@permission_required("network.member")
def attachment(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A file of a post, for whoever reads the members' board; never cached, always a download."""
    found: Attachment = get_object_or_404(Attachment.objects.select_related("notice"), uuid=uuid)
    if found.notice.withdrawn_at is not None and member_of(request) is not None:
        raise Http404("withdrawn")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(bytes(found.content), found.filename, found.content_type, private=True)


@require_GET
def public_attachment(request: PlatformRequest, uuid: UUID) -> HttpResponse:
    """A file of a public post (and of the post itself, not of its members' comments)."""
    found = get_object_or_404(
        Attachment,
        uuid=uuid,
        notice__audience=Notice.Audience.PUBLIC,
        notice__withdrawn_at__isnull=True,
        comment__isnull=True,
    )
    return attachment_response(bytes(found.content), found.filename, found.content_type)


@permission_required("network.manage")
def decide_public(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """The secretariat approves a member's post for the public portal, or keeps it members-only."""
    found = get_object_or_404(Notice, uuid=uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    approve = request.POST.get("decision") == "approve"
    attempt(
        request,
        lambda: services.do_decide_public(request.actor, found, approve=approve),
        _("公開ページに載せました。") if approve else _("会員のみの掲示のままにしました。"),
    )
    return redirect("network:index", request.platform.slug)


@permission_required("network.member")
def forward(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """An umbrella's staff mail a notice to the umbrella's own members (POST)."""
    found = get_object_or_404(Notice, uuid=uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member = member_of(request)
    umbrella = Umbrella.objects.filter(member=member).first() if member else None
    if umbrella is None:
        raise Http404
    attempt(
        request,
        lambda: services.do_forward(request.actor, found, umbrella),
        lambda done: _("傘下の%(n)s団体へのメールの送信を予約しました。") % {"n": done.mailed},
    )
    return redirect("network:index", request.platform.slug)


@permission_required("network.member")
@require_POST
def grant_reminders(request: StaffRequest) -> HttpResponse:
    """Turn one's own mails on or off: 助成・補助 deadline reminders and (if chosen) new posts, for
    the topics and areas chosen (none chosen: all)."""
    active = request.POST.get("active") == "1"
    # Without the settings part of the form, the choices already made are kept (None).
    settings_sent = request.POST.get("settings") == "1"
    topics = request.POST.getlist("topics") if settings_sent else None
    areas = request.POST.getlist("areas") if settings_sent else None
    new_posts = request.POST.get("new_posts") == "1" if settings_sent else None
    attempt(
        request,
        lambda: reminders.do_subscribe_grants(
            request.actor, member_of(request), active=active, topics=topics, areas=areas, new_posts=new_posts
        ),
        _("締切のお知らせをメールで受け取ります。") if active else _("締切のお知らせの配信を止めました。"),
    )
    return redirect("network:index", request.platform.slug)


@require_GET
def public_board(request: PlatformRequest) -> HttpResponse:
    notices = queries.board(members=False, text=request.GET.get("q", "")).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.filter(comment=None).defer("content"))
    )[:50]
    return render(request, "network/public.html", {"notices": notices, "q": request.GET.get("q", "")})


@reachable_when_private  # a personal signed link, like the unsubscribe links
@require_GET
def forwarded_file(request: PlatformRequest, uuid: UUID, recipient: UUID, token: str) -> HttpResponse:
    """A file of a post an umbrella forwarded, for the one recipient its signed link was made for
    (``FILE_LINK_DAYS``); not after the post was withdrawn or the recipient removed."""
    found: Attachment = get_object_or_404(
        Attachment.objects.select_related("notice"),
        uuid=uuid,
        comment__isnull=True,
        notice__withdrawn_at__isnull=True,
    )
    to: UmbrellaRecipient = get_object_or_404(UmbrellaRecipient, uuid=recipient)
    if not Forward.objects.filter(notice=found.notice, umbrella=to.umbrella).exists():
        raise Http404("not forwarded")
    if not tokens.file_token_ok(found, to, token):
        raise Http404("token")
    return attachment_response(bytes(found.content), found.filename, found.content_type, private=True)


@reachable_when_private
@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click"; the signed link authenticates
@require_http_methods(["GET", "POST"])
def unsubscribe(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    """An umbrella member stops the mail forwarded by its umbrella."""
    recipient: UmbrellaRecipient = get_object_or_404(
        UmbrellaRecipient.objects.select_related("umbrella__member"), uuid=uuid
    )
    return _unsubscribe_page(
        request,
        recipient,
        signed=tokens.recipient_token_matches(recipient, token),
        stop=services.do_unsubscribe_recipient,
        stopped=lambda: recipient.unsubscribed_at is not None,
        what=lambda: recipient.umbrella.member.name,
    )


@reachable_when_private
@csrf_exempt  # RFC 8058, as above
@require_http_methods(["GET", "POST"])
def grant_unsubscribe(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    """A member's staff stop the deadline reminders from the link in one (no login)."""
    subscription = get_object_or_404(GrantSubscription, uuid=uuid)
    return _unsubscribe_page(
        request,
        subscription,
        signed=tokens.subscription_token_matches(subscription, token),
        stop=reminders.do_unsubscribe_by_link,
        stopped=lambda: not subscription.active,
        what=lambda: _("助成・補助の締切のお知らせ"),
    )


def _unsubscribe_page(
    request: PlatformRequest,
    row: Any,
    *,
    signed: bool,
    stop: Callable[[Any], Any],
    stopped: Callable[[], bool],
    what: Callable[[], str],
) -> HttpResponse:
    """A signed unsubscribe link: a POST stops the mail (RFC 8058 one-click answers in plain text),
    a GET shows whether ``row`` is stopped (re-read) and ``what`` it was."""
    if not signed:
        raise Http404("token")
    if request.method == "POST":
        stop(row)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("配信を停止しました。"), content_type="text/plain; charset=utf-8")
        return redirect(request.path)
    row.refresh_from_db()
    return render(request, "network/unsubscribe.html", {"done": stopped(), "what": what()})
