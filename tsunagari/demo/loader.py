"""Load the demo: platforms, members, applications, councils and staff accounts.

Idempotent: whatever already exists (a platform by slug, a member or an
application by normalised name, a council by name, a seat by council and
organisation, a user by e-mail) is left as it is, so a second run creates
nothing. Each platform is loaded in one transaction, inside its tenant scope.
"""

from __future__ import annotations

import datetime
import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope

from accounts.models import Role, User
from audit.services import log_action
from partnership.models import (
    DETAIL_FIELDS,
    ActivityField,
    Application,
    Council,
    CouncilSeat,
    Expulsion,
    MemberOrganisation,
    MemberTier,
    Withdrawal,
)
from partnership.queries import active_members_by_name
from partnership.services.membership import mail_decision, mail_submission
from platforms.models import Platform
from platforms.services.creation import do_create_platform
from tsunagari.demo import notices, totp
from tsunagari.demo.platforms import PLATFORMS
from tsunagari.demo.specs import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    ApplicationSpec,
    CouncilSpec,
    OrgSpec,
    PlatformData,
    PlatformSpec,
    staff_email,
)
from tsunagari.lib.text import normalise_name

AUDIT_LABEL = "load_demo"


@dataclass
class PlatformResult:
    spec: PlatformSpec
    platform: Platform
    created: Counter[str] = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    member_staff_of: str = ""
    skipped: str = ""  # why the platform was left alone


def load_demo(slugs: list[str] | None = None) -> list[PlatformResult]:
    """Load every demo platform (or only those in ``slugs``); returns what exists and what was created."""
    specs = [spec for spec in PLATFORMS if not slugs or spec.slug in slugs]
    password = make_password(DEMO_PASSWORD)  # hashed once (Argon2 is slow on purpose)
    fields = {f.code: f for f in ActivityField.objects.all()}
    # Stored names (default tiers …) in Japanese, whatever language happens to be active.
    with translation.override(None):
        return [load_platform(spec, password_hash=password, fields=fields) for spec in specs]


def app_demo_loaders() -> list[Callable[[Platform, str, Counter[str]], None]]:
    """``load(platform, slug, created)`` of every app with a ``demo`` module, in INSTALLED_APPS order.

    Each runs inside the platform's scope and transaction, must be idempotent (a second run
    creates nothing) and counts what it creates in ``created`` (e.g. ``created["services"] += 1``).
    """
    loaders = []
    for config in apps.get_app_configs():
        if config.name == "tsunagari":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        loaders.append(module.load)
    return loaders


def load_platform(
    spec: PlatformSpec, *, password_hash: str, fields: dict[str, ActivityField]
) -> PlatformResult:
    taken = Platform.objects.filter(code=spec.code).exclude(slug=spec.slug).first()
    if taken is not None:
        # Another platform already stands for this municipality: leave both alone.
        return PlatformResult(spec, taken, skipped=f"code {spec.code} belongs to platform '{taken.slug}'")
    data = spec.build()
    with transaction.atomic():
        platform, created = _platform(spec)
        result = PlatformResult(spec, platform)
        result.created["platform"] = int(created)
        with scope(platform=platform):
            tiers = _tiers(platform, spec)
            members = _members(platform, data.members, tiers, fields, result.created)
            _applications(platform, data.applications, members, fields, result.created)
            _councils(platform, data.councils, result.created)
            result.member_staff_of = _staff(platform, spec, data, members, password_hash, result.created)
            for load_app_demo in app_demo_loaders():
                load_app_demo(platform, spec.slug, result.created)
            if any(result.created.values()):
                log_action(
                    "demo.loaded",
                    platform=platform,
                    obj=platform,
                    data={k: v for k, v in result.created.items() if v},
                    label=AUDIT_LABEL,
                )
            result.totals = _totals()
    return result


def _platform(spec: PlatformSpec) -> tuple[Platform, bool]:
    platform = Platform.objects.filter(slug=spec.slug).first()
    if platform is not None:
        return platform, False
    platform = do_create_platform(slug=spec.slug, code=spec.code, name=spec.name, owner_name=spec.owner_name)
    platform.secretariat_name = spec.secretariat_name
    platform.contact_email = spec.contact_email
    platform.contact_phone = spec.contact_phone
    platform.requires_recommendation = spec.requires_recommendation
    platform.rejoin_ban_years = spec.rejoin_ban_years
    platform.terms_text = notices.terms_text(spec)
    platform.privacy_notice = notices.privacy_notice(spec)
    platform.full_clean()
    platform.save()
    return platform, True


def _tiers(platform: Platform, spec: PlatformSpec) -> dict[str, MemberTier]:
    """The platform's tiers by name ("" = the default tier), renamed as the spec says on creation."""
    tiers = {tier.name: tier for tier in MemberTier.objects.all()}
    if spec.tier_names:
        for old, new in zip(("幹事団体", "一般団体"), spec.tier_names, strict=True):
            if new not in tiers and old in tiers:
                tier = tiers.pop(old)
                tier.name = new
                tier.save(update_fields=["name"])
                tiers[new] = tier
    default = next((t for t in tiers.values() if t.is_default), None)
    if default is not None:
        tiers[""] = default
    return tiers


def _new_member(platform: Platform, org: OrgSpec, tiers: dict[str, MemberTier]) -> MemberOrganisation:
    member = MemberOrganisation(
        platform=platform,
        tier=tiers.get(org.tier) or tiers.get(""),
        municipality_code=org.municipality_code,
        status=org.status,
        joined_on=org.joined_on,
        left_on=org.left_on,
        rejoin_banned_until=org.rejoin_banned_until,
        **{name: getattr(org, name) for name in DETAIL_FIELDS},
    )
    member.save()
    return member


def _members(
    platform: Platform,
    orgs: list[OrgSpec],
    tiers: dict[str, MemberTier],
    fields: dict[str, ActivityField],
    created: Counter[str],
) -> dict[str, MemberOrganisation]:
    """Create the members not there yet; returns every member by normalised name."""
    existing = {m.normalised_name: m for m in MemberOrganisation.objects.order_by("id")}
    new: list[tuple[MemberOrganisation, OrgSpec]] = []
    for org in orgs:
        if normalise_name(org.name) in existing:
            continue
        member = _new_member(platform, org, tiers)
        existing[member.normalised_name] = member
        new.append((member, org))
        if org.status != MemberOrganisation.Status.ACTIVE:
            _former_member_record(platform, member)
    through = MemberOrganisation.fields.through
    through.objects.bulk_create(
        [through(memberorganisation=m, activityfield=fields[code]) for m, org in new for code in org.fields]
    )
    created["members"] += len(new)
    return existing


def _former_member_record(platform: Platform, member: MemberOrganisation) -> None:
    """The expulsion or withdrawal that ended a former member's membership."""
    left_on = member.left_on or timezone.localdate()
    if member.status == MemberOrganisation.Status.EXPELLED:
        Expulsion.objects.create(
            platform=platform,
            organisation=member,
            ground=Expulsion.Ground.UNREACHABLE,
            reason="1年以上、事務局からの郵送・電話・メールでの連絡に応答がなかった。",
            status=Expulsion.Status.DECIDED,
            hearing_notified_on=left_on - datetime.timedelta(days=45),
            hearing_deadline=left_on - datetime.timedelta(days=15),
            no_hearing=True,
            hearing_record="期限までに弁明はなかった。",
            resolution="プラットフォーム会議 議決（デモ）",
            decided_on=left_on,
        )
    else:
        Withdrawal.objects.create(
            platform=platform,
            organisation=member,
            reason="代表者の転居により、活動を休止するため。",
            effective_on=left_on,
            on_paper=True,
            status=Withdrawal.Status.ACCEPTED,
            processed_at=timezone.now(),
        )


def _applications(
    platform: Platform,
    specs: list[ApplicationSpec],
    members: dict[str, MemberOrganisation],
    fields: dict[str, ActivityField],
    created: Counter[str],
) -> None:
    existing = set(Application.objects.values_list("normalised_name", "status"))
    now = timezone.now()
    new: list[tuple[Application, OrgSpec]] = []
    for spec in specs:
        org = spec.org
        if (normalise_name(org.name), spec.status) in existing:
            continue
        recommender = members.get(normalise_name(spec.recommended_by)) if spec.recommended_by else None
        previous = members.get(normalise_name(spec.previous_member)) if spec.previous_member else None
        application = Application(
            platform=platform,
            status=spec.status,
            consent_bylaws=True,
            consent_not_antisocial=True,
            consent_expulsion=True,
            consent_share_with_members=True,
            rejoin_reason=spec.rejoin_reason,
            previous_member=previous,
            recommended_by=recommender,
            recommendation_note=spec.recommendation_note,
            recommended_at=now - datetime.timedelta(days=3) if recommender else None,
            decision_reason=spec.decision_reason,
            decided_at=now - datetime.timedelta(days=20)
            if spec.status != Application.Status.PENDING
            else None,
            **{name: getattr(org, name) for name in DETAIL_FIELDS},
        )
        application.save()
        new.append((application, org))
    through = Application.fields.through
    through.objects.bulk_create(
        [through(application=a, activityfield=fields[code]) for a, org in new for code in org.fields]
    )
    # The mails these applications caused, through the outbox as in real use: `make run` shows
    # them on 送信メール and in var/mail/ (its local mail catcher).
    for application, _org in new:
        if application.status == Application.Status.PENDING:
            mail_submission(application)
        else:
            mail_decision(application)
    created["applications"] += len(new)


def _councils(platform: Platform, specs: list[CouncilSpec], created: Counter[str]) -> None:
    councils = {c.name: c for c in Council.objects.all()}
    seated = set(CouncilSeat.objects.values_list("council__name", "normalised_name"))
    members = active_members_by_name(normalise_name(n) for spec in specs for n in spec.seats)
    seats = []
    for spec in specs:
        council = councils.get(spec.name)
        if council is None:
            council = Council.objects.create(
                platform=platform,
                name=spec.name,
                field=spec.field,
                department=spec.department,
                note=spec.note,
            )
            created["councils"] += 1
        for name in spec.seats:
            norm = normalise_name(name)
            if (spec.name, norm) in seated:
                continue
            seated.add((spec.name, norm))
            seats.append(
                CouncilSeat(
                    platform=platform,
                    council=council,
                    organisation_name=name,
                    normalised_name=norm,
                    member=members.get(norm),
                )
            )
    CouncilSeat.objects.bulk_create(seats)
    created["seats"] += len(seats)


def _staff(
    platform: Platform,
    spec: PlatformSpec,
    data: PlatformData,
    members: dict[str, MemberOrganisation],
    password_hash: str,
    created: Counter[str],
) -> str:
    """Demo users with a role each, each with a confirmed TOTP device (every role signs in with one)."""
    organisation = members.get(normalise_name(data.member_staff_of))
    for local, kind, label in DEMO_STAFF:
        email = staff_email(local, spec.slug)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, name=f"{spec.owner_name} {label}", password=password_hash)
            user.save()
            created["users"] += 1
        if not Role.objects.filter(user=user, platform=platform).exists():
            Role.objects.create(
                user=user,
                platform=platform,
                kind=kind,
                organisation=organisation if kind == Role.MEMBER_STAFF else None,
            )
            created["roles"] += 1
        if kind in Role.TWO_FACTOR_KINDS:
            _device, new = TOTPDevice.objects.get_or_create(
                user=user, name=totp.DEVICE_NAME, defaults={"key": totp.demo_key(email), "confirmed": True}
            )
            created["totp_devices"] += int(new)
    return organisation.name if organisation else ""


def _totals() -> dict[str, int]:
    active = MemberOrganisation.objects.active().count()
    return {
        "members": active,
        "former_members": MemberOrganisation.objects.count() - active,
        "pending_applications": Application.objects.filter(status=Application.Status.PENDING).count(),
        "councils": Council.objects.count(),
        "seats": CouncilSeat.objects.count(),
    }
