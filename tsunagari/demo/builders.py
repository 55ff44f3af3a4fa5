"""Build the organisations of one demo platform: real public bodies, fictitious everything else."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TypedDict

from partnership.models import OrgType
from tsunagari.demo.fiction import Fiction
from tsunagari.demo.places import Place, Prefecture
from tsunagari.demo.specs import DEMO_DOMAIN, ApplicationSpec, OrgSpec

ALL_PUBLISHED = [
    "name",
    "representative",
    "address",
    "phone",
    "email",
    "website",
    "fields",
    "area",
    "description",
]
PUBLIC_BODY_FIELDS = [
    "poverty",
    "elderly",
    "children-youth",
    "disability",
    "community",
    "suicide-prevention",
    "hikikomori",
    "carers",
]
SHAKYO_FIELDS = ["poverty", "elderly", "community", "disability", "carers", "children-youth"]
# Fields of support organisations, weighted towards the common ones (seed 001, Saitama/Shiga lists).
SUPPORT_FIELDS = [
    "children-youth",
    "children-youth",
    "children-youth",
    "poverty",
    "poverty",
    "elderly",
    "elderly",
    "disability",
    "disability",
    "hikikomori",
    "suicide-prevention",
    "community",
    "community",
    "women",
    "foreign-residents",
    "carers",
    "addiction",
    "homeless",
    "ex-offenders",
    "lgbtq",
    "arts-culture-sports",
    "social-education",
    "environment",
]
DEPARTMENTS = ["福祉課", "地域福祉課", "福祉政策課", "社会福祉課", "健康福祉課", "共生社会推進課"]


class Contact(TypedDict):
    postal_code: str
    address: str
    phone: str


def years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def head_title(place: Place) -> str:
    """知事 for a prefecture, 市長/町長/村長 for a municipality."""
    if place.name.endswith(("県", "府", "都", "道")):
        return f"{place.name}知事"
    return f"{place.name}長"


class Builder:
    """Organisations of one platform, with contact details in its prefecture."""

    def __init__(self, slug: str, prefecture: Prefecture, places: list[Place], start: datetime.date) -> None:
        self.slug = slug
        self.prefecture = prefecture
        self.places = places
        self.start = start
        self.fiction = Fiction(slug)
        self.emails: Counter[str] = Counter()

    @property
    def capital(self) -> Place:
        return next(p for p in self.places if p.name == self.prefecture.capital)

    def _email(self, kind: str) -> str:
        self.emails[kind] += 1
        return f"{self.slug}-{kind}{self.emails[kind]:03d}@{DEMO_DOMAIN}"

    def _website(self, kind: str) -> str:
        return f"https://{DEMO_DOMAIN}/{self.slug}/{kind}{self.emails[kind]:03d}/"

    def _joined(self, late_share: float = 0.3) -> datetime.date:
        if self.fiction.random.random() < late_share:
            return self.fiction.date_between(self.start, datetime.date(2025, 12, 26))
        return self.start

    def _contact(self, place: Place) -> Contact:
        return {
            "postal_code": self.fiction.postal_code(place),
            "address": self.fiction.address(self.prefecture, place),
            "phone": self.fiction.phone(place),
        }

    # --- real public bodies ----------------------------------------------------------------------

    def public_body(self, place: Place, *, tier: str = "") -> OrgSpec:
        """A prefecture or municipality under its real name and 団体コード."""
        is_prefecture = place.code5.endswith("000")
        located = self.capital if is_prefecture else place
        self.fiction.reserve(place.name)
        kind = "pref" if is_prefecture else "city"
        email = self._email(kind)
        return OrgSpec(
            name=place.name,
            name_kana=place.kana,
            org_type=OrgType.PREFECTURE if is_prefecture else OrgType.MUNICIPALITY,
            representative=head_title(place),
            **self._contact(located),
            email=email,
            website=self._website(kind),
            contact_person=f"{self.fiction.random.choice(DEPARTMENTS)} {self.fiction.person()}",
            area=f"{place.name}全域" if not is_prefecture else f"{place.name}内全域",
            description=(
                f"{place.name}の孤独・孤立対策、生活困窮者自立支援と重層的支援体制整備事業を担当しています。"
            ),
            fields=self.fiction.pick(PUBLIC_BODY_FIELDS, 4, 6),
            published_fields=list(ALL_PUBLISHED),
            joined_on=self.start,
            tier=tier,
            municipality_code=place.code,
        )

    def shakyo(self, name: str, place: Place, *, tier: str = "") -> OrgSpec:
        """A 社会福祉協議会 (real, generic name) with fictitious contact details."""
        located = self.capital if place.code5.endswith("000") else place
        self.fiction.reserve(name)
        email = self._email("shakyo")
        return OrgSpec(
            name=name,
            name_kana=f"{place.kana}しゃかいふくしきょうぎかい",
            org_type=OrgType.SHAKYO,
            representative=f"会長 {self.fiction.person()}",
            **self._contact(located),
            email=email,
            website=self._website("shakyo"),
            contact_person=f"地域福祉課 {self.fiction.person()}",
            area=f"{place.name}全域" if located is place else f"{place.name}内全域",
            description="地域福祉の推進、生活福祉資金の貸付、ボランティアセンターと生活困窮者の相談窓口を運営しています。",
            fields=self.fiction.pick(SHAKYO_FIELDS, 3, 5),
            published_fields=list(ALL_PUBLISHED),
            joined_on=self.start,
            tier=tier,
        )

    def named(
        self,
        name: str,
        kana: str,
        org_type: str,
        fields: list[str],
        *,
        place: Place | None = None,
        tier: str = "",
        area: str = "",
        description: str = "",
    ) -> OrgSpec:
        """An organisation with a given name (a real public body's, or a chosen fictitious one)."""
        place = place or self.capital
        self.fiction.reserve(name)
        has_website = self.fiction.random.random() < 0.7
        email = self._email("org")
        return OrgSpec(
            name=name,
            name_kana=kana,
            org_type=org_type,
            representative=f"会長 {self.fiction.person()}",
            **self._contact(place),
            email=email,
            website=self._website("org") if has_website else "",
            contact_person=self.fiction.person(),
            area=area or f"{place.name}全域",
            description=description or self.fiction.description(fields),
            fields=fields,
            published_fields=self.fiction.published_fields(has_website=has_website),
            joined_on=self.start,
            tier=tier,
        )

    # --- fictitious organisations ----------------------------------------------------------------

    def fictitious(
        self,
        org_type: str = OrgType.NPO,
        field: str = "",
        *,
        place: Place | None = None,
        tier: str = "",
        late_share: float = 0.3,
    ) -> OrgSpec:
        """A clearly fictitious organisation somewhere in the prefecture."""
        fiction = self.fiction
        field = field or fiction.random.choice(SUPPORT_FIELDS)
        place = place or fiction.random.choice(self.places)
        name, kana = fiction.organisation(org_type, field, place)
        extra = [f for f in fiction.pick(SUPPORT_FIELDS, 0, 2) if f != field]
        fields = list(dict.fromkeys([field, *extra]))
        has_website = fiction.random.random() < 0.6
        kind = "company" if org_type == OrgType.COMPANY else "npo"
        email = self._email(kind)
        wide = fiction.random.random() < 0.15
        title = (
            "代表取締役" if org_type == OrgType.COMPANY else fiction.random.choice(["理事長", "代表", "会長"])
        )
        return OrgSpec(
            name=name,
            name_kana=kana,
            org_type=org_type,
            representative=f"{title} {fiction.person()}",
            **self._contact(place),
            email=email,
            website=self._website(kind) if has_website else "",
            contact_person=fiction.person(),
            area=f"{self.prefecture.name}内全域" if wide else f"{place.name}全域",
            description=fiction.description(fields),
            fields=fields,
            published_fields=fiction.published_fields(has_website=has_website),
            joined_on=self._joined(late_share),
            tier=tier,
        )

    def former(self, org: OrgSpec, *, status: str, left_on: datetime.date, ban_years: int) -> OrgSpec:
        org.status = status
        org.left_on = left_on
        org.rejoin_banned_until = years_later(left_on, ban_years) if ban_years else None
        return org

    def application(self, org: OrgSpec, **extra: str) -> ApplicationSpec:
        org.published_fields = org.published_fields or ["name", "area"]
        return ApplicationSpec(org=org, **extra)
