"""Registration rules: capacity, deadline, duplicates, the waiting list and its automatic promotion."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from events.models import Event, Registration
from events.queries import seats_left
from events.services.registration import (
    RegistrationError,
    SignUp,
    do_cancel,
    do_confirm_offer,
    do_draw_lottery,
    do_expire_offers,
    do_register,
    do_walk_in,
)
from events.tests.helpers import make_event, register, staff_actor, statuses
from tsunagari.lib.mail import OutboxMail
from tsunagari.lib.smtp import SmtpServer, body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase

C, W, OFFERED, X = "confirmed", "waitlisted", "offered", "cancelled"


class RegistrationTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.event = make_event(self.platform)

    def test_it_confirms_up_to_capacity_then_waitlists_in_order(self) -> None:
        for name in "abcde":
            register(self.event, f"{name}@example.jp")
        self.assertEqual(
            statuses(self.event),
            [
                ("a@example.jp", C),
                ("b@example.jp", C),
                ("c@example.jp", C),
                ("d@example.jp", W),
                ("e@example.jp", W),
            ],
        )
        with scopes_disabled():
            self.assertEqual(seats_left(self.event, "venue"), 0)

    def test_it_refuses_when_full_without_a_waiting_list(self) -> None:
        event = make_event(self.platform, "full", capacity_venue=1, waitlist=False)
        register(event, "a@example.jp")
        with self.assertRaisesMessage(RegistrationError, "定員に達したため"):
            register(event, "b@example.jp")
        self.assertEqual(statuses(event), [("a@example.jp", C)])

    def test_it_promotes_the_first_waiting_person_when_a_seat_frees(self) -> None:
        people = [register(self.event, f"{n}@example.jp") for n in "abcde"]
        with scopes_disabled(), smtp_server() as inbox, self.mail_sent():
            promoted = do_cancel(people[1])
        self.assertEqual([p.email for p in promoted], ["d@example.jp"])
        self.assertEqual(
            statuses(self.event),
            [
                ("a@example.jp", C),
                ("b@example.jp", X),
                ("c@example.jp", C),
                ("d@example.jp", OFFERED),
                ("e@example.jp", W),
            ],
        )
        by_recipient = {m["To"]: m for m in inbox}
        self.assertIn("取り消しました", body_of(by_recipient["b@example.jp"]))
        offer = body_of(by_recipient["d@example.jp"])
        self.assertIn("席が空きました", by_recipient["d@example.jp"]["Subject"])
        self.assertIn("確定の期限", offer)
        self.assertIn(f"/p/alpha/events/forum/r/{people[3].uuid}/", offer)

    def test_it_confirms_an_offer_and_refuses_a_replayed_confirm(self) -> None:
        people = [register(self.event, f"{n}@example.jp") for n in "abcd"]
        with scopes_disabled():
            do_cancel(people[0])
            confirmed = do_confirm_offer(people[3])
            self.assertEqual(confirmed.status, C)
            with self.assertRaisesMessage(RegistrationError, "既に参加確定"):
                do_confirm_offer(people[3])

    def test_it_passes_an_expired_offer_to_the_next_person(self) -> None:
        people = [register(self.event, f"{n}@example.jp") for n in "abcdef"]
        with scopes_disabled():
            do_cancel(people[0])  # d is offered the seat for 48 hours
            later = timezone.now() + datetime.timedelta(hours=49)
            promoted = do_expire_offers(self.event, now=later)
            self.assertEqual([p.email for p in promoted], ["e@example.jp"])
            with self.assertRaisesMessage(RegistrationError, "期限を過ぎました"):
                do_confirm_offer(Registration.objects.get(pk=people[3].pk), now=later)
        self.assertEqual([s for _e, s in statuses(self.event)], [X, C, C, X, OFFERED, W])

    def test_it_releases_expired_offers_when_anyone_registers(self) -> None:
        people = [register(self.event, f"{n}@example.jp") for n in "abcd"]
        with scopes_disabled():
            do_cancel(people[0])
            later = timezone.now() + datetime.timedelta(hours=49)
            late = do_register(self.event, SignUp(name="f", email="f@example.jp"), now=later)
        # d's offer lapsed: the seat was free again and f (the only one asking) takes it.
        self.assertEqual(late.status, C)
        self.assertEqual([s for _e, s in statuses(self.event)], [X, C, C, X, C])

    def test_it_never_offers_beyond_the_start_of_the_event(self) -> None:
        event = make_event(
            self.platform,
            "soon",
            starts_at=timezone.now() + datetime.timedelta(hours=5),
            deadline=None,
            capacity_venue=1,
        )
        first, second = register(event, "a@example.jp"), register(event, "b@example.jp")
        with scopes_disabled():
            do_cancel(first)
            second.refresh_from_db()
        self.assertLessEqual(second.offer_expires_at, event.starts_at)

    def test_it_refuses_after_the_deadline_but_staff_take_phone_sign_ups(self) -> None:
        with time_machine.travel(self.event.deadline + datetime.timedelta(minutes=1)):
            with self.assertRaisesMessage(RegistrationError, "締切を過ぎました"):
                register(self.event, "late@example.jp")
            with scopes_disabled():
                phoned = do_register(
                    self.event,
                    SignUp(name="電話 太郎", phone="077-528-3512"),
                    source=Registration.Source.PHONE,
                    actor=staff_actor(self.admin, self.platform),
                )
        self.assertEqual(phoned.status, C)
        self.assertEqual(phoned.entered_by, self.admin)

    def test_it_refuses_a_second_registration_with_the_same_email_in_any_width_or_case(self) -> None:
        register(self.event, "Hanako@Example.jp")
        for variant in ("hanako@example.jp", "ＨＡＮＡＫＯ＠ｅｘａｍｐｌｅ．ｊｐ", " hanako@example.jp "):
            with self.assertRaisesMessage(RegistrationError, "既に申し込まれています"):
                register(self.event, variant)
        self.assertEqual(len(statuses(self.event)), 1)

    def test_it_takes_the_same_email_again_after_a_cancellation(self) -> None:
        first = register(self.event, "a@example.jp")
        with scopes_disabled():
            do_cancel(first)
        again = register(self.event, "a@example.jp")
        self.assertEqual(again.status, C)

    def test_it_refuses_malformed_emails_and_missing_names(self) -> None:
        for bad in ("taro", "taro@", "taro@@example.jp", "taro example.jp"):
            with self.assertRaisesMessage(RegistrationError, "形式が正しくありません"):
                register(self.event, bad, name="太郎")
        with self.assertRaisesMessage(RegistrationError, "お名前"), scopes_disabled():
            do_register(self.event, SignUp(name="  ", email="a@example.jp"))

    def test_it_refuses_drafts_cancelled_and_started_events(self) -> None:
        draft = make_event(self.platform, "draft", status=Event.Status.DRAFT)
        with self.assertRaisesMessage(RegistrationError, "受け付けていません"):
            register(draft, "a@example.jp")
        gone = make_event(self.platform, "gone", status=Event.Status.CANCELLED)
        with self.assertRaisesMessage(RegistrationError, "中止"):
            register(gone, "a@example.jp")
        started = make_event(
            self.platform, "started", starts_at=timezone.now() - datetime.timedelta(minutes=5), deadline=None
        )
        with self.assertRaisesMessage(RegistrationError, "開始時刻を過ぎた"):
            register(started, "a@example.jp")

    def test_it_counts_seats_per_mode(self) -> None:
        hybrid = make_event(self.platform, "hybrid", capacity_venue=1, capacity_online=2)
        register(hybrid, "a@example.jp")
        online = [register(hybrid, f"o{n}@example.jp", mode="online") for n in range(2)]
        late_room = register(hybrid, "b@example.jp")
        late_online = register(hybrid, "o9@example.jp", mode="online")
        self.assertEqual([p.status for p in online], [C, C])
        self.assertEqual((late_room.status, late_online.status), (W, W))
        with scopes_disabled():
            promoted = do_cancel(online[0])
        self.assertEqual([p.email for p in promoted], ["o9@example.jp"])  # not b, who waits for the room

    def test_it_refuses_a_mode_the_event_does_not_offer(self) -> None:
        with self.assertRaisesMessage(RegistrationError, "参加方法"):
            register(self.event, "a@example.jp", mode="online")

    def test_it_sends_the_online_link_only_to_confirmed_registrants(self) -> None:
        event = make_event(
            self.platform,
            "web",
            capacity_venue=0,
            capacity_online=1,
            online_url="https://meet.example.jp/secret",
        )
        with smtp_server() as inbox, self.mail_sent():
            register(event, "a@example.jp", mode="online")
        with smtp_server() as waiting, self.mail_sent():
            register(event, "b@example.jp", mode="online")
        self.assertIn("https://meet.example.jp/secret", body_of(inbox[0]))
        self.assertIn("キャンセル待ち", body_of(waiting[0]))
        self.assertNotIn("meet.example.jp", body_of(waiting[0]))

    def test_it_refuses_a_second_cancellation(self) -> None:
        person = register(self.event, "a@example.jp")
        with scopes_disabled():
            do_cancel(person)
            with self.assertRaisesMessage(RegistrationError, "既に取り消されています"):
                do_cancel(person)

    def test_it_seats_walk_ins_over_capacity_and_checks_them_in(self) -> None:
        for n in "abcd":
            register(self.event, f"{n}@example.jp")
        with scopes_disabled():
            walk_in = do_walk_in(
                self.event, SignUp(name="当日 花子"), actor=staff_actor(self.admin, self.platform)
            )
        self.assertEqual(walk_in.status, C)
        self.assertIsNotNone(walk_in.checked_in_at)

    def test_it_draws_a_lottery_and_keeps_the_drawn_order_for_the_waiting_list(self) -> None:
        event = make_event(self.platform, "lot", allocation=Event.Allocation.LOTTERY, capacity_venue=2)
        for n in "abcde":
            self.assertEqual(register(event, f"{n}@example.jp").status, "applied")
        with scopes_disabled():
            counts = do_draw_lottery(event, actor=staff_actor(self.admin, self.platform))
            self.assertEqual(counts, {"won": 2, "waiting": 3, "lost": 0})
            with self.assertRaisesMessage(RegistrationError, "既に行いました"):
                do_draw_lottery(event, actor=staff_actor(self.admin, self.platform))
            waiting = list(
                Registration.objects.filter(event=event, status=W)
                .order_by("created_at")
                .values_list("email", flat=True)
            )
            winner = Registration.objects.filter(event=event, status=C).first()
            assert winner is not None
            promoted = do_cancel(winner)
        self.assertEqual([p.email for p in promoted], waiting[:1])

    def test_it_writes_an_audit_entry_for_every_step(self) -> None:
        person = register(self.event, "a@example.jp")
        with scopes_disabled():
            do_cancel(person)
            actions = list(AuditEntry.objects.filter(platform=self.platform).values_list("action", flat=True))
        self.assertIn("events.register", actions)
        self.assertIn("events.cancel", actions)

    def test_it_keeps_registrations_when_smtp_is_down(self) -> None:
        with SmtpServer().settings(), self.mail_sent():  # configured, never started: refused
            person = register(self.event, "a@example.jp")
        self.assertEqual(person.status, C)
        self.assertEqual(statuses(self.event), [("a@example.jp", C)])
        with scopes_disabled():
            stored = OutboxMail.objects.get(key=f"events.registered:{person.uuid}")
        self.assertEqual(stored.state, OutboxMail.State.QUEUED)  # kept for the next try, not lost
        self.assertTrue(stored.last_error)
