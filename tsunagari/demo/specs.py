"""What the demo contains, as plain data: platforms, organisations, applications, councils."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_PASSWORD = "tsunagari-demo-2026"
DEMO_DOMAIN = "example.jp"

# Demo staff of every platform: (local part of the e-mail, role kind, display name).
DEMO_STAFF = [
    ("admin", "secretariat_admin", "事務局 管理者（デモ）"),
    ("staff", "secretariat_staff", "事務局 スタッフ（デモ）"),
    ("counsellor", "counsellor", "相談員（デモ）"),
    ("member", "member_staff", "会員団体 担当者（デモ）"),
    ("viewer", "viewer", "閲覧者（デモ）"),
]


def staff_email(local: str, slug: str) -> str:
    return f"{local}@{slug}.{DEMO_DOMAIN}"


@dataclass
class OrgSpec:
    """One organisation: a member (active or former) or the details of an application."""

    name: str
    name_kana: str
    org_type: str
    representative: str
    postal_code: str
    address: str
    phone: str
    email: str
    contact_person: str
    area: str
    description: str
    fields: list[str]
    published_fields: list[str]
    joined_on: datetime.date
    website: str = ""
    tier: str = ""  # tier name; "" = the platform's default tier
    municipality_code: str = ""
    status: str = "active"
    left_on: datetime.date | None = None
    rejoin_banned_until: datetime.date | None = None
    other_field: str = ""


@dataclass
class ApplicationSpec:
    org: OrgSpec
    status: str = "pending"
    previous_member: str = ""  # name of the former member record
    rejoin_reason: str = ""
    recommended_by: str = ""  # name of the recommending member
    recommendation_note: str = ""
    decision_reason: str = ""


@dataclass
class CouncilSpec:
    name: str
    field: str
    department: str
    seats: list[str]
    note: str = ""


@dataclass
class PlatformData:
    members: list[OrgSpec] = field(default_factory=list)
    applications: list[ApplicationSpec] = field(default_factory=list)
    councils: list[CouncilSpec] = field(default_factory=list)
    member_staff_of: str = ""  # the member whose staff member@<slug> is


@dataclass
class PlatformSpec:
    slug: str
    code: str
    name: str
    owner_name: str
    secretariat_name: str
    contact_phone: str
    build: Callable[[], PlatformData]
    requires_recommendation: bool = False
    rejoin_ban_years: int = 3
    # Renamed default tiers: (name for 幹事団体, name for 一般団体), e.g. Ichihara's.
    tier_names: tuple[str, str] | None = None

    @property
    def contact_email(self) -> str:
        return f"secretariat@{self.slug}.{DEMO_DOMAIN}"
