"""The mailed invitation link: the invited person accepts the role (choosing a password first when
new)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import queries
from accounts.forms.invitation import AcceptInvitationForm
from accounts.models import User
from accounts.permissions import Actor
from accounts.services.invitations import InvitationClosed, do_accept_invitation


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a new person chooses a password (then enrols the authenticator); a person
    who has an account signs in with it first and accepts."""
    found = queries.invitation_for_token(token)
    if found is None or not found.is_open:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user: Any = request.user
    has_account = User.objects.filter(email__iexact=found.email).exists()
    signed_in_as_invitee = user.is_authenticated and user.email.lower() == found.email
    form = None
    if not has_account and not user.is_authenticated:
        form = AcceptInvitationForm(request.POST or None, email=found.email, initial={"name": found.name})
    if request.method == "POST" and (signed_in_as_invitee or (form is not None and form.is_valid())):
        actor = Actor.from_request(request)
        try:
            if form is not None:
                role = do_accept_invitation(
                    found,
                    user=None,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                    actor=actor,
                )
                login(request, role.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                role = do_accept_invitation(found, user=user, actor=actor)
        except InvitationClosed:
            return render(request, "accounts/invitation_invalid.html", status=410)
        messages.success(request, _("%(platform)s の役割を承諾しました。") % {"platform": role.platform.name})
        # Staff pages ask for the second factor, enrolling the authenticator first if needed.
        return redirect("platforms:dashboard", role.platform.slug)
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": found,
            "form": form,
            "has_account": has_account,
            "signed_in_as_invitee": signed_in_as_invitee,
        },
    )
