"""Written resolutions (みなし決議, Gifu 規約第13条5): ballots by signed link, one per member,
none after the close, the verdict at the threshold or the deadline, every ballot audited."""

from __future__ import annotations

import datetime
import io

import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from accounts.permissions import Actor
from audit.models import AuditEntry
from governance.models import Ballot, ItemKind, WrittenResolution
from governance.queries import evaluate_written
from governance.rules import MAJORITY
from governance.services import written as services
from governance.signing import BALLOT_SALT, ballot_link, unsign
from governance.tests.helpers import make_body
from partnership.models import MemberOrganisation, MemberTier
from partnership.services import lifecycle
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member


class WrittenSetup(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform)
        self.scope = scope(platform=self.platform)
        self.scope.__enter__()

    def tearDown(self) -> None:
        self.scope.__exit__(None, None, None)

    def actor(self) -> Actor:
        return Actor(user=self.admin, role=None, platform=self.platform)

    def open(self, days: int = 7) -> WrittenResolution:
        return services.do_open_written(
            self.body,
            title="令和7年度事業計画の承認",
            proposal="別紙のとおり承認する。",
            deadline=timezone.now() + datetime.timedelta(days=days),
            actor=self.actor(),
        )


class WrittenResolutionTestCase(WrittenSetup):
    def test_it_mails_each_voting_member_a_signed_ballot_link(self) -> None:
        with smtp_server() as inbox, self.mail_sent():
            resolution = self.open()
        self.assertEqual(len(inbox), 12)
        text = body_of(inbox[0])
        self.assertIn("構成員の全数の3分の2以上が賛成したとき", text)
        self.assertIn("第13条第5項", text)
        token = text.split("/governance/ballot/")[1].split("/")[0]
        ballot = Ballot.objects.get(uuid=unsign(token, BALLOT_SALT))
        self.assertEqual(ballot.resolution, resolution)
        self.assertIsNone(unsign(token[:-2] + "xx", BALLOT_SALT))

    def test_it_resolves_when_two_thirds_of_all_members_approve_and_not_before(self) -> None:
        resolution = self.open()
        ballots = list(resolution.ballots.order_by("seat__name"))
        for ballot in ballots[:7]:
            services.do_cast_ballot(ballot, choice="approve")
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.OPEN)  # 7 of 12: one short
        self.assertEqual(evaluate_written(resolution)["missing"], 1)
        services.do_cast_ballot(ballots[7], choice="approve")
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.RESOLVED)
        self.assertEqual((resolution.verdict["approve"], resolution.verdict["required"]), (8, 8))
        # Closed: the ninth ballot is refused, with the article, and not stored.
        with self.assertRaisesRegex(ValidationError, "締め切った後は表決できません（第13条第5項）"):
            services.do_cast_ballot(ballots[8], choice="reject")
        ballots[8].refresh_from_db()
        self.assertEqual(ballots[8].choice, "")
        self.assertEqual(AuditEntry.objects.filter(action="governance.ballot_cast").count(), 8)

    def test_it_refuses_a_second_ballot_from_one_member(self) -> None:
        resolution = self.open()
        ballot = resolution.ballots.first()
        assert ballot is not None
        services.do_cast_ballot(ballot, choice="reject")
        with self.assertRaisesRegex(ValidationError, "一団体一回"):
            services.do_cast_ballot(Ballot.objects.get(pk=ballot.pk), choice="approve")
        ballot.refresh_from_db()
        self.assertEqual(ballot.choice, "reject")

    def test_it_refuses_a_ballot_after_the_deadline_and_fails_it_on_the_daily_run(self) -> None:
        resolution = self.open(days=1)
        ballot = resolution.ballots.first()
        assert ballot is not None
        with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
            with self.assertRaisesRegex(ValidationError, "締め切った後"):
                services.do_cast_ballot(ballot, choice="approve")
            self.scope.__exit__(None, None, None)
            out = io.StringIO()
            with smtp_server() as inbox, self.mail_sent():
                call_command("governance_tasks", stdout=out)
            self.scope = scope(platform=self.platform)
            self.scope.__enter__()
        self.assertIn("closed 1", out.getvalue())
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.FAILED)
        results = [m for m in inbox if "【結果】" in m["Subject"]]
        self.assertEqual(len(results), 12)  # the result to every member
        self.assertIn("不成立", results[0]["Subject"])

    def test_it_reminds_only_members_who_have_not_answered(self) -> None:
        resolution = self.open()
        first = resolution.ballots.first()
        assert first is not None
        services.do_cast_ballot(first, choice="approve")
        with smtp_server() as inbox, self.mail_sent():
            reminded = services.do_remind_written(resolution, actor=self.actor())
        self.assertEqual(reminded, 11)
        reminders = [m for m in inbox if "【再送" in m["Subject"]]
        self.assertEqual(len(reminders), 11)
        self.assertNotIn(first.seat.email, [m["To"] for m in reminders])

    def test_it_refuses_a_written_resolution_where_the_bylaws_do_not_allow_one(self) -> None:
        body, _seats = make_body(self.platform, 3, code="soukai", rules=MAJORITY)
        with self.assertRaisesRegex(ValidationError, "認められていません"):
            services.do_open_written(
                body,
                title="x",
                proposal="y",
                deadline=timezone.now() + datetime.timedelta(days=3),
                actor=self.actor(),
            )

    def test_it_shows_the_ballot_page_by_signed_link_only(self) -> None:
        resolution = self.open()
        ballot = resolution.ballots.first()
        assert ballot is not None
        link = ballot_link(ballot).split("testserver")[-1].split("8000")[-1]
        response = self.client.get(link)
        self.assertContains(response, "令和7年度事業計画の承認")
        response = self.client.post(link, {"choice": "approve"}, follow=True)
        self.assertContains(response, "「賛成」で表決済みです")
        ballot.refresh_from_db()
        self.assertEqual(ballot.choice, "approve")
        self.assertEqual(self.client.get(link[:-3] + "xx/").status_code, 404)
        # Another platform's URL with this token: 404 (the ballot is outside that scope).
        self.assertEqual(self.client.get(link.replace("/p/alpha/", "/p/beta/")).status_code, 404)


class WrittenResolutionEffectTestCase(WrittenSetup):
    """A written resolution about membership takes effect however it closes: by the last member's
    ballot on a signed link (nobody signed in) or by the deadline on the daily run (the system)."""

    def test_it_expels_when_the_last_ballot_arrives_by_signed_link(self) -> None:
        target = MemberOrganisation.objects.exclude(governance_seats__body=self.body).first()
        assert target is not None
        expulsion = lifecycle.do_propose_expulsion(
            target, ground="breach", reason="規約違反", actor=self.actor()
        )
        today = timezone.localdate()
        expulsion = lifecycle.do_notify_hearing(
            expulsion,
            notified_on=today - datetime.timedelta(days=30),
            deadline=today - datetime.timedelta(days=10),
            actor=self.actor(),
        )
        resolution = services.do_open_written(
            self.body,
            title="会員の除名",
            proposal="規約違反により除名する。",
            deadline=timezone.now() + datetime.timedelta(days=7),
            kind=ItemKind.EXPULSION,
            expulsion=expulsion,
            actor=self.actor(),
        )
        for ballot in resolution.ballots.order_by("seat__name")[:8]:
            services.do_cast_ballot(ballot, choice="approve")  # as the ballot page does: no user
        target.refresh_from_db()
        self.assertEqual(target.status, MemberOrganisation.Status.EXPELLED)
        self.assertIsNotNone(target.rejoin_banned_until)
        entry = AuditEntry.objects.filter(action="expulsion.decided", platform=self.platform).first()
        assert entry is not None
        self.assertIsNone(entry.actor)

    def test_it_elects_a_steering_member_when_the_last_ballot_arrives_by_signed_link(self) -> None:
        steering, _ = MemberTier.objects.update_or_create(
            platform=self.platform, name="幹事団体", defaults={"order": 0, "can_recommend": True}
        )
        candidate = MemberOrganisation.objects.exclude(governance_seats__body=self.body).first()
        assert candidate is not None
        self.assertNotEqual(candidate.tier, steering)
        resolution = services.do_open_written(
            self.body,
            title="幹事団体の選出",
            proposal="幹事団体に選出する。",
            deadline=timezone.now() + datetime.timedelta(days=3),
            kind=ItemKind.OFFICER_ELECTION,
            target_member=candidate,
            actor=self.actor(),
        )
        for ballot in resolution.ballots.order_by("seat__name")[:8]:
            services.do_cast_ballot(ballot, choice="approve")
        resolution.refresh_from_db()
        self.assertEqual(resolution.status, WrittenResolution.Status.RESOLVED)
        candidate.refresh_from_db()
        self.assertEqual(candidate.tier, steering)
        self.assertTrue(self.body.seats.filter(member=candidate).exists())

    def test_it_refuses_a_click_into_or_out_of_the_elected_tier_and_allows_it_after_the_resolution(
        self,
    ) -> None:
        steering, _ = MemberTier.objects.update_or_create(
            platform=self.platform, name="幹事団体", defaults={"order": 0, "can_recommend": True}
        )
        general = MemberTier.objects.filter(can_recommend=False).first() or MemberTier.objects.create(
            platform=self.platform, name="一般団体", order=5
        )
        candidate = MemberOrganisation.objects.exclude(governance_seats__body=self.body).first()
        assert candidate is not None
        with self.assertRaisesRegex(ValidationError, "「幹事団体」へは.*選出.*第10条第2号"):
            lifecycle.do_change_tier(candidate, steering, actor=self.actor())
        candidate.refresh_from_db()
        self.assertNotEqual(candidate.tier, steering)
        # On the member page the refusal is the form's error and nothing changes.
        client = self.login(self.admin)
        response = client.post(self.url("partnership:member", candidate.uuid), {"tier": str(steering.uuid)})
        self.assertContains(response, "第10条第2号")
        candidate.refresh_from_db()
        self.assertNotEqual(candidate.tier, steering)
        # Elected by written resolution: the tier changes; leaving again needs a withdrawal.
        resolution = services.do_open_written(
            self.body,
            title="幹事団体の選出",
            proposal="幹事団体に選出する。",
            deadline=timezone.now() + datetime.timedelta(days=3),
            kind=ItemKind.OFFICER_ELECTION,
            target_member=candidate,
            actor=self.actor(),
        )
        for ballot in resolution.ballots.order_by("seat__name")[:8]:
            services.do_cast_ballot(ballot, choice="approve")
        candidate.refresh_from_db()
        self.assertEqual(candidate.tier, steering)
        with self.assertRaisesRegex(ValidationError, "「幹事団体」からの変更は.*議決"):
            lifecycle.do_change_tier(candidate, general, actor=self.actor())
        # Moves that touch no elected tier stay a click.
        other = MemberTier.objects.create(platform=self.platform, name="賛助団体", order=9)
        plain = make_member(self.platform, "一般の会員団体", email="plain@alpha.example.jp")
        lifecycle.do_change_tier(plain, other, actor=self.actor())
        plain.refresh_from_db()
        self.assertEqual(plain.tier, other)
