"""Members' 得意分野 and 「相談体制・支援内容」: a member edits its own (reviewed by the secretariat
when public), other members read it, the public page shows only public ones, and a match's
explanation names the strength that fits the need."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network import queries
from network.models import Profile, ProfileChange
from network.services import matches, profiles
from network.tests.helpers import KOMATSUSHIMA, actor, listing, pledge
from tsunagari.lib.testing import BaseTestCase, make_member


class ProfileTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.company = make_member(self.platform, "株式会社小松島建設")

    def edit(self, **data: object) -> object:
        base = {"strengths": "", "consultation_setup": "", "support_content": ""}
        return self.client.post(self.url("network:member_profile", self.member_org.uuid), {**base, **data})

    def test_it_lets_a_member_edit_its_own_profile_and_reviews_it_once_public(self) -> None:
        self.login(self.member_user)
        self.edit(strengths="見守り、食支援　居場所,見守り", consultation_setup="平日9時〜17時、電話と来所")
        with scopes_disabled():
            profile = Profile.objects.get(member=self.member_org)
        self.assertEqual(profile.strengths, ["見守り", "食支援", "居場所"])  # applied at once: members-only
        response = self.edit(strengths="見守り", consultation_setup="平日9時〜17時", is_public="on")
        self.assertEqual(response.status_code, 302)
        page = self.client.get(self.url("network:member_profile", self.member_org.uuid))
        self.assertContains(page, "送った変更を事務局が確認しています。")
        with scopes_disabled():
            profile.refresh_from_db()
            change = ProfileChange.objects.get()
        self.assertEqual((profile.is_public, profile.strengths), (False, ["見守り", "食支援", "居場所"]))
        self.assertEqual(change.previous["is_public"], False)
        self.assertContains(self.edit(strengths="訪問", is_public="on"), "事務局の確認待ちの変更があります。")
        # another member's profile is read-only for this member
        other = self.client.post(self.url("network:member_profile", self.company.uuid), {"strengths": "x"})
        self.assertEqual(other.status_code, 403)
        self.assertEqual(self.client.get(self.url("network:profile_changes")).status_code, 403)
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("network:profile_changes")), "平日9時〜17時")
        self.client.post(self.url("network:profile_changes"), {"change": change.uuid, "decision": "apply"})
        with scopes_disabled():
            profile.refresh_from_db()
        self.assertEqual((profile.is_public, profile.strengths), (True, ["見守り"]))
        self.client.logout()
        public = self.client.get(self.url("network:public_members"))
        self.assertContains(public, "NPO法人アルファ支援ネット")
        self.assertContains(public, "平日9時〜17時")

    def test_it_returns_a_change_with_the_reason_and_refuses_deciding_twice(self) -> None:
        with scope(platform=self.platform):
            member = actor(self.member_user, self.platform)
            change = profiles.do_save_profile(
                member,
                self.member_org,
                strengths=["見守り"],
                consultation_setup="",
                support_content="",
                is_public=True,
                reviewed=True,
            )
            assert isinstance(change, ProfileChange)
        self.login(self.admin)
        url = self.url("network:profile_changes")
        self.assertContains(
            self.client.post(url, {"change": change.uuid, "decision": "return", "reason": ""}, follow=True),
            "差し戻す理由を書いてください。",
        )
        self.client.post(
            url, {"change": change.uuid, "decision": "return", "reason": "電話番号は書かないでください"}
        )
        response = self.client.post(url, {"change": change.uuid, "decision": "apply"}, follow=True)
        self.assertContains(response, "この変更は既に処理されています。")
        self.login(self.member_user)
        self.assertContains(
            self.client.get(self.url("network:member_profile", self.member_org.uuid)),
            "電話番号は書かないでください",
        )
        self.assertNotContains(
            self.client.get(self.url("network:public_members")), "NPO法人アルファ支援ネット"
        )
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(self.url("network:member_profile", self.member_org.uuid)).status_code, 404
        )

    def test_it_shows_profiles_to_members_and_names_the_strength_in_a_match(self) -> None:
        with scope(platform=self.platform):
            for member, words in (
                (self.company, ["見守り", "社員ボランティア"]),
                (self.member_org, ["食支援"]),
            ):
                profiles.do_save_profile(
                    self.staff,
                    member,
                    strengths=words,
                    consultation_setup="",
                    support_content="",
                    is_public=False,
                    reviewed=False,
                )
            pledge(self.staff, self.member_org, self.company)
            need = listing(self.staff, self.member_org, "need", title="ひとり暮らし高齢者の見守り訪問")
            offer = listing(self.staff, self.company, "offer", code=KOMATSUSHIMA, title="社員による訪問")
            plain = listing(
                self.staff, make_member(self.platform, "合同会社よそ"), "offer", code=KOMATSUSHIMA
            )
            ranked = queries.suggestions(need)
            match = matches.do_propose_match(self.staff, need, offer)
        self.assertEqual([o for o, _s in ranked], [offer, plain])
        self.assertIn(("提供団体の得意分野「見守り」", 10), ranked[0][1].parts)
        self.assertEqual(ranked[0][1].total - ranked[1][1].total, 10)
        self.assertIn(["提供団体の得意分野「見守り」", 10], match.explanation)
        self.login(self.member_user)
        page = self.client.get(self.url("network:members"), {"strength": "ﾐﾏﾓﾘ"})
        self.assertNotContains(page, "株式会社小松島建設")  # カタカナ is not 見守り
        page = self.client.get(self.url("network:members"), {"strength": "見守り"})
        self.assertContains(page, "株式会社小松島建設")
        self.assertNotContains(page, "NPO法人アルファ支援ネット")
