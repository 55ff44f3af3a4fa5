"""Each member's 得意分野 (strengths, seed 004) and 「相談体制・支援内容」 (Tsuruoka).

A member edits its own profile. While the profile is members-only the edit applies at once; once
it is on the public page (or the edit would put it there) the edit is a ``ProfileChange``
(``tsunagari.lib.review``) that the secretariat applies or returns. The secretariat edits directly.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network.models import Profile, ProfileChange
from network.queries import pending_change, profile_of
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation
from tsunagari.lib.review import pending_for_decision

FIELDS = ("strengths", "consultation_setup", "support_content", "is_public")
MAX_STRENGTHS = 10


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    strengths = values["strengths"]
    errors: dict[str, str] = {}
    if len(strengths) > MAX_STRENGTHS:
        errors["strengths"] = _("得意分野は%(n)s個までにしてください（いま%(m)s個）。") % {
            "n": MAX_STRENGTHS,
            "m": len(strengths),
        }
    elif any(len(word) > 20 for word in strengths):
        errors["strengths"] = _("得意分野は1つ20字以内の短い言葉で書いてください（「%(w)s」）。") % {
            "w": next(word for word in strengths if len(word) > 20)
        }
    for name, label in (("consultation_setup", _("相談体制")), ("support_content", _("支援内容"))):
        if len(values[name]) > 2000:
            errors[name] = _("%(label)sは2000字以内にしてください。") % {"label": label}
    if values["is_public"] and not (strengths or values["consultation_setup"] or values["support_content"]):
        errors["is_public"] = _("公開するには、得意分野か相談体制・支援内容を書いてください。")
    if errors:
        raise ValidationError(errors)
    return values


def _apply(profile: Profile, values: dict[str, Any]) -> Profile:
    for name in FIELDS:
        if name in values:
            setattr(profile, name, values[name])
    profile.save()
    return profile


@transaction.atomic
def do_save_profile(
    actor: Actor,
    member: MemberOrganisation,
    *,
    strengths: list[str],
    consultation_setup: str,
    support_content: str,
    is_public: bool,
    reviewed: bool,
) -> Profile | ProfileChange:
    """Save the profile (``reviewed=False``: the secretariat) or propose the change for review.

    Returns the profile when applied, the ``ProfileChange`` when it waits for the secretariat."""
    require_active(member)
    values = _validate(
        {
            "strengths": strengths,
            "consultation_setup": consultation_setup.strip(),
            "support_content": support_content.strip(),
            "is_public": is_public,
        }
    )
    profile = profile_of(member)
    if profile.pk is not None:
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
    current = {name: getattr(profile, name) for name in FIELDS}
    changes = {name: value for name, value in values.items() if current[name] != value}
    if not changes:
        raise ValidationError(_("変更された項目がありません。"))
    if reviewed and (profile.is_public or is_public):
        if pending_change(profile) is not None:
            raise ValidationError(
                _("事務局の確認待ちの変更があります。確認が終わってから、改めて変更してください。")
            )
        if profile.pk is None:
            profile.save()
        change = ProfileChange.objects.create(
            platform=platform_of(actor),
            profile=profile,
            changes=changes,
            previous={name: current[name] for name in changes},
            submitted_by=actor.user,
        )
        log_action(
            "network.profile_change_submitted",
            by=actor,
            platform=platform_of(actor),
            obj=change,
            data={"fields": sorted(changes)},
        )
        return change
    _apply(profile, values)
    log_action(
        "network.profile_saved",
        by=actor,
        platform=platform_of(actor),
        obj=profile,
        data={"fields": sorted(changes)},
    )
    return profile


@transaction.atomic
def do_apply_profile_change(actor: Actor, change: ProfileChange) -> Profile:
    change = pending_for_decision(change, _("この変更は既に処理されています。"))
    profile = Profile.objects.select_for_update().get(pk=change.profile_id)
    require_active(profile.member)
    values = {name: getattr(profile, name) for name in FIELDS} | change.changes
    _apply(profile, _validate(values))
    change.decide(ProfileChange.Status.APPLIED, by=actor.user)
    log_action(
        "network.profile_change_applied",
        by=actor,
        platform=platform_of(actor),
        obj=change,
        data={"fields": sorted(change.changes)},
    )
    return profile


@transaction.atomic
def do_return_profile_change(actor: Actor, change: ProfileChange, *, reason: str) -> ProfileChange:
    if not reason.strip():
        raise ValidationError(_("差し戻す理由を書いてください。"))
    change = pending_for_decision(change, _("この変更は既に処理されています。"))
    change.decide(ProfileChange.Status.RETURNED, by=actor.user, reason=reason.strip())
    log_action("network.profile_change_returned", by=actor, platform=platform_of(actor), obj=change)
    return change
