"""The public membership application (no login): /p/<slug>/join/."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest
from partnership.forms.application import ApplicationForm
from partnership.prefill import prefill_initial
from partnership.queries import submitted_application
from partnership.services.membership import do_submit_application
from tsunagari.lib.throttle import throttled

# Each application sends a receipt mail to the address typed in: cap submissions per client
# so that the form cannot be used to flood someone's mailbox.
SUBMISSIONS_PER_HOUR = 5


@require_http_methods(["GET", "POST"])
def join(request: PlatformRequest) -> HttpResponse:
    platform = request.platform
    if not platform.is_public:
        raise Http404
    # A link that invited this organisation to join carries its details, signed (prefill_token).
    initial = prefill_initial(request.GET.get("prefill", "")) if request.method == "GET" else {}
    form = ApplicationForm(request.POST or None, platform=platform, initial=initial)
    if request.method == "POST":
        # A repeated submit of a stored form, or a bot that filled in the honeypot:
        # answer as for success and store nothing new.
        token, name = request.POST.get("submission_token"), request.POST.get("name", "")
        if form.is_spam() or submitted_application(token, name):
            return redirect("partnership:join_done", platform.slug)
        if form.is_valid():
            if throttled(request, f"join:{platform.pk}", limit=SUBMISSIONS_PER_HOUR, window=3600):
                return render(request, "partnership/join_throttled.html", status=429)
            try:
                do_submit_application(platform, form.cleaned_data, actor=request.actor)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("partnership:join_done", platform.slug)
    return render(request, "partnership/join.html", {"form": form})


@require_GET
def join_done(request: PlatformRequest) -> HttpResponse:
    if not request.platform.is_public:
        raise Http404
    return render(request, "partnership/join_done.html")
