"""Public pages: subscribe, confirm, one-click unsubscribe (RFC 8058), preferences, the archive."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest
from accounts.middleware import reachable_when_private
from mailings import queries
from mailings.forms.subscriptions import PreferencesForm, SubscribeForm
from mailings.models import Issue, MailingList, Subscriber
from mailings.services import subscriptions as services


def _list(slug: str) -> MailingList:
    return get_object_or_404(MailingList, slug=slug)


@require_GET
def index(request: PlatformRequest) -> HttpResponse:
    lists = list(MailingList.objects.filter(is_public=True))
    return render(request, "mailings/public/index.html", {"lists": lists})


@require_http_methods(["GET", "POST"])
def list_page(request: PlatformRequest, list_slug: str) -> HttpResponse:
    """The list's page: what it is, the form to subscribe (public lists), the back numbers."""
    mailing_list = _list(list_slug)
    form = SubscribeForm(request.POST or None)
    done = False
    if request.method == "POST" and mailing_list.is_public and form.is_valid():
        try:
            services.do_subscribe(
                mailing_list,
                form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                organisation=form.cleaned_data["organisation"],
                actor=request.actor,
            )
        except services.SubscriptionError as error:
            form.add_error("email", error.messages[0])
        else:
            done = True
    issues = (
        list(
            Issue.objects.filter(mailing_list=mailing_list, status=Issue.Status.SENT).order_by("-number")[
                :200
            ]
        )
        if mailing_list.archive_public
        else []
    )
    return render(
        request,
        "mailings/public/list.html",
        {"list": mailing_list, "form": form, "done": done, "issues": issues},
        status=400 if request.method == "POST" and not done else 200,
    )


@require_GET
def archive_issue(request: PlatformRequest, list_slug: str, number: int) -> HttpResponse:
    mailing_list = _list(list_slug)
    if not mailing_list.archive_public:
        raise Http404("archive")
    issue = get_object_or_404(Issue, mailing_list=mailing_list, number=number, status=Issue.Status.SENT)
    return render(request, "mailings/public/issue.html", {"list": mailing_list, "issue": issue})


def _subscriber(uuid: UUID) -> Subscriber:
    return get_object_or_404(Subscriber.objects.select_related("mailing_list"), uuid=uuid)


@reachable_when_private
@require_http_methods(["GET", "POST"])
def confirm(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links), POST confirms."""
    subscriber = _subscriber(uuid)
    state = services.confirm_token_state(subscriber, token)
    if state == "forged":
        raise Http404("token")
    message = ""
    if state == "expired" and subscriber.status != Subscriber.Status.CONFIRMED:
        message = _("確認の期限（%(days)d日）を過ぎました。もう一度登録してください。") % {
            "days": services.CONFIRM_DAYS
        }
    elif request.method == "POST":
        try:
            services.do_confirm(subscriber, actor=request.actor)
        except services.SubscriptionError as error:
            message = error.messages[0]
        else:
            return redirect(request.path)
    subscriber.refresh_from_db()
    return render(
        request,
        "mailings/public/confirm.html",
        {"subscriber": subscriber, "message": message, "list": subscriber.mailing_list},
    )


@reachable_when_private
@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click"; the signed link authenticates
@require_http_methods(["GET", "POST"])
def unsubscribe(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    subscriber = _subscriber(uuid)
    if not services.manage_token_matches(subscriber, token):
        raise Http404("token")
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.do_unsubscribe(subscriber, actor=request.actor, how="one-click" if one_click else "link")
        if one_click:
            return HttpResponse(_("配信を停止しました。"), content_type="text/plain; charset=utf-8")
        return redirect(request.path)
    subscriber.refresh_from_db()
    return render(
        request,
        "mailings/public/unsubscribe.html",
        {
            "subscriber": subscriber,
            "list": subscriber.mailing_list,
            "preferences_url": services.preferences_url(subscriber),
        },
    )


@reachable_when_private
@require_http_methods(["GET", "POST"])
def preferences(request: PlatformRequest, uuid: UUID, token: str) -> HttpResponse:
    subscriber = _subscriber(uuid)
    if not services.manage_token_matches(subscriber, token):
        raise Http404("token")
    current = queries.subscriptions_of(subscriber)
    form = PreferencesForm(
        request.POST or None,
        choices=[(ml.pk, ml.name) for ml in current],
        initial={
            "lists": [
                str(ml.pk) for ml, s in current.items() if s and s.status == Subscriber.Status.CONFIRMED
            ]
        },
    )
    if request.method == "POST" and form.is_valid():
        services.do_set_preferences(
            subscriber, {int(pk) for pk in form.cleaned_data["lists"]}, actor=request.actor
        )
        return redirect(request.path + "?saved=1")
    return render(
        request,
        "mailings/public/preferences.html",
        {"subscriber": subscriber, "form": form, "saved": request.GET.get("saved") == "1"},
    )
