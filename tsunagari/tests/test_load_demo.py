"""``manage.py load_demo`` and ``manage.py demo_totp``."""

from __future__ import annotations

import io
import re

from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled

from accounts.models import Role, User
from partnership.models import (
    Application,
    Council,
    CouncilSeat,
    Expulsion,
    MemberOrganisation,
    MemberTier,
    OrgType,
    Withdrawal,
)
from partnership.queries import core_partner_ranking
from platforms.models import Platform
from tsunagari.demo.platforms import PLATFORMS
from tsunagari.demo.specs import DEMO_PASSWORD
from tsunagari.lib import jiscode
from tsunagari.lib.testing import BaseTestCase
from tsunagari.lib.text import normalise_name

EXPECTED_PLATFORMS = {
    "saitama": ("110001", "埼玉県"),
    "gifu": ("210005", "岐阜県"),
    "shiga": ("250007", "滋賀県"),
    "yamagata-shi": ("062014", "山形市"),
    "ichihara": ("122190", "市原市"),
    "kamakura": ("142042", "鎌倉市"),
    "tsuruoka": ("062031", "鶴岡市"),
    "ise": ("242039", "伊勢市"),
    "tokushima": ("360007", "徳島県"),
    # Municipal platforms under Gifu and Saitama (the prefectures' comparison and roll-up).
    "gifu-shi": ("212016", "岐阜市"),
    "ogaki": ("212024", "大垣市"),
    "kumagaya": ("112020", "熊谷市"),
    "tokorozawa": ("112089", "所沢市"),
}

# Seed 001, table 4-5-7 (既存会議体名称 → 参加団体数) and table 4-5-8 (団体名 → 参加している既存会議体数).
TABLE_4_5_7 = {
    "いちほらっこの子育て支援会議": 13,
    "市原市青少年指導センター運営協議会": 11,
    "犯罪のない安心なまち市原推進会議": 11,
    "市原市地域福祉推進協議会": 10,
    "市原市都市再生協議会": 9,
    "市原市地産地消推進協議会": 8,
    "市原市空家等対策協議会": 8,
    "市原市成年後見制度利用促進審議会": 8,
    "市原市みどりのまちづくり検討会議": 7,
    "市原市障がい者施策推進協議会": 6,
    "市原市歯と口腔の健康づくり推進会議": 6,
    "市原市市民活動・協働推進委員会": 4,
    "市原市健康づくり推進協議会": 3,
    "市原市福祉有償運送運営協議会": 2,
    "市原市通学路事故防止対策協議会": 1,
    "市原市特別支援教育等連携協議会": 1,
}
TABLE_4_5_8 = {
    "市原市町会長連合会": 6,
    "一般社団法人市原市医師会": 5,
    "市原商工会議所": 5,
    "市原市小中学校校長会": 4,
    "市原市民生委員児童委員協議会": 4,
    "社会福祉法人市原市社会福祉協議会": 4,
    "市原市子育て家庭支援員協議会": 3,
    "市原市中心身障害者福祉団体連絡協議会": 3,
    "千葉県弁護士会": 3,
    "千葉県社会福祉士会": 2,
    "一般社団法人千葉県建築士会市原支部": 2,
    "一般社団法人千葉県宅地建物取引業協会市原支部": 2,
    "市原市 PTA 連絡協議会": 2,
    "市原市社会教育委員会議": 2,
    "市原市消防団": 2,
    "市原市青少年相談員連絡協議会": 2,
    "市原市青少年補導員連絡協議会": 2,
    "市原市農業協同組合": 2,
    "市原市防犯協会": 2,
    "市原市臨海部工場連絡会": 2,
}


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    with scopes_disabled():
        return {
            "platforms": Platform.objects.count(),
            "members": MemberOrganisation.objects.count(),
            "applications": Application.objects.count(),
            "councils": Council.objects.count(),
            "seats": CouncilSeat.objects.count(),
            "users": User.objects.count(),
            "roles": Role.objects.count(),
            "devices": TOTPDevice.objects.count(),
            "expulsions": Expulsion.objects.count(),
            "withdrawals": Withdrawal.objects.count(),
            "field_links": MemberOrganisation.fields.through.objects.count(),
        }


class LoadDemoTestCase(BaseTestCase):
    """The demo on an empty database (BaseTestCase's alpha/beta would take Gifu's real codes)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load()

    def platform(self, slug: str) -> Platform:
        return Platform.objects.get(slug=slug)

    def test_it_is_idempotent(self) -> None:
        before = counts()
        self.assertEqual(before["platforms"], 13)
        output = load()
        self.assertEqual(counts(), before)
        self.assertIn("0 records created", output)
        self.assertEqual(output.count("nothing (already loaded)"), 13)

    def test_it_builds_the_same_fictitious_data_on_every_run(self) -> None:
        for spec in PLATFORMS:
            with self.subTest(slug=spec.slug):
                first, second = spec.build(), spec.build()
                self.assertEqual(first, second)
                names = [normalise_name(m.name) for m in first.members]
                self.assertEqual(len(names), len(set(names)))

    def test_it_prints_a_summary_and_the_demo_logins(self) -> None:
        self.assertIn("Demo data: 13 platforms", self.output)
        self.assertIn(f"password for all: {DEMO_PASSWORD}", self.output)
        self.assertIn("admin@<slug>.example.jp", self.output)
        self.assertIn("manage.py demo_totp admin@gifu.example.jp", self.output)
        self.assertRegex(self.output, r"gifu\s+210005\s+164\s+2\s+5\s+0\s+0")
        self.assertRegex(self.output, r"ichihara\s+122190\s+20\s+0\s+0\s+16\s+108")

    def test_it_creates_the_platforms_with_valid_codes_and_fictitious_contacts(self) -> None:
        for slug, (code, owner) in EXPECTED_PLATFORMS.items():
            with self.subTest(slug=slug):
                platform = self.platform(slug)
                self.assertEqual((platform.code, platform.owner_name), (code, owner))
                self.assertTrue(jiscode.is_valid(platform.code))
                self.assertTrue(platform.name.startswith(("かまくら", owner)), platform.name)
                self.assertTrue(platform.contact_email.endswith(".example.jp"))
                self.assertRegex(platform.contact_phone, r"^0\d{1,4}-\d{1,4}-\d{4}$")
                self.assertTrue(platform.secretariat_name.startswith(owner))
        gifu = self.platform("gifu")
        self.assertEqual(gifu.name, "岐阜県孤独・孤立対策官民連携プラットフォーム")
        self.assertEqual(gifu.secretariat_name, "岐阜県健康福祉部地域福祉課")
        self.assertEqual((gifu.requires_recommendation, gifu.rejoin_ban_years), (True, 3))
        self.assertFalse(self.platform("saitama").requires_recommendation)

    def test_it_gives_every_place_its_terms_privacy_notice_and_chat_notice(self) -> None:
        from consultations.models import DeskSettings

        for slug in EXPECTED_PLATFORMS:
            with self.subTest(slug=slug):
                platform = self.platform(slug)
                self.assertIn(
                    f"第7条（事務局）\nプラットフォームの事務局は、{platform.secretariat_name}に置く。",
                    platform.terms_text,
                )
                self.assertIn(f"電話 {platform.contact_phone}", platform.privacy_notice)
                with scopes_disabled():
                    desk = DeskSettings.objects.get(platform=platform)
                self.assertIn("守秘義務", desk.notice_readers)
                self.assertIn(platform.contact_phone, desk.notice_erasure)
        with scopes_disabled():
            yamagata = DeskSettings.objects.get(platform=self.platform("yamagata-shi"))
        self.assertIn("山形市から委託を受けた認定NPO法人の相談員", yamagata.notice_readers)

    def test_it_shapes_gifu_like_the_seed(self) -> None:
        gifu = self.platform("gifu")
        with scope(platform=gifu):
            active = MemberOrganisation.objects.active()
            by_type = {t: active.filter(org_type=t).count() for t in OrgType.values}
            core = list(active.filter(tier__name="幹事団体").values_list("org_type", flat=True))
            municipalities = dict(
                active.filter(org_type=OrgType.MUNICIPALITY).values_list("name", "municipality_code")
            )
        self.assertEqual(active.count(), 164)
        self.assertEqual(
            (by_type["prefecture"], by_type["municipality"], by_type["shakyo"], by_type["npo"]),
            (1, 42, 43, 78),
        )
        self.assertEqual(len(core), 12)
        self.assertEqual(sorted(set(core)), ["municipality", "npo", "prefecture", "shakyo"])
        self.assertEqual(core.count("npo"), 8)
        self.assertEqual(len(set(municipalities.values())), 42)
        self.assertTrue(all(jiscode.is_valid(code) for code in municipalities.values()))
        self.assertEqual(municipalities["岐阜市"], "212016")
        self.assertEqual(municipalities["大垣市"], "212024")
        self.assertEqual(municipalities["白川村"], "216046")

    def test_it_gives_gifu_former_members_and_pending_applications(self) -> None:
        today = timezone.localdate()
        with scope(platform=self.platform("gifu")):
            expelled = MemberOrganisation.objects.get(status="expelled")
            withdrawn = MemberOrganisation.objects.get(status="withdrawn")
            pending = list(Application.objects.filter(status="pending").select_related("previous_member"))
            self.assertEqual(Expulsion.objects.get(organisation=expelled).status, Expulsion.Status.DECIDED)
            self.assertEqual(
                Withdrawal.objects.get(organisation=withdrawn).status, Withdrawal.Status.ACCEPTED
            )
        assert expelled.rejoin_banned_until is not None
        self.assertGreater(expelled.rejoin_banned_until, today)
        self.assertIsNone(withdrawn.rejoin_banned_until)
        self.assertGreaterEqual(len(pending), 3)
        rejoins = {a.previous_member.status: a for a in pending if a.previous_member}
        self.assertEqual(set(rejoins), {"expelled", "withdrawn"})
        self.assertTrue(all(a.rejoin_reason for a in rejoins.values()))
        self.assertTrue(any(a.recommended_by_id for a in pending))

    def test_it_shapes_saitama_and_shiga_like_the_seed(self) -> None:
        with scope(platform=self.platform("saitama")):
            active = MemberOrganisation.objects.active()
            self.assertEqual(active.filter(org_type=OrgType.MUNICIPALITY).count(), 41)
            self.assertEqual(active.filter(org_type=OrgType.SHAKYO).count(), 17)
            self.assertEqual(active.count(), 94)
        with scope(platform=self.platform("shiga")):
            active = MemberOrganisation.objects.active()
            # The seed's 114 members, and two of the non-member bodies that answered the survey
            # and applied have been approved since (surveys/demo.py).
            self.assertEqual(active.count(), 114 + 2)
            self.assertEqual(active.filter(org_type=OrgType.MUNICIPALITY).count(), 19)
            fields = MemberOrganisation.fields.through.objects.filter(memberorganisation__in=active)
            spread = set(fields.values_list("activityfield__code", flat=True))
        self.assertGreaterEqual(len(spread), 12)
        for slug in ("yamagata-shi", "kamakura", "tsuruoka", "ise", "tokushima"):
            with self.subTest(slug=slug), scope(platform=self.platform(slug)):
                self.assertTrue(10 <= MemberOrganisation.objects.count() <= 30)

    def test_it_makes_every_member_valid_with_demo_contacts(self) -> None:
        with scopes_disabled():
            members = list(MemberOrganisation.objects.select_related("platform"))
            for member in members:
                member.full_clean()
        self.assertGreater(len(members), 450)
        published_phone = 0
        for member in members:
            self.assertTrue(member.email.endswith("@example.jp"), member.email)
            owner = member.platform.owner_name  # a city's members are in the city, a prefecture's in it
            if owner.endswith("市"):
                self.assertIn(owner, member.address)
            else:
                self.assertTrue(member.address.startswith(owner), member.address)
            self.assertNotIn("example.com", member.website)
            published_phone += member.is_published("phone")
        # A realistic mix: most publish their name, not every one their phone.
        self.assertTrue(0.3 * len(members) < published_phone < len(members))

    def test_it_keeps_real_names_for_public_bodies_only(self) -> None:
        with scope(platform=self.platform("saitama")):
            names = list(
                MemberOrganisation.objects.filter(org_type=OrgType.NPO).values_list("name", flat=True)
            )
        self.assertTrue(all(re.search(r"[ぁ-ゖ]", name) for name in names), names)
        with scope(platform=self.platform("saitama")):
            self.assertTrue(
                MemberOrganisation.objects.filter(name="秩父市", municipality_code="112071").exists()
            )

    def test_it_reproduces_ichihara_ranking(self) -> None:
        with scope(platform=self.platform("ichihara")):
            rows = {row.normalised_name: row for row in core_partner_ranking(top=6)}
            seat_counts = dict(Council.objects.values_list("name").annotate(n=Count("seats")))
        self.assertEqual(len(rows), 20 + (108 - 59))
        for name, expected in TABLE_4_5_8.items():
            row = rows[normalise_name(name)]
            with self.subTest(name=name):
                self.assertEqual(row.council_count, expected)
                self.assertEqual(row.rank, 1 + sum(1 for n in TABLE_4_5_8.values() if n > expected))
        tops = sorted(row.name for row in rows.values() if row.top)
        self.assertEqual(tops, sorted(name for name, n in TABLE_4_5_8.items() if n >= 4))
        others = [row for key, row in rows.items() if key not in {normalise_name(n) for n in TABLE_4_5_8}]
        self.assertTrue(all(row.council_count == 1 for row in others))
        self.assertEqual(seat_counts, TABLE_4_5_7)

    def test_it_renames_ichihara_tiers_and_links_members_to_seats(self) -> None:
        with scope(platform=self.platform("ichihara")):
            tiers = dict(MemberOrganisation.objects.values_list("name", "tier__name"))
            shakyo = CouncilSeat.objects.filter(organisation_name="社会福祉法人市原市社会福祉協議会")
            self.assertEqual(shakyo.count(), 4)
            self.assertTrue(
                all(seat.member and seat.member.name == "市原市社会福祉協議会" for seat in shakyo)
            )
        self.assertEqual(tiers["市原市町会長連合会"], "コアパートナー")
        self.assertEqual(sum(1 for t in tiers.values() if t == "コアパートナー"), 13)
        self.assertEqual(set(tiers.values()), {"コアパートナー", "パートナー"})

    def test_it_creates_demo_staff_with_roles_and_second_factors(self) -> None:
        gifu = self.platform("gifu")
        roles = {
            r.user.email: r for r in Role.objects.filter(platform=gifu).select_related("user", "organisation")
        }
        self.assertEqual(
            {email: r.kind for email, r in roles.items()},
            {
                "admin@gifu.example.jp": Role.SECRETARIAT_ADMIN,
                "staff@gifu.example.jp": Role.SECRETARIAT_STAFF,
                "counsellor@gifu.example.jp": Role.COUNSELLOR,
                "member@gifu.example.jp": Role.MEMBER_STAFF,
                "viewer@gifu.example.jp": Role.VIEWER,
            },
        )
        member_role = roles["member@gifu.example.jp"]
        assert member_role.organisation is not None
        self.assertEqual(member_role.organisation.org_type, OrgType.NPO)
        self.assertTrue(check_password(DEMO_PASSWORD, roles["viewer@gifu.example.jp"].user.password))
        with_devices = set(
            TOTPDevice.objects.filter(user__roles__platform=gifu, confirmed=True).values_list(
                "user__email", flat=True
            )
        )
        # Every role signs in with a second factor (issue 16): member staff and viewers too.
        self.assertEqual(set(roles), with_devices)
        # 5 per platform (13), and Tokushima's two more mail magazine editors (mailings.demo: four in turn)
        self.assertEqual(User.objects.filter(email__endswith=".example.jp").count(), 5 * 13 + 2)

    def test_it_lets_the_demo_admin_sign_in_with_the_printed_code(self) -> None:
        response = self.client.post(
            "/accounts/login/", {"username": "admin@ichihara.example.jp", "password": DEMO_PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/otp/", response["Location"])
        out = io.StringIO()
        call_command("demo_totp", "admin@ichihara.example.jp", "--force", stdout=out, stderr=io.StringIO())
        response = self.client.post("/accounts/otp/", {"token": out.getvalue().strip()})
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/p/ichihara/staff/core-partners/")
        self.assertContains(response, "市原市町会長連合会")
        self.assertContains(response, "上位6団体を強調しています。")
        self.assertEqual(response.content.decode().count('class="top"'), 6)

    def test_it_prints_a_totp_code_that_the_device_accepts(self) -> None:
        out = io.StringIO()
        with override_settings(DEMO_MODE=True):
            call_command("demo_totp", "Admin@Gifu.example.jp", stdout=out, stderr=io.StringIO())
        code = out.getvalue().strip()
        self.assertRegex(code, r"^\d{6}$")
        device = TOTPDevice.objects.get(user__email="admin@gifu.example.jp", name="demo")
        self.assertTrue(device.verify_token(code))
        self.assertFalse(device.verify_token(f"{(int(code) + 1) % 1000000:06d}"))

    def test_it_refuses_to_print_codes_outside_demo_mode_or_for_other_accounts(self) -> None:
        with override_settings(DEMO_MODE=False), self.assertRaisesMessage(CommandError, "TSUNAGARI_DEMO=1"):
            call_command("demo_totp", "admin@gifu.example.jp", stdout=io.StringIO())
        User.objects.create_user("no-device@gifu.example.jp", None)
        with self.assertRaisesMessage(CommandError, "has no demo TOTP device"):
            call_command("demo_totp", "no-device@gifu.example.jp", "--force", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "has no demo TOTP device"):
            call_command("demo_totp", "nobody@example.jp", "--force", stdout=io.StringIO())

    def test_it_recreates_only_what_is_missing(self) -> None:
        with scope(platform=self.platform("ichihara")):
            council = Council.objects.get(name="市原市地域福祉推進協議会")
            CouncilSeat.objects.filter(council=council, organisation_name="市原市町会長連合会").delete()
            MemberOrganisation.objects.filter(name="市原市老人クラブ連合会").update(
                description="事務局が編集した説明"
            )
        before = counts()
        output = load("--platform", "ichihara")
        self.assertIn("seats 1", output)
        after = counts()
        self.assertEqual(after["seats"], before["seats"] + 1)
        with scope(platform=self.platform("ichihara")):
            self.assertEqual(
                MemberOrganisation.objects.get(name="市原市老人クラブ連合会").description,
                "事務局が編集した説明",
            )


class LoadDemoBesideOtherPlatformsTestCase(BaseTestCase):
    """BaseTestCase's alpha holds Gifu's code 210005 and beta 岐阜市's: the demo leaves Gifu out."""

    def test_it_skips_a_platform_whose_code_is_taken_and_loads_the_others(self) -> None:
        output = load("--platform", "gifu", "--platform", "ichihara")
        self.assertIn("gifu          skipped: code 210005 belongs to platform 'alpha'", output)
        self.assertFalse(Platform.objects.filter(slug="gifu").exists())
        self.assertTrue(Platform.objects.filter(slug="ichihara").exists())
        with scope(platform=self.platform):
            self.assertEqual(MemberOrganisation.objects.count(), 1)

    def test_it_stores_japanese_names_whatever_language_is_active(self) -> None:
        with translation.override("en"):
            load("--platform", "ichihara", "--platform", "kamakura")
        with scopes_disabled():
            tiers = set(
                MemberTier.objects.filter(platform__slug__in=["ichihara", "kamakura"]).values_list(
                    "name", flat=True
                )
            )
        self.assertEqual(tiers, {"コアパートナー", "パートナー", "幹事団体", "一般団体"})
