"""Meetings through the services: convocation mail, responses, check-in, votes, decisions,
and membership decisions through the body (Gifu 規約第8条・第10条)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.permissions import Actor
from audit.models import AuditEntry
from governance.models import AgendaItem, ItemKind, Meeting, Response, Seat, Vote
from governance.queries import evaluate_meeting
from governance.services import meetings as services
from governance.signing import RESPONSE_SALT, unsign
from governance.tests.helpers import check_in, make_body, make_meeting
from partnership.models import MemberOrganisation, MemberTier
from partnership.services import lifecycle
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


class MeetingServicesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform)
        self.scope = scope(platform=self.platform)
        self.scope.__enter__()

    def tearDown(self) -> None:
        self.scope.__exit__(None, None, None)

    def actor(self) -> Actor:
        return Actor(user=self.admin, role=None, platform=self.platform)

    def response_of(self, meeting: Meeting, seat: Seat) -> Response:
        return Response.objects.get(meeting=meeting, seat=seat)

    def test_it_convenes_and_mails_every_seat_a_signed_response_link(self) -> None:
        meeting = make_meeting(self.body, status=Meeting.Status.DRAFT)
        with smtp_server() as inbox, self.mail_sent():
            sent = services.do_convene(meeting, actor=self.actor())
        self.assertEqual(sent, 12)
        self.assertEqual(len(inbox), 12)
        message = inbox[0]
        self.assertIn("【招集】プラットフォーム会議 第1回", message["Subject"])
        text = body_of(message)
        self.assertIn("議案1 議案1の件", text)
        self.assertIn("出席する構成員への委任", text)
        token = text.split("/governance/respond/")[1].split("/")[0]
        response = Response.objects.get(uuid=unsign(token, RESPONSE_SALT))
        self.assertIn(response.seat.email, message["To"])
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, Meeting.Status.CONVENED)
        # A second call invites nobody twice.
        with smtp_server() as inbox, self.mail_sent():
            self.assertEqual(services.do_convene(meeting, actor=self.actor()), 0)
        self.assertEqual(inbox, [])

    def test_it_refuses_to_convene_without_items(self) -> None:
        meeting = make_meeting(self.body, items=[], status=Meeting.Status.DRAFT)
        with self.assertRaisesRegex(ValidationError, "議案がありません"):
            services.do_convene(meeting, actor=self.actor())

    def test_it_refuses_a_proxy_for_an_item_not_notified_with_the_article(self) -> None:
        meeting = make_meeting(self.body, items=[("議案1", True), ("議案2", False)])
        response = Response.objects.create(platform=self.platform, meeting=meeting, seat=self.seats[11])
        with self.assertRaisesRegex(
            ValidationError, "事前に通知されていないため委任できません（第13条第3項）"
        ):
            services.do_respond(response, mode="proxy", proxy_to=self.seats[0], proxy_items=["議案2"])
        response.refresh_from_db()
        self.assertEqual(response.mode, Response.Mode.NONE)
        services.do_respond(response, mode="proxy", proxy_to=self.seats[0], proxy_items=["議案1"])
        self.assertEqual(self.response_of(meeting, self.seats[11]).proxy_items, ["議案1"])

    def test_it_refuses_a_proxy_to_a_non_member_or_to_someone_absent(self) -> None:
        meeting = make_meeting(self.body)
        with scopes_disabled():
            observer = Seat.objects.create(
                platform=self.platform,
                body=self.body,
                name="オブザーバー",
                role=Seat.Role.OBSERVER,
                starts_on=self.seats[0].starts_on,
            )
        response = Response.objects.create(platform=self.platform, meeting=meeting, seat=self.seats[11])
        with self.assertRaisesRegex(ValidationError, "第13条第3項"):
            services.do_respond(response, mode="proxy", proxy_to=observer, proxy_items=["議案1"])
        absent = Response.objects.create(
            platform=self.platform, meeting=meeting, seat=self.seats[10], mode="absent"
        )
        with self.assertRaisesRegex(ValidationError, "欠席と回答しているため委任先にできません"):
            services.do_respond(response, mode="proxy", proxy_to=absent.seat, proxy_items=["議案1"])
        observer_response = Response.objects.create(platform=self.platform, meeting=meeting, seat=observer)
        with self.assertRaisesRegex(ValidationError, "オブザーバーには議決権がない"):
            services.do_respond(observer_response, mode="email", email_votes={"議案1": "yes"})

    def test_it_refuses_votes_the_bylaws_forbid_and_stores_none_of_them(self) -> None:
        meeting = make_meeting(self.body)
        with scopes_disabled():
            meeting.chair = self.seats[0]
            meeting.save()
        check_in(meeting, self.seats[:9])
        item = meeting.items.get()
        named = {seat: "yes" for seat in self.seats[:6]}  # the chair among them
        with self.assertRaises(ValidationError) as caught:
            services.do_record_votes(item, named=named, actor=self.actor())
        self.assertIn(
            "議長 幹事団体01-pf-kaigi は採決に加われません（第13条第2項、第11条第2項）",
            caught.exception.messages[0],
        )
        self.assertFalse(Vote.objects.filter(item=item).exists())
        # Someone absent without a proxy.
        with self.assertRaisesRegex(ValidationError, "出席しておらず有効な委任もない"):
            services.do_record_votes(item, named={self.seats[11]: "yes"}, actor=self.actor())
        self.assertFalse(Vote.objects.filter(item=item).exists())

    def test_it_refuses_a_member_voting_twice_in_person_and_by_email(self) -> None:
        meeting = make_meeting(self.body)
        check_in(meeting, self.seats[:7])
        voter = self.seats[7]
        Response.objects.create(
            platform=self.platform, meeting=meeting, seat=voter, mode="email", email_votes={"議案1": "no"}
        )
        Response.objects.filter(seat=self.seats[8], meeting=meeting).delete()
        Response.objects.create(
            platform=self.platform,
            meeting=meeting,
            seat=self.seats[8],
            mode="proxy",
            proxy_to=self.seats[0],
            proxy_items=["議案1"],
        )
        item = meeting.items.get()
        # The e-mail voter also "voted in the room" (through someone's hand): refused.
        with self.assertRaisesRegex(ValidationError, "電子メールで表決済み|出席しておらず"):
            services.do_record_votes(item, named={voter: "yes"}, actor=self.actor())
        # A valid record: 6 in the room and the proxy's giver, plus the e-mail no.
        named = {seat: "yes" for seat in self.seats[1:7]} | {self.seats[8]: "yes"}
        verdict = services.do_record_votes(item, named=named, actor=self.actor())
        result = verdict["items"]["議案1"]
        self.assertEqual((result["yes"], result["no"], result["voters"], result["required"]), (7, 1, 9, 6))
        self.assertEqual(verdict["quorum"]["present"], 9)

    def test_it_decides_an_item_and_keeps_the_rule_and_articles(self) -> None:
        meeting = make_meeting(self.body)
        check_in(meeting, self.seats[:8])
        item = meeting.items.get()
        services.do_record_votes(
            item, named={s: "yes" for s in self.seats[:5]} | {self.seats[5]: "no"}, actor=self.actor()
        )
        services.do_decide_item(item, actor=self.actor())
        item.refresh_from_db()
        # 8 attend, 2/3 of 8 is 6 (5.33 rounded up): 5 yes is not enough.
        self.assertFalse(item.passed)
        self.assertEqual(item.verdict["required"], 6)
        self.assertEqual(item.verdict["articles"], ["第13条第1項"])
        self.assertEqual(item.verdict["rule"]["decision"], "3分の2以上")
        self.assertTrue(
            AuditEntry.objects.filter(action="governance.item_decided", data__passed=False).exists()
        )
        with self.assertRaisesRegex(ValidationError, "議決済み"):
            services.do_record_votes(item, named={}, actor=self.actor())
        services.do_undo_decision(item, actor=self.actor())
        item.refresh_from_db()
        self.assertIsNone(item.passed)

    def test_it_counts_a_show_of_hands_against_who_may_vote(self) -> None:
        meeting = make_meeting(self.body)
        check_in(meeting, self.seats[:8])
        item = meeting.items.get()
        with self.assertRaisesRegex(ValidationError, "表決できる人数 8 を超える"):
            services.do_record_votes(item, counts=(9, 0, 0), actor=self.actor())
        services.do_record_votes(item, counts=(6, 1, 1), actor=self.actor())
        self.assertTrue(evaluate_meeting(meeting)["items"]["議案1"]["passed"])

    def test_it_reads_quorum_live_as_people_check_in_and_undo(self) -> None:
        meeting = make_meeting(self.body)
        check_in(meeting, self.seats[:6])
        quorum = evaluate_meeting(meeting)["quorum"]
        self.assertEqual((quorum["present"], quorum["required"], quorum["missing"]), (6, 8, 2))
        services.do_check_in(meeting, self.seats[6], actor=self.actor())
        services.do_check_in(meeting, self.seats[7], online=True, actor=self.actor())
        self.assertTrue(evaluate_meeting(meeting)["quorum"]["met"])
        services.do_undo_check_in(meeting, self.seats[7], actor=self.actor())
        self.assertEqual(evaluate_meeting(meeting)["quorum"]["missing"], 1)

    def test_it_counts_a_proxy_giver_who_comes_after_all_as_present_once(self) -> None:
        meeting = make_meeting(self.body)
        check_in(meeting, self.seats[:7])
        Response.objects.create(
            platform=self.platform,
            meeting=meeting,
            seat=self.seats[9],
            mode="proxy",
            proxy_to=self.seats[0],
            proxy_items=["議案1"],
        )
        self.assertEqual(evaluate_meeting(meeting)["quorum"]["present"], 8)
        services.do_check_in(meeting, self.seats[9], actor=self.actor())
        quorum = evaluate_meeting(meeting)["quorum"]
        self.assertEqual((quorum["present"], quorum["by_proxy"], quorum["in_person"]), (8, 0, 8))

    def test_it_refuses_an_item_added_after_convocation_as_not_notified(self) -> None:
        meeting = make_meeting(self.body)
        item = services.do_add_item(
            meeting, code="議案9", title="当日の議案", notified=True, actor=self.actor()
        )
        self.assertFalse(item.notified)


class MembershipThroughTheBodyTestCase(BaseTestCase):
    """Expulsion and 幹事団体 election take effect only through the body's resolution."""

    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform)
        self.scope = scope(platform=self.platform)
        self.scope.__enter__()
        self.target = self.member_org
        expulsion = lifecycle.do_propose_expulsion(
            self.target, ground="breach", reason="規約違反", actor=self.actor()
        )
        today = timezone.localdate()
        self.expulsion = lifecycle.do_notify_hearing(
            expulsion,
            notified_on=today - datetime.timedelta(days=30),
            deadline=today - datetime.timedelta(days=10),
            actor=self.actor(),
        )

    def tearDown(self) -> None:
        self.scope.__exit__(None, None, None)

    def actor(self) -> Actor:
        return Actor(user=self.admin, role=None, platform=self.platform)

    def test_it_refuses_a_secretariat_click_where_the_bylaws_require_a_resolution(self) -> None:
        with self.assertRaisesRegex(ValidationError, "プラットフォーム会議の議決を経て.*第8条、第10条第3号"):
            lifecycle.do_decide_expulsion(
                self.expulsion,
                no_hearing=True,
                hearing_record="",
                resolution="第3回会議で議決",
                decided_on=timezone.localdate(),
                actor=self.actor(),
            )
        self.target.refresh_from_db()
        self.assertEqual(self.target.status, MemberOrganisation.Status.ACTIVE)

    def test_it_refuses_an_expulsion_item_before_the_hearing_notice(self) -> None:
        other = MemberOrganisation.objects.exclude(pk=self.target.pk).first()
        assert other is not None
        proposed = lifecycle.do_propose_expulsion(
            other, ground="dissolved", reason="解散", actor=self.actor()
        )
        meeting = make_meeting(self.body, items=[], status=Meeting.Status.DRAFT)
        with self.assertRaisesRegex(ValidationError, "弁明の機会を通知していない.*第8条"):
            services.do_add_item(
                meeting,
                code="議案1",
                title="除名",
                kind=ItemKind.EXPULSION,
                expulsion=proposed,
                actor=self.actor(),
            )

    def test_it_expels_after_the_bodys_resolution_with_the_rejoin_ban(self) -> None:
        meeting = make_meeting(self.body, items=[], status=Meeting.Status.DRAFT)
        item = services.do_add_item(
            meeting,
            code="議案1",
            title="会員の除名",
            kind=ItemKind.EXPULSION,
            expulsion=self.expulsion,
            actor=self.actor(),
        )
        check_in(meeting, self.seats[:9])
        services.do_record_votes(item, named={s: "yes" for s in self.seats[:6]}, actor=self.actor())
        services.do_decide_item(item, no_hearing=True, actor=self.actor())
        self.target.refresh_from_db()
        self.assertEqual(self.target.status, MemberOrganisation.Status.EXPELLED)
        self.assertIsNotNone(self.target.rejoin_banned_until)
        self.expulsion.refresh_from_db()
        self.assertIn("プラットフォーム会議 第1回", self.expulsion.resolution)
        self.assertIn("議案1 議決", self.expulsion.resolution)
        with self.assertRaisesRegex(ValidationError, "会員の身分が変わった議決は取り消せません"):
            services.do_undo_decision(AgendaItem.objects.get(pk=item.pk), actor=self.actor())

    def test_it_leaves_the_member_when_the_body_rejects_the_expulsion(self) -> None:
        meeting = make_meeting(self.body, items=[], status=Meeting.Status.DRAFT)
        item = services.do_add_item(
            meeting,
            code="議案1",
            title="会員の除名",
            kind=ItemKind.EXPULSION,
            expulsion=self.expulsion,
            actor=self.actor(),
        )
        check_in(meeting, self.seats[:9])
        services.do_record_votes(item, named={s: "yes" for s in self.seats[:5]}, actor=self.actor())
        services.do_decide_item(item, no_hearing=True, actor=self.actor())
        self.target.refresh_from_db()
        self.assertEqual(self.target.status, MemberOrganisation.Status.ACTIVE)

    def test_it_elects_a_steering_member_with_a_seat_and_the_tier(self) -> None:
        with scopes_disabled():
            steering = MemberTier.objects.create(
                platform=self.platform, name="幹事団体X", can_recommend=True, order=0
            )
        meeting = make_meeting(self.body, items=[], status=Meeting.Status.DRAFT)
        item = services.do_add_item(
            meeting,
            code="議案2",
            title="幹事団体の選出",
            kind=ItemKind.OFFICER_ELECTION,
            target_member=self.target,
            actor=self.actor(),
        )
        check_in(meeting, self.seats[:8])
        services.do_record_votes(item, named={s: "yes" for s in self.seats[:8]}, actor=self.actor())
        services.do_decide_item(item, actor=self.actor())
        seat = Seat.objects.get(body=self.body, member=self.target)
        self.assertEqual(seat.role, Seat.Role.VOTING)
        self.target.refresh_from_db()
        self.assertEqual(self.target.tier, steering)
