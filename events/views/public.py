"""Public event pages for residents and members: list, page with the form, the registrant's link.

No JavaScript needed; every page answers 404 for what does not exist here (another platform's
event, a draft, a forged link) and never 5xx for any input.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest
from accounts.middleware import reachable_when_private
from events import ics
from events.forms.registration import CancelForm, FeedbackForm, RegistrationForm
from events.models import Event, Feedback, Registration
from events.queries import public_events, public_results, seats_left
from events.services import feedback as feedback_services
from events.services import registration as services
from events.timing import is_open
from events.tokens import manage_token, token_matches


def _public_event(slug: str) -> Event:
    return get_object_or_404(
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]), slug=slug
    )


@require_GET
def event_list(request: PlatformRequest) -> HttpResponse:
    return render(
        request,
        "events/public/list.html",
        {"events": list(public_events()[:50]), "past": list(public_events(upcoming=False)[:20])},
    )


@require_GET
def feed(request: PlatformRequest) -> HttpResponse:
    events = list(public_events()[:200]) + list(public_events(upcoming=False)[:50])
    return ics.response(request, events, filename=f"{request.platform.slug}-events.ics")


@require_GET
def event_ics(request: PlatformRequest, event_slug: str) -> HttpResponse:
    event = _public_event(event_slug)
    return ics.response(request, [event], filename=f"{event.slug}.ics")


def _manage_url(registration: Registration) -> str:
    return reverse(
        "events:manage",
        args=[
            registration.platform.slug,
            registration.event.slug,
            registration.uuid,
            manage_token(registration),
        ],
    )


@require_http_methods(["GET", "POST"])
def event_detail(request: PlatformRequest, event_slug: str) -> HttpResponse:
    event = _public_event(event_slug)
    open_now = is_open(event)
    form = RegistrationForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and open_now and form.is_valid():
        try:
            registration = services.do_register(event, form.signup(), actor=request.actor)
        except services.RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.messages[0])
        else:
            return redirect(_manage_url(registration) + "?new=1")
    seats = {mode: seats_left(event, mode) for mode in event.modes}
    return render(
        request,
        "events/public/detail.html",
        {"event": event, "form": form, "open": open_now, "seats": seats, "results": public_results(event)},
        status=400 if request.method == "POST" else 200,
    )


def _registration(event_slug: str, uuid: UUID, token: str) -> Registration:
    event = _public_event(event_slug)
    registration: Registration = get_object_or_404(
        Registration.objects.select_related("event"), event=event, uuid=uuid
    )
    if not token_matches(registration, token):
        raise Http404("token")
    return registration


@reachable_when_private
@require_http_methods(["GET", "POST"])
def manage(request: PlatformRequest, event_slug: str, uuid: UUID, token: str) -> HttpResponse:
    registration = _registration(event_slug, uuid, token)
    form = CancelForm(request.POST if request.POST.get("action") == "cancel" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                services.do_confirm_offer(registration, actor=request.actor)
                messages.success(request, _("参加が確定しました。"))
                return redirect(request.path)
            if form.is_valid():
                services.do_cancel(registration, actor=request.actor)
                messages.success(request, _("お申し込みを取り消しました。"))
                return redirect(request.path)
        except services.RegistrationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
    checkin_url = request.build_absolute_uri(
        reverse("events:checkin", args=[request.platform.slug, registration.uuid])
    )
    return render(
        request,
        "events/public/manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "form": form,
            "new": request.GET.get("new") == "1",
            "checkin_url": checkin_url,
            "has_feedback": Feedback.objects.filter(registration=registration).exists(),
        },
    )


@reachable_when_private
@require_GET
def manage_qr(request: PlatformRequest, event_slug: str, uuid: UUID, token: str) -> HttpResponse:
    registration = _registration(event_slug, uuid, token)
    url = request.build_absolute_uri(
        reverse("events:checkin", args=[request.platform.slug, registration.uuid])
    )
    response = HttpResponse(ics.qr_svg(url, title=registration.name), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@reachable_when_private
@require_http_methods(["GET", "POST"])
def feedback(request: PlatformRequest, event_slug: str, uuid: UUID, token: str) -> HttpResponse:
    registration = _registration(event_slug, uuid, token)
    form = FeedbackForm(request.POST or None)
    done = Feedback.objects.filter(registration=registration).exists()
    if request.method == "POST" and not done and form.is_valid():
        try:
            feedback_services.do_submit_feedback(
                registration.event, registration=registration, actor=request.actor, **form.cleaned_data
            )
        except services.RegistrationError as error:
            form.add_error(None, error.messages[0])
        else:
            done = True
    return render(
        request,
        "events/public/feedback.html",
        {"registration": registration, "event": registration.event, "form": form, "done": done},
    )
