"""The members' board (staff side) with posting, comments and files, the secretariat's approval of
members' public posts, umbrellas forwarding by mail, and the public board with its files."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import PlatformRequest, StaffRequest
from accounts.middleware import reachable_when_private
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import CommentForm, NoticeForm
from network.models import Attachment, Forward, GrantSubscription, Notice, Umbrella, UmbrellaRecipient
from network.services import board as services
from network.services import reminders
from network.services.common import has_pledged
from network.views.common import attempt, member_of
from tsunagari.lib.downloads import attachment_response


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
    context = {
        "notices": queries.board(
            members=True,
            kind=filters["kind"],
            text=filters["q"],
            topic=filters["topic"],
            area=filters["area"],
        )[:50],
        "kinds": Notice.Kind.choices,
        "facets": queries.board_facets(),
        **filters,
        "form": form,
        "member": member,
        "pledged": member is None or has_pledged(member),
        "umbrella": umbrella,
        "forwarded": set(Forward.objects.filter(umbrella=umbrella).values_list("notice_id", flat=True))
        if umbrella
        else set(),
        "outcomes": queries.outcomes(),
        "requests": Notice.objects.filter(public_requested=True).select_related("author")
        if request.actor.can("network.manage")
        else [],
        "show_umbrellas": umbrella is not None or member is None,
        "subscribed": GrantSubscription.objects.filter(user=request.user, active=True).exists(),
    }
    return render(request, "network/index.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def notice(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """One post with its files and comments; members comment (with files)."""
    found: Notice = get_object_or_404(Notice.objects.select_related("author"), uuid=uuid)
    member = member_of(request)
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
    }
    return render(request, "network/notice.html", context)


@permission_required("network.member")
def attachment(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A file of a post, for whoever reads the members' board; never cached, always a download."""
    found = get_object_or_404(Attachment, uuid=uuid)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return attachment_response(bytes(found.content), found.filename, found.content_type, private=True)


@require_GET
def public_attachment(request: PlatformRequest, uuid: UUID) -> HttpResponse:
    """A file of a public post (and of the post itself, not of its members' comments)."""
    found = get_object_or_404(
        Attachment, uuid=uuid, notice__audience=Notice.Audience.PUBLIC, comment__isnull=True
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
    """Turn one's own 助成・補助 deadline reminders on or off."""
    active = request.POST.get("active") == "1"
    attempt(
        request,
        lambda: reminders.do_subscribe_grants(request.actor, member_of(request), active=active),
        _("締切のお知らせをメールで受け取ります。") if active else _("締切のお知らせの配信を止めました。"),
    )
    return redirect("network:index", request.platform.slug)


@require_GET
def public_board(request: PlatformRequest) -> HttpResponse:
    notices = queries.board(members=False, text=request.GET.get("q", "")).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.filter(comment=None).defer("content"))
    )[:50]
    return render(request, "network/public.html", {"notices": notices, "q": request.GET.get("q", "")})


@reachable_when_private
@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click"; the signed link authenticates
@require_http_methods(["GET", "POST"])
def unsubscribe(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    """An umbrella member stops the mail forwarded by its umbrella."""
    recipient: UmbrellaRecipient = get_object_or_404(
        UmbrellaRecipient.objects.select_related("umbrella__member"), uuid=uuid
    )
    if not services.token_matches(recipient, token):
        raise Http404("token")
    if request.method == "POST":
        services.do_unsubscribe_recipient(recipient)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("配信を停止しました。"), content_type="text/plain; charset=utf-8")
        return redirect(request.path)
    recipient.refresh_from_db()
    return render(
        request,
        "network/unsubscribe.html",
        {"done": recipient.unsubscribed_at is not None, "what": recipient.umbrella.member.name},
    )


@reachable_when_private
@csrf_exempt  # RFC 8058, as above
@require_http_methods(["GET", "POST"])
def grant_unsubscribe(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    """A member's staff stop the deadline reminders from the link in one (no login)."""
    subscription = get_object_or_404(GrantSubscription, uuid=uuid)
    if not reminders.token_matches(subscription, token):
        raise Http404("token")
    if request.method == "POST":
        reminders.do_unsubscribe_by_link(subscription)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("配信を停止しました。"), content_type="text/plain; charset=utf-8")
        return redirect(request.path)
    subscription.refresh_from_db()
    return render(
        request,
        "network/unsubscribe.html",
        {"done": not subscription.active, "what": _("助成・補助の締切のお知らせ")},
    )
