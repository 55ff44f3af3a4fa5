"""Needs and offers, the suggested matches of a need, and a match from proposal to thanks."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from network import queries
from network.forms.pages import DeliveryForm, ListingEditForm, ListingForm
from network.models import Listing, Match
from network.services import matches as services
from network.views.common import member_of, pledge_gate
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def listings(request: StaffRequest) -> HttpResponse:
    member = member_of(request)
    found = queries.listings_for(member)
    form = ListingForm(request.POST or None)
    if request.method == "POST" and member is not None and form.is_valid():
        if attempt(
            request,
            lambda: services.do_post_listing(request.actor, member, **form.cleaned_data),
            _("登録しました。"),
            form,
        ):
            return redirect("network:listings", request.platform.slug)
    context = {
        "needs": found.filter(side=Listing.Side.NEED),
        "offers": found.filter(side=Listing.Side.OFFER),
        "form": form if member is not None else None,
        "mine": Listing.objects.filter(member=member).order_by("-created_at")[:50] if member else [],
        "my_matches": queries.matches_of(member)
        if member
        else Match.objects.select_related("need__member", "offer__member")[:50],
    }
    return render(request, "network/listings.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def need(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A need with its suggested offers, each score explained; the secretariat proposes a match."""
    member = member_of(request)
    queries.require_pledge(member)
    listing: Listing = get_object_or_404(
        Listing.objects.select_related("member"), uuid=uuid, side=Listing.Side.NEED
    )
    if request.method == "POST":
        if member is not None:
            raise PermissionDenied
        offer = get_object_or_404(Listing, uuid=request.POST.get("offer"), side=Listing.Side.OFFER)
        result: list[Match] = []
        if attempt(
            request,
            lambda: result.append(services.do_propose_match(request.actor, listing, offer)),
            _("マッチングを両団体に提案しました。"),
        ):
            return redirect("network:match", request.platform.slug, result[0].uuid)
    return render(
        request,
        "network/need.html",
        {"listing": listing, "suggestions": queries.suggestions(listing), "member": member},
    )


def _match(request: StaffRequest, uuid: UUID) -> Match:
    member = member_of(request)
    match: Match = get_object_or_404(Match.objects.select_related("need__member", "offer__member"), uuid=uuid)
    if (
        member is not None
        and not Match.objects.filter(Q(need__member=member) | Q(offer__member=member), pk=match.pk).exists()
    ):
        raise Http404
    return match


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
def match(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """A match: each side accepts (under the pledge) or declines; the secretariat records delivery and thanks."""
    found = _match(request, uuid)
    member = member_of(request)
    if member is not None and not queries.has_pledged(member):
        return redirect("network:pledge", request.platform.slug)
    actor = request.actor
    delivery = DeliveryForm(request.POST if request.POST.get("action") == "deliver" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("accept", "decline"):
            if member is None:
                raise PermissionDenied
            call = services.do_accept_match if action == "accept" else services.do_decline_match
            attempt(request, lambda: call(actor, found, member), _("回答を記録しました。"))
        elif action == "deliver" and delivery.is_valid():
            attempt(
                request,
                lambda: services.do_record_delivery(actor, found, **delivery.cleaned_data),
                _("提供を記録しました。"),
            )
        elif action == "thank":
            attempt(request, lambda: services.do_thank(actor, found), _("お礼を記録しました。"))
        if action != "deliver" or delivery.is_valid():
            return redirect("network:match", request.platform.slug, found.uuid)
    steps = [Match.Status.PROPOSED, Match.Status.AGREED, Match.Status.DELIVERED, Match.Status.THANKED]
    answered = member is not None and (
        (member.pk == found.need.member_id and found.need_accepted_at is not None)
        or (member.pk == found.offer.member_id and found.offer_accepted_at is not None)
    )
    context = {
        "match": found,
        "member": member,
        "answered": answered,
        "delivery": delivery,
        "steps": [(s, s.label) for s in steps],
    }
    return render(request, "network/match.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("network.member")
@pledge_gate
def edit_listing(request: StaffRequest, uuid: UUID) -> HttpResponse:
    """Its owner (or the secretariat) changes or withdraws a need or an offer."""
    member = member_of(request)
    queries.require_pledge(member)
    listing: Listing = get_object_or_404(Listing.objects.select_related("member"), uuid=uuid)
    if member is not None and listing.member_id != member.pk:
        raise Http404
    form = ListingEditForm(request.POST if request.POST.get("action") == "save" else None, instance=listing)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if attempt(
                request,
                lambda: services.do_withdraw_listing(request.actor, listing, member),
                _("取り下げました。"),
            ):
                return redirect("network:listings", request.platform.slug)
        elif form.is_valid():
            data = {name: form.cleaned_data[name] for name in ListingEditForm.Meta.fields}
            listing.refresh_from_db()  # the ModelForm set the new values on the instance
            if attempt(
                request,
                lambda: services.do_update_listing(request.actor, listing, member, **data),
                _("保存しました。"),
                form,
            ):
                return redirect("network:listings", request.platform.slug)
    return render(request, "network/listing_edit.html", {"listing": listing, "form": form})
