"""Writes of campaigns: create, and import an agency's per-medium sheet (all rows or none)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import TrackedLink
from outcomes.importing import Sheet
from outcomes.models import Campaign, CampaignMedium
from platforms.models import Platform


@transaction.atomic
def do_save_campaign(platform: Platform, values: dict[str, Any], *, by: Actor | None) -> Campaign:
    campaign = Campaign.objects.create(platform=platform, **values)
    log_action(
        "outcomes.campaign_saved", by=by, platform=platform, obj=campaign, data={"name": campaign.name}
    )
    return campaign


@transaction.atomic
def do_import_media(campaign: Campaign, sheet: Sheet, *, by: Actor | None) -> list[CampaignMedium]:
    """Replace the campaign's media figures by the sheet's (a re-sent report replaces the old one)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    links = {m.name: m for m in CampaignMedium.objects.filter(campaign=campaign)}
    CampaignMedium.objects.filter(campaign=campaign).exclude(name__in=[r.name for r in sheet.rows]).delete()
    saved = []
    for position, row in enumerate(sheet.rows):
        old = links.get(row.name)
        medium, _created = CampaignMedium.objects.update_or_create(
            campaign=campaign,
            name=row.name,
            defaults={
                "platform": campaign.platform,
                "position": position,
                "impressions": row.impressions,
                "clicks": row.clicks,
                "cost": row.cost,
                "stated_ctr": row.stated_ctr,
                "stated_cpc": row.stated_cpc,
                "medium": old.medium if old else "",
            },
        )
        saved.append(medium)
    total = sheet.total
    campaign.stated_impressions = total.impressions if total else None
    campaign.stated_clicks = total.clicks if total else None
    campaign.stated_cost = total.cost if total else None
    campaign.stated_ctr = total.ctr if total else ""
    campaign.stated_cpc = total.cpc if total else ""
    campaign.save()
    log_action(
        "outcomes.media_imported", by=by, platform=campaign.platform, obj=campaign, data={"rows": len(saved)}
    )
    return saved


@transaction.atomic
def do_link_media(
    campaign: Campaign, chosen: dict[CampaignMedium, TrackedLink | None], *, by: Actor | None
) -> int:
    """Join each medium to the tracked link its ads point to (first contacts and their cost per
    medium come from it). One link serves one medium of a campaign: two media sharing a link
    would each be credited with every first contact. Returns how many media changed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    owners: dict[int, str] = {}
    for medium, link in chosen.items():
        if medium.campaign_id != campaign.pk:
            raise ValidationError(_("このキャンペーンの媒体ではありません: %(name)s") % {"name": medium.name})
        if link is None:
            continue
        if link.pk in owners:
            raise ValidationError(
                _(
                    "計測リンク「%(link)s」を「%(first)s」と「%(second)s」の両方に選んでいます。1つの媒体にだけ選んでください。"
                )
                % {"link": link.label, "first": owners[link.pk], "second": medium.name}
            )
        owners[link.pk] = medium.name
    changes = {}
    for medium, link in chosen.items():
        if medium.tracked_link_id != (link.pk if link else None):
            medium.tracked_link = link
            medium.save(update_fields=["tracked_link", "updated_at"])
            changes[medium.name] = link.code if link else ""
    if changes:
        log_action(
            "outcomes.media_linked", by=by, platform=campaign.platform, obj=campaign, data={"links": changes}
        )
    return len(changes)
