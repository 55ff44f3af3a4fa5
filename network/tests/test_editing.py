"""Pages that write: a case study with its referral path (create, edit, the anonymity check on a
shared case), a new pledge version and who has not accepted it, a need edited, withdrawn and
expired by its owner, and a municipality's platform inheriting its prefecture's accompaniment."""

from __future__ import annotations

import datetime

import time_machine
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from network import queries
from network.models import CaseStudy, Listing, Match, Pledge
from network.services import cases, engagements, matches
from network.tests.helpers import APRIL, KOMATSUSHIMA, actor, listing, pledge
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import BaseTestCase, make_member


def case_data(steps: list[tuple[str, str, str]], **fields: str) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "家主が気づいた高齢者の孤立",
        "summary": "70代の男性Aさん。家賃の滞納が続いた。",
        "topic": "高齢者",
        "age_band": "70代",
        "area": "阿南市",
        "org_type": "",
        "lessons": "",
        **fields,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for i, (role, label, text) in enumerate(steps):
        data |= {f"steps-{i}-role": role, f"steps-{i}-organisation_label": label, f"steps-{i}-text": text}
    return data


PATH = [
    ("noticed", "不動産会社", "家賃の滞納と応答がないことに気づいた。"),
    ("contacted", "地域包括支援センター", "訪問を依頼した。"),
    ("", "", ""),  # a blank row is not a step
    ("outcome", "子ども食堂", "週1回、手伝いに通う。"),
]


class CasePagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            pledge(self.staff, self.member_org)

    def test_it_lets_a_member_write_a_case_with_its_path_and_the_secretariat_share_it(self) -> None:
        self.login(self.member_user)
        response = self.client.post(self.url("network:new_case"), case_data(PATH))
        with scopes_disabled():
            case = CaseStudy.objects.get()
            self.assertEqual((case.author, case.status), (self.member_org, CaseStudy.Status.DRAFT))
            self.assertEqual(
                [(s.order, s.role, s.organisation_label) for s in case.steps.all()],
                [
                    (1, "noticed", "不動産会社"),
                    (2, "contacted", "地域包括支援センター"),
                    (3, "outcome", "子ども食堂"),
                ],
            )
        self.assertRedirects(response, self.url("network:case", case.uuid))
        # the author edits its draft: a step is rewritten, one removed
        edit = case_data(PATH[:2], summary="70代の男性Aさん。")
        edit["steps-1-DELETE"] = "on"
        self.client.post(self.url("network:edit_case", case.uuid), edit)
        with scopes_disabled():
            self.assertEqual([s.organisation_label for s in case.steps.all()], ["不動産会社"])
        self.login(self.admin)
        self.client.post(self.url("network:case", case.uuid), {"share": "1"})
        with scopes_disabled():
            self.assertEqual(CaseStudy.objects.get().status, CaseStudy.Status.SHARED)
        # shared: the member no longer edits it; a path step incomplete is refused by number
        self.login(self.member_user)
        self.assertEqual(self.client.get(self.url("network:edit_case", case.uuid)).status_code, 403)
        self.login(self.admin)
        bad = case_data([("acted", "", "訪問した")])
        self.assertContains(
            self.client.post(self.url("network:edit_case", case.uuid), bad),
            "つなぎ方の1番目: 団体（種類）と内容を入力してください。",
        )

    def test_it_keeps_a_shared_case_as_it_was_when_an_edit_adds_a_name_or_a_phone_number(self) -> None:
        with scope(platform=self.platform):
            case = cases.do_create_case(
                self.staff, title="ひきこもりの若者", summary="20代のBさん。", topic="ひきこもり"
            )
            cases.do_add_step(
                self.staff, case, role="noticed", organisation_label="民生委員", text="母親から相談"
            )
            cases.do_share_case(self.staff, case)
        self.login(self.admin)
        response = self.client.post(
            self.url("network:edit_case", case.uuid),
            case_data(
                [("noticed", "民生委員", "佐藤さんの母親から090-1234-5678で相談")], title="ひきこもりの若者"
            ),
        )
        self.assertContains(response, "共有中の事例に個人が特定できる情報が入っています。")
        self.assertContains(response, "電話番号「090-1234-5678」")
        with scopes_disabled():
            case.refresh_from_db()
            self.assertEqual(case.summary, "20代のBさん。")
            self.assertEqual([s.text for s in case.steps.all()], ["母親から相談"])
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("network:edit_case", case.uuid)).status_code, 404)


class PledgePublishTestCase(BaseTestCase):
    def test_it_publishes_a_new_version_that_every_member_accepts_again(self) -> None:
        with scope(platform=self.platform):
            staff = actor(self.admin, self.platform)
            company = make_member(self.platform, "株式会社小松島建設")
            pledge(staff, self.member_org, company)
        self.login(self.admin)
        url = self.url("network:pledge_publish")
        self.assertContains(
            self.client.post(url, {"text": " ", "effective_from": "2027-04-01"}), "誓約の本文"
        )
        response = self.client.post(
            url, {"text": "第2版: 退会後も守秘義務が続きます。", "effective_from": "2027-04-01"}
        )
        self.assertRedirects(response, self.url("network:pledge"))
        page = self.client.get(self.url("network:pledge"))
        self.assertContains(page, "第2版")
        self.assertContains(page, "まだ同意していない会員（")
        self.assertContains(page, "株式会社小松島建設")
        with scopes_disabled():
            self.assertEqual(Pledge.objects.count(), 2)
        member_user = self.users[Role.MEMBER_STAFF]
        self.login(member_user)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertRedirects(self.client.get(self.url("network:listings")), self.url("network:pledge"))
        self.client.post(self.url("network:pledge"))
        self.assertEqual(self.client.get(self.url("network:listings")).status_code, 200)
        self.login(self.admin)
        page = self.client.get(self.url("network:pledge"))
        self.assertContains(page, "同意した会員（1団体）")


class ListingEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.company = make_member(self.platform, "株式会社小松島建設")
            pledge(self.staff, self.member_org, self.company)
            self.need = listing(self.staff, self.member_org, "need", title="見守り訪問のボランティア")
            self.offer = listing(self.staff, self.company, "offer", code=KOMATSUSHIMA, quantity=5)
            self.match = matches.do_propose_match(self.staff, self.need, self.offer)

    def form(self, **data: object) -> dict[str, object]:
        return {
            "action": "save",
            "title": "見守り訪問のボランティア",
            "description": "",
            "municipality_code": "362018",
            "starts_on": APRIL.isoformat(),
            "ends_on": (APRIL + datetime.timedelta(days=29)).isoformat(),
            "quantity": "10",
            "unit": "人",
            **data,
        }

    def test_it_lets_the_owner_edit_and_withdraw_and_no_one_else(self) -> None:
        self.login(self.member_user)
        url = self.url("network:edit_listing", self.need.uuid)
        bad = self.client.post(url, self.form(ends_on=(APRIL - datetime.timedelta(days=1)).isoformat()))
        self.assertContains(bad, "より前です。")
        self.client.post(url, self.form(quantity="5"))
        with scopes_disabled():
            self.need.refresh_from_db()
            self.match.refresh_from_db()
        self.assertEqual(self.need.quantity, 5)
        self.assertIn(["必要数の100%を満たす", 25], self.match.explanation)  # re-scored
        self.assertEqual(self.client.get(self.url("network:edit_listing", self.offer.uuid)).status_code, 404)
        self.client.post(url, {"action": "withdraw"})
        with scopes_disabled():
            self.need.refresh_from_db()
            self.assertEqual((self.need.is_open, self.need.closed_reason), (False, "withdrawn"))
            self.assertEqual(Match.objects.get().status, Match.Status.DECLINED)
        page = self.client.get(self.url("network:listings"))
        self.assertContains(page, "取り下げ")
        self.assertContains(
            self.client.post(url, self.form(), follow=True), "受付を終えた登録（取り下げ）は変更できません。"
        )
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_leaves_an_expired_listing_out_of_the_lists_and_matches(self) -> None:
        after = APRIL + datetime.timedelta(days=40)
        with time_machine.travel(datetime.datetime.combine(after, datetime.time(9)).astimezone(), tick=False):
            with scope(platform=self.platform):
                self.assertEqual(list(queries.listings_for(self.member_org)), [])
                self.assertEqual(queries.suggestions(self.need), [])
                other = listing(self.staff, self.company, "offer", start=after, title="新しい提供")
                with self.assertRaisesMessage(Exception, "期限が過ぎたニーズ・提供はマッチングできません。"):
                    matches.do_propose_match(self.staff, self.need, other)
                self.assertEqual(Listing.objects.get(pk=self.need.pk).state_label, "期限切れ")


class InheritedAccompanimentTestCase(BaseTestCase):
    def test_it_shows_a_new_municipal_platform_its_prefectures_engagements_and_nothing_else(self) -> None:
        with scope(platform=self.platform):  # alpha is 岐阜県
            staff = actor(self.admin, self.platform)
            for code, name in (("212041", "多治見市"), ("212041", "多治見市"), ("212059", "関市")):
                engagements.do_record_engagement(
                    staff,
                    municipality_code=code,
                    municipality_name=name,
                    kind="hearing",
                    held_on=datetime.date(2026, 12, 1),
                    participants="福祉課",
                    issues="庁内連携",
                )
        with scopes_disabled():
            tajimi = do_create_platform(slug="tajimi", code="212041", name="多治見市PF")
        with scope(platform=tajimi):
            rows = queries.accompaniment(tajimi)
        self.assertEqual([(r.name, len(r.engagements)) for r in rows], [("多治見市", 2)])
        with scope(platform=self.other_platform):  # beta is 岐阜市: its prefecture recorded nothing for it
            self.assertEqual(queries.accompaniment(self.other_platform), [])
