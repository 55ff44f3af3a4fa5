"""Umbrella bodies: the secretariat names them; an umbrella's staff keep the list of their own
members that forwarded notices are mailed to."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network.forms.pages import RecipientsForm, UmbrellaForm
from network.models import Umbrella
from network.services import board as services
from network.views.common import member_of
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def umbrellas(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    own = Umbrella.objects.filter(member=member).first() if member else None
    manage = request.actor.can("network.manage")
    if member is not None and own is None:  # only umbrellas keep a list of their own members
        return redirect("network:index", request.platform.slug)
    recipients_form = None
    if own is not None:
        initial = "\n".join(f"{r.name},{r.email}" for r in own.recipients.all())
        recipients_form = RecipientsForm(request.POST or None, initial={"text": initial})
    umbrella_form = UmbrellaForm(request.POST or None) if manage else None
    if request.method == "POST":
        if own is not None and recipients_form is not None and recipients_form.is_valid():
            text = recipients_form.cleaned_data["text"]
            umbrella: Umbrella = own
            if attempt(
                request,
                lambda: services.do_set_recipients(request.actor, umbrella, text),
                _("送付先を保存しました。"),
            ):
                return redirect("network:umbrellas", request.platform.slug)
        elif umbrella_form is not None and umbrella_form.is_valid():
            data = umbrella_form.cleaned_data
            if attempt(
                request,
                lambda: services.do_set_umbrella(
                    request.actor,
                    data["member"],
                    member_count=data["member_count"],
                    listed_members=data["listed_members"],
                ),
                _("傘下を持つ団体として登録しました。"),
                umbrella_form,
            ):
                return redirect("network:umbrellas", request.platform.slug)
    rows = Umbrella.objects.select_related("member").annotate(
        listed=Count("recipients", distinct=True),
        stopped=Count("recipients", filter=Q(recipients__unsubscribed_at__isnull=False), distinct=True),
        reached=Sum("forwards__reach"),
        forwarded=Count("forwards", distinct=True),
    )
    if own is not None:
        rows = rows.filter(pk=own.pk)
    context = {
        "rows": rows,
        "own": own,
        "recipients_form": recipients_form,
        "umbrella_form": umbrella_form,
    }
    return render(request, "network/umbrellas.html", context)
