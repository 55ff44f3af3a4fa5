"""Erasure of one person's data on their request (個人情報保護法 利用停止・消去等の請求).

LINE and web chat people, the report of past months unchanged, the audit entry without
content, other people untouched, the receiving organisation seeing nothing afterwards,
the ``consult_erase`` command and the secretariat admin's confirmation page.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations.crypto import blind_index
from consultations.line_fake import make_event
from consultations.models import (
    Case,
    CaseEntry,
    CaseParticipant,
    CaseStatus,
    CaseTask,
    ChannelKind,
    ClosedCaseRecord,
    Consent,
    Consulter,
    Conversation,
    ConversationRecord,
    ConversationState,
    ConversationTopic,
    EventState,
    InboundEvent,
    InternalNote,
    Message,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
)
from consultations.queries import erasure_preview
from consultations.services.privacy import do_erase_person
from consultations.services.referrals import do_create_referral, do_respond
from consultations.services.webchat import do_start, find_by_code
from consultations.tests.casework import actor, make_consent, make_conversation
from consultations.tests.helpers import LineTestCase, run_worker
from tsunagari.lib.browser import BrowserTestCase

USER = "U" + "5" * 32
NEIGHBOUR = "U" + "6" * 32
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


class Terminal(io.StringIO):
    """Someone at a terminal typing an answer."""

    def isatty(self) -> bool:
        return True


def add_casework(conversation: Conversation, receiver, *, answer: str = "") -> Referral:  # type: ignore[no-untyped-def]
    """Record, topics, a note, a consent, a referral sent to ``receiver`` and an open case."""
    platform = conversation.platform
    with scopes_disabled():
        record = ConversationRecord.objects.create(
            platform=platform, conversation=conversation, age_band="30s", outcome="referred"
        )
        ConversationTopic.objects.create(platform=platform, record=record, topic="work")
        ConversationTopic.objects.create(platform=platform, record=record, topic="poverty")
        InternalNote.objects.create(platform=platform, conversation=conversation, body="兄と同居・家賃滞納")
        consent = make_consent(
            conversation,
            receiver,
            items=(ShareItem.SUMMARY, ShareItem.PROFILE, ShareItem.TRANSCRIPT, ShareItem.ASSESSMENT),
        )
    with scope(platform=platform):
        referral = do_create_referral(
            conversation,
            consent,
            receiver_member=receiver,
            receiver_service=None,
            summary="家賃を3か月滞納している30代の方",
            actor=actor(None, platform),
        )
        if answer:
            do_respond(referral, "accept", answer=answer, actor=actor(None, platform))
        case = Case(platform=platform, reference=f"C-ERASE-{conversation.pk}", conversation=conversation)
        case.consent = consent
        case.assessment = "就労と住居の両面で支援が必要"
        case.plan = "家計相談と就労支援を並行"
        case.save()
        CaseParticipant.objects.create(platform=platform, case=case, organisation=receiver)
        task = CaseTask(platform=platform, case=case, organisation=receiver, due_on=timezone.localdate())
        task.description = "家計の見直しに同行"
        task.save()
        entry = CaseEntry(
            platform=platform, case=case, kind=CaseEntry.MEETING, occurred_on=timezone.localdate()
        )
        entry.body = "第1回会議: 兄の協力が得られる"
        entry.save()
    return referral


class ErasureTestCase(LineTestCase):
    def line_person(self, *texts: str, user_id: str = USER) -> Consulter:
        events = [make_event("follow", user_id, reply_token=self.fake.state.issue_reply_token(user_id))]
        events += [make_event("text", user_id, text=text) for text in texts]
        self.assertEqual(self.post_events(*events).status_code, 200)
        run_worker()
        with scope(platform=self.platform):
            return Consulter.objects.get(identity_hash=blind_index(user_id, "line"))

    def erase(self, consulter: Consulter, reason: str = "本人から電話で消去の請求（受付 2026-014）") -> dict:
        with scope(platform=self.platform):
            return do_erase_person(consulter, actor=actor(self.admin, self.platform), reason=reason)

    def test_it_erases_a_line_persons_content_and_forgets_how_to_reach_them(self) -> None:
        person = self.line_person("死にたいくらいつらいです", "職場でいじめられています")
        neighbour = self.line_person("引っ越し先で友達がいません", user_id=NEIGHBOUR)
        with scope(platform=self.platform):
            conversation = Conversation.objects.get(consulter=person)
            self.assertTrue(conversation.urgent)
            self.assertEqual(erasure_preview(person).raw_events, 3)
        counts = self.erase(person)
        self.assertEqual(counts["consultations"], 1)
        self.assertEqual(counts["closed"], 1)
        self.assertEqual(counts["raw_events"], 3)
        self.assertEqual(counts["contact"], 1)
        with scope(platform=self.platform):
            conversation.refresh_from_db()
            self.assertEqual(conversation.state, ConversationState.CLOSED)
            self.assertIsNotNone(conversation.content_deleted_at)
            self.assertEqual(conversation.urgent_reason, "")
            self.assertTrue(conversation.urgent)  # a statistic, not content
            messages = Message.objects.filter(conversation=conversation)
            self.assertEqual(messages.count(), counts["messages"])  # rows stay for the counts
            self.assertEqual({(m.text, m.line_message_id, m.image) for m in messages}, {("", "", None)})
            person.refresh_from_db()
            self.assertEqual((person.line_user_id, person.reply_token, person.reply_token_at), ("", "", None))
            self.assertNotEqual(person.identity_hash, blind_index(USER, "line"))
            self.assertIsNotNone(person.erased_at)
            payloads = dict(InboundEvent.objects.values_list("webhook_event_id", "payload"))
            self.assertEqual(sum(1 for p in payloads.values() if p == ""), 3)
            self.assertEqual(sum(1 for p in payloads.values() if NEIGHBOUR in p), 2)
            kept = Message.objects.get(conversation__consulter=neighbour, direction="in", kind="text")
            self.assertEqual(kept.text, "引っ越し先で友達がいません")
            neighbour.refresh_from_db()
            self.assertEqual(neighbour.line_user_id, NEIGHBOUR)
        # A later message from the same LINE user opens a new consultation, as a new person.
        self.post_events(make_event("text", USER, text="また相談したいです"))
        run_worker()
        with scope(platform=self.platform):
            again = Consulter.objects.get(identity_hash=blind_index(USER, "line"))
            self.assertNotEqual(again.pk, person.pk)
            self.assertEqual(again.line_user_id, USER)
            self.assertEqual(Conversation.objects.filter(consulter=again).count(), 1)
            self.assertEqual(Conversation.objects.filter(consulter=person).count(), 1)

    def test_it_skips_an_identified_event_not_yet_processed(self) -> None:
        person = self.line_person("はじめまして")
        self.post_events(make_event("text", USER, text="まだ処理されていない相談"))
        self.erase(person)
        with scope(platform=self.platform):
            pending = InboundEvent.objects.exclude(state=EventState.DONE)
            self.assertFalse(pending.exists())
        run_worker()
        with scope(platform=self.platform):
            self.assertFalse(Message.objects.filter(text="まだ処理されていない相談").exists())

    def test_it_makes_the_web_chat_code_and_session_stop_working(self) -> None:
        response = self.client.post("/p/alpha/chat/", {"text": "家族のことで相談です"}, follow=True)
        code = response.context["new_code"]
        self.assertEqual(len(code), 19)
        with scope(platform=self.platform):
            person = find_by_code(self.platform, code)
            assert person is not None
        self.assertEqual(self.client.get("/p/alpha/chat/room/").status_code, 200)
        counts = self.erase(person)
        self.assertEqual(counts["messages"], 2)  # the person's message and the automatic answer
        with scope(platform=self.platform):
            self.assertIsNone(find_by_code(self.platform, code))
            self.assertEqual(Conversation.objects.get(consulter=person).web_code_hash, "")
        # The browser session no longer opens the room, and the code no longer resumes it.
        self.assertRedirects(self.client.get("/p/alpha/chat/room/"), "/p/alpha/chat/")
        resumed = self.client.post("/p/alpha/chat/resume/", {"code": code})
        self.assertEqual(resumed.status_code, 400)
        self.assertContains(resumed, "見つかりませんでした", status_code=400)
        with self.assertRaisesMessage(CommandError, "code of an erased person no longer works"):
            call_command("consult_export", "alpha", "--code", code, stdout=io.StringIO())

    def report(self) -> dict:
        out = io.StringIO()
        call_command(
            "consult_report", "alpha", "--from", "2026-03-01", "--to", "2026-03-31", "--json", stdout=out
        )
        return json.loads(out.getvalue())

    def test_it_leaves_the_report_of_past_months_unchanged(self) -> None:
        march = datetime.datetime(2026, 3, 10, 19, tzinfo=TOKYO)
        first = make_conversation(
            self.platform, "仕事がない", "家賃が払えない", at=march, state="closed", closed_at=march
        )
        with scopes_disabled():  # the same person comes back a week later; still open
            second = make_conversation(
                self.platform, "まだ困っています", at=march + datetime.timedelta(days=7)
            )
            second.consulter = first.consulter
            second.save()
        referral = add_casework(second, self.member_org, answer="来週面談します")
        with scope(platform=self.platform):
            Referral.objects.filter(pk=referral.pk).update(
                status=ReferralStatus.COMPLETED, outcome="service_started", created_at=march
            )
        make_conversation(self.platform, "別の人", kind=ChannelKind.WEB, at=march)
        before = self.report()
        self.assertEqual((before["consulters"], before["consultations"]), (2, 3))
        counts = self.erase(first.consulter)
        self.assertEqual(counts["consultations"], 2)
        self.assertEqual(counts["closed"], 1)
        self.assertEqual(counts["cases_closed"], 1)
        self.assertEqual(self.report(), before)
        with scope(platform=self.platform):
            # The closed case left its anonymous record (dated today, not in March).
            self.assertEqual(ClosedCaseRecord.objects.get().topics, ["work", "poverty"])

    def test_it_stops_sharing_with_the_receiving_organisation(self) -> None:
        conversation = make_conversation(self.platform, "借金の返済に追われています")
        referral = add_casework(conversation, self.member_org, answer="来週面談します")
        with scope(platform=self.platform):
            case = Case.objects.get(conversation=conversation)
        staff = self.users[Role.MEMBER_STAFF]
        self.login(staff)
        url = f"/p/alpha/staff/referrals/{referral.uuid}/"
        page = self.client.get(url)
        for shared in ("家賃を3か月滞納", "借金の返済", "来週面談します"):
            self.assertContains(page, shared)
        self.assertEqual(self.client.get(f"/p/alpha/staff/cases/{case.uuid}/").status_code, 200)
        counts = self.erase(conversation.consulter)
        self.assertEqual(counts["consents_withdrawn"], 1)
        self.assertEqual(counts["referrals_cancelled"], 1)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)  # the receiver keeps the referral's path ...
        for shared in ("家賃を3か月滞納", "借金の返済", "来週面談します", "30代", "仕事"):
            self.assertNotContains(page, shared)  # ... and sees none of what was shared
        self.assertContains(page, "同意を撤回")
        self.assertEqual(self.client.get(f"/p/alpha/staff/cases/{case.uuid}/").status_code, 404)
        with scope(platform=self.platform):
            referral.refresh_from_db()
            self.assertEqual(referral.status, ReferralStatus.CANCELLED)
            self.assertEqual((referral.summary, referral.answer), ("", ""))
            self.assertFalse(ReferralEvent.objects.filter(referral=referral).exclude(note="").exists())
            consent = Consent.objects.get(conversation=conversation)
            self.assertIsNotNone(consent.withdrawn_at)
            self.assertEqual(consent.statement, "")
            case.refresh_from_db()
            self.assertEqual((case.status, case.assessment, case.plan), (CaseStatus.CLOSED, "", ""))
            self.assertEqual(set(CaseTask.objects.values_list("description", flat=True)), {""})
            self.assertEqual(set(CaseEntry.objects.values_list("body", flat=True)), {""})
            self.assertEqual(set(InternalNote.objects.values_list("body", flat=True)), {""})
            record = ConversationRecord.objects.get(conversation=conversation)
            self.assertEqual((record.age_band, record.outcome), ("30s", "referred"))

    def test_it_writes_an_audit_entry_without_content_and_says_so_when_nothing_is_left(self) -> None:
        conversation = make_conversation(self.platform, "誰にも言えない悩みがあります")
        add_casework(conversation, self.member_org)
        other = make_conversation(self.platform, "別の人の相談")
        first = self.erase(conversation.consulter, "本人からの消去請求（窓口で本人確認済み）")
        entry = AuditEntry.objects.get(action="consultation.person_erased")
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.object_id, str(conversation.consulter.uuid))
        self.assertEqual(entry.data["reason"], "本人からの消去請求（窓口で本人確認済み）")
        self.assertEqual(entry.data["messages"], first["messages"])
        self.assertFalse(entry.data["nothing_left"])
        everything = json.dumps(
            list(AuditEntry.objects.values("data", "object_label", "actor_label")), ensure_ascii=False
        )
        for content in ("誰にも言えない", "兄と同居", "家賃を3か月", "就労と住居", "市の窓口に伝えて"):
            self.assertNotIn(content, everything)
        # Erasing again is harmless and says that nothing was left.
        second = self.erase(conversation.consulter)
        self.assertEqual(set(second.values()), {0})
        last = AuditEntry.objects.filter(action="consultation.person_erased").order_by("-id").first()
        assert last is not None
        self.assertTrue(last.data["nothing_left"])
        with scope(platform=self.platform):
            self.assertTrue(erasure_preview(Consulter.objects.get(pk=conversation.consulter_id)).nothing_left)
            kept = Message.objects.get(conversation=other)
            self.assertEqual(kept.text, "別の人の相談")

    def test_it_refuses_an_erasure_without_a_reason(self) -> None:
        conversation = make_conversation(self.platform, "相談")
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError), scope(platform=self.platform):
            do_erase_person(conversation.consulter, actor=actor(self.admin, self.platform), reason="  ")
        with scope(platform=self.platform):
            self.assertEqual(Message.objects.get(conversation=conversation).text, "相談")


class EraseCommandTestCase(LineTestCase):
    def person(self) -> tuple[Consulter, str]:
        with scope(platform=self.platform):
            consulter, _received, code = do_start(self.platform, "仕事を辞めたいです")
        return consulter, code

    def command(self, *args: str, stdin: io.StringIO | None = None) -> str:
        out = io.StringIO()
        call_command("consult_erase", "alpha", *args, stdout=out, stdin=stdin or io.StringIO())
        return out.getvalue()

    def texts(self, consulter: Consulter) -> list[str]:
        with scope(platform=self.platform):
            return [m.text for m in Message.objects.filter(conversation__consulter=consulter, direction="in")]

    def test_it_erases_with_yes_and_says_nothing_was_left_the_second_time(self) -> None:
        consulter, _code = self.person()
        out = self.command("--person", str(consulter.uuid), "--reason", "本人の請求", "--yes")
        self.assertIn("messages with content 2", out)
        self.assertIn(f"Erased {consulter.uuid}", out)
        self.assertEqual(self.texts(consulter), [""])
        again = self.command("--person", str(consulter.uuid), "--reason", "本人の請求", "--yes")
        self.assertIn("already erased", again)
        self.assertIn("Nothing was left to erase", again)

    def test_it_refuses_without_yes_when_nobody_can_confirm(self) -> None:
        consulter, code = self.person()
        with self.assertRaisesMessage(CommandError, "run again with --yes"):
            self.command("--code", code, "--reason", "本人の請求")
        self.assertEqual(self.texts(consulter), ["仕事を辞めたいです"])

    def test_it_asks_at_a_terminal_and_erases_only_on_yes(self) -> None:
        consulter, code = self.person()
        with self.assertRaisesMessage(CommandError, "not erased (not confirmed)"):
            self.command("--code", code, "--reason", "本人の請求", stdin=Terminal("no\n"))
        self.assertEqual(self.texts(consulter), ["仕事を辞めたいです"])
        out = self.command("--code", code.lower(), "--reason", "本人の請求", stdin=Terminal("yes\n"))
        self.assertIn("Type 'yes' to erase", out)
        self.assertIn("Erased", out)
        self.assertEqual(self.texts(consulter), [""])

    def test_it_names_a_bad_uuid_an_unknown_person_a_bad_code_and_an_empty_reason(self) -> None:
        consulter, _code = self.person()
        cases = [
            (("--person", "not-a-uuid", "--reason", "x", "--yes"), "--person: not a uuid: 'not-a-uuid'"),
            (
                ("--person", "0b0e8f4e-5a49-4c36-9b1a-1f1e4b0c0d11", "--reason", "x", "--yes"),
                "--person: no person 0b0e8f4e-5a49-4c36-9b1a-1f1e4b0c0d11 on platform 'alpha'",
            ),
            (
                ("--code", "AAAA-BBBB-CCCC-DDDD", "--reason", "x", "--yes"),
                "no person with this web chat code",
            ),
            (("--person", str(consulter.uuid), "--reason", "  ", "--yes"), "--reason must not be empty"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.command(*args)
        with self.assertRaisesMessage(CommandError, "unknown platform: 'nowhere'"):
            call_command("consult_erase", "nowhere", "--person", str(consulter.uuid), "--reason", "x")
        # Another platform's person is not found on this one.
        with self.assertRaisesMessage(CommandError, "no person"):
            call_command("consult_erase", "beta", "--person", str(consulter.uuid), "--reason", "x", "--yes")
        self.assertEqual(self.texts(consulter), ["仕事を辞めたいです"])


class ErasurePageTestCase(LineTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.conversation = make_conversation(self.platform, "夜眠れません", "仕事がつらい")
        self.url = f"/p/alpha/staff/consultations/people/{self.conversation.consulter.uuid}/erase/"

    def test_it_shows_what_will_be_erased_and_erases_on_post_with_a_reason(self) -> None:
        add_casework(self.conversation, self.member_org)
        self.login(self.admin)
        detail = self.client.get(f"/p/alpha/staff/inbox/{self.conversation.uuid}/")
        self.assertContains(detail, self.url)
        page = self.client.get(self.url)
        self.assertContains(page, "この方の記録を消去")
        self.assertContains(page, "本文・画像の残っている2件")
        self.assertContains(page, "1件（うち紹介先へ送付済み 1件）")
        self.assertContains(page, "csrfmiddlewaretoken")
        self.assertEqual(self.texts(), ["夜眠れません", "仕事がつらい"])  # GET erases nothing
        missing = self.client.post(self.url, {"reason": "", "confirm": "on"})
        self.assertContains(missing, "消去の理由", status_code=400)
        unconfirmed = self.client.post(self.url, {"reason": "本人の請求"})
        self.assertContains(unconfirmed, "確認の欄にチェックを入れてください。", status_code=400)
        self.assertEqual(self.texts(), ["夜眠れません", "仕事がつらい"])
        done = self.client.post(self.url, {"reason": "本人の請求（電話）", "confirm": "on"}, follow=True)
        self.assertRedirects(done, f"/p/alpha/staff/inbox/{self.conversation.uuid}/")
        self.assertContains(done, "の記録を消去しました（相談 1件、メッセージ 2件）")
        self.assertContains(done, "消去されました")
        self.assertEqual(self.texts(), ["", ""])
        again = self.client.post(self.url, {"reason": "本人の請求（電話）", "confirm": "on"}, follow=True)
        self.assertContains(again, "消去するものはありませんでした")

    def test_it_lets_only_the_secretariat_admin_in(self) -> None:
        for kind in (Role.SECRETARIAT_STAFF, Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            self.login(self.users[kind])
            with self.subTest(kind=kind):
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"reason": "x", "confirm": "on"})
                self.assertEqual(response.status_code, 403)
        self.login(self.users[Role.COUNSELLOR])
        self.assertNotContains(self.client.get(f"/p/alpha/staff/inbox/{self.conversation.uuid}/"), self.url)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.texts(), ["夜眠れません", "仕事がつらい"])

    def texts(self) -> list[str]:
        with scope(platform=self.platform):
            return [m.text for m in Message.objects.filter(conversation=self.conversation)]


@pytest.mark.browser
class ErasurePageBrowserTestCase(BrowserTestCase):
    def test_it_shows_the_confirmation_page_on_a_phone_and_a_desktop(self) -> None:
        conversation = make_conversation(self.platform, "夜眠れません", label="E5RA")
        add_casework(conversation, self.member_org)
        url = self.live_url("consultations:person_erase", "alpha", conversation.consulter.uuid)
        paths = self.screenshots(url, "consultations-person-erase", user=self.admin)
        self.assertTrue(all(path.exists() for path in paths.values()))
        page = self.new_page("mobile", user=self.admin)
        page.goto(url)
        page.get_by_role("button", name="記録を消去する").click()
        self.assertIn("確認の欄にチェックを入れてください。", page.locator(".error-summary").inner_text())
        page.get_by_label("消去の理由").fill("本人から電話で消去の請求")
        page.get_by_label("消去した記録は元に戻せないことを確認しました").check()
        page.get_by_role("button", name="記録を消去する").click()
        page.wait_for_url(f"**/inbox/{conversation.uuid}/")
        self.assertIn("記録を消去しました", page.content())
