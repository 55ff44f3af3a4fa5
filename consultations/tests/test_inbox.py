"""The counsellors' inbox: /p/<slug>/staff/inbox/ and one conversation."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from consultations.models import (
    CannedReply,
    ChannelKind,
    Conversation,
    ConversationRecord,
    ConversationState,
    Direction,
    InternalNote,
    Message,
    RiskLevel,
)
from consultations.tests.casework import make_conversation
from tsunagari.lib.testing import BaseTestCase


class InboxTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        cls.line = make_conversation(
            cls.platform, "こんばんは", "仕事のことで", label="LN01", at=now - datetime.timedelta(hours=3)
        )
        cls.web = make_conversation(
            cls.platform,
            "はじめまして",
            kind=ChannelKind.WEB,
            label="WB02",
            at=now - datetime.timedelta(hours=2),
        )
        cls.urgent = make_conversation(
            cls.platform, "もう消えたい", label="UR03", urgent=True, at=now - datetime.timedelta(hours=5)
        )
        cls.closed = make_conversation(
            cls.platform, "ありがとう", label="CL04", state=ConversationState.CLOSED
        )
        cls.beta = make_conversation(cls.other_platform, "ベータの相談", label="BT05")
        cls.counsellor = cls.users[Role.COUNSELLOR]

    def setUp(self) -> None:
        self.login(self.counsellor)

    def inbox(self, **params: str):  # type: ignore[no-untyped-def]
        return self.client.get(self.url("consultations:inbox"), params)

    def test_it_lists_every_channel_with_urgent_first_and_closed_left_out(self) -> None:
        response = self.inbox()
        self.assertEqual(response.status_code, 200)
        labels = [c.consulter.label for c in response.context["conversations"]]
        self.assertEqual(labels[0], "UR03")
        self.assertCountEqual(labels, ["UR03", "WB02", "LN01"])
        self.assertNotContains(response, "BT05")
        self.assertContains(response, "Webチャット")

    def test_it_filters_by_state_channel_and_assignment(self) -> None:
        labels = lambda r: [c.consulter.label for c in r.context["conversations"]]  # noqa: E731
        self.assertEqual(labels(self.inbox(state="closed")), ["CL04"])
        self.assertEqual(labels(self.inbox(channel="web")), ["WB02"])
        with scopes_disabled():
            Conversation.objects.filter(pk=self.line.pk).update(assigned_to=self.counsellor)
        self.assertEqual(labels(self.inbox(assigned="me")), ["LN01"])
        self.assertNotIn("LN01", labels(self.inbox(assigned="none")))
        self.assertEqual(labels(self.inbox(urgent="on")), ["UR03"])

    def test_it_searches_the_pseudonym_and_the_recorded_topics_not_the_content(self) -> None:
        self.client.post(
            self.url("consultations:conversation", self.web.uuid),
            {
                "action": "record",
                "rec-topics": ["work", "family"],
                "rec-risk_level": "none",
                "rec-age_band": "30s",
            },
        )
        found = lambda q: [c.consulter.label for c in self.inbox(q=q).context["conversations"]]  # noqa: E731
        self.assertEqual(found("LN01"), ["LN01"])
        self.assertEqual(found("相談者 ln01"), ["LN01"])
        self.assertEqual(found("仕事"), ["WB02"])
        self.assertEqual(found("30代"), ["WB02"])
        self.assertEqual(found("仕事のことで"), [])  # message text is encrypted, never searched

    def test_it_counts_unread_messages_until_the_counsellor_opens_the_conversation(self) -> None:
        rows = {c.consulter.label: c.unread for c in self.inbox().context["conversations"]}
        self.assertEqual(rows["LN01"], 2)
        self.assertEqual(self.inbox().context["summary"], {"messages": 4, "conversations": 3, "urgent": 1})
        self.client.get(self.url("consultations:conversation", self.line.uuid))
        rows = {c.consulter.label: c.unread for c in self.inbox().context["conversations"]}
        self.assertEqual(rows["LN01"], 0)
        with scopes_disabled():
            Message.objects.create(
                platform=self.platform,
                conversation=self.line,
                direction=Direction.INBOUND,
                text="追伸",
                created_at=timezone.now() + datetime.timedelta(seconds=1),
            )
        rows = {c.consulter.label: c.unread for c in self.inbox().context["conversations"]}
        self.assertEqual(rows["LN01"], 1)
        # Another counsellor's reading does not clear this counsellor's count.
        self.assertEqual(self.inbox().context["summary"]["messages"], 3)

    def test_it_answers_htmx_polls_with_the_rows_and_the_live_summary(self) -> None:
        response = self.client.get(self.url("consultations:inbox"), HTTP_HX_REQUEST="true")
        self.assertTemplateUsed(response, "consultations/staff/_inbox_rows.html")
        self.assertTemplateNotUsed(response, "base.html")
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertContains(response, "未読 4件")
        page = self.inbox()
        self.assertContains(page, 'hx-trigger="every 15s"')
        self.assertContains(page, "vendor/htmx/htmx.min.js")
        self.assertContains(page, 'id="conv-')

    def test_it_audits_every_read_of_a_conversation(self) -> None:
        for _i in range(2):
            response = self.client.get(self.url("consultations:conversation", self.line.uuid))
            self.assertContains(response, "仕事のことで")
        with scopes_disabled():
            reads = AuditEntry.objects.filter(action=AuditEntry.READ_SENSITIVE, object_id=str(self.line.uuid))
            self.assertEqual(reads.count(), 2)
            self.assertEqual(reads.first().actor, self.counsellor)  # type: ignore[union-attr]
            self.assertNotIn("仕事", str(list(reads.values_list("data", "object_label"))))

    def test_it_hides_unsent_messages(self) -> None:
        with scopes_disabled():
            first = Message.objects.filter(conversation=self.line).order_by("created_at").first()
            Message.objects.filter(pk=first.pk).update(hidden_at=timezone.now(), text="")  # type: ignore[union-attr]
        response = self.client.get(self.url("consultations:conversation", self.line.uuid))
        self.assertNotContains(response, "こんばんは")
        self.assertContains(response, "仕事のことで")

    def test_it_records_age_band_topics_risk_and_outcome_and_flags_high_risk_urgent(self) -> None:
        url = self.url("consultations:conversation", self.line.uuid)
        data = {
            "action": "record",
            "rec-age_band": "40s",
            "rec-topics": ["family", "suicidal"],
            "rec-risk_level": RiskLevel.HIGH,
            "rec-outcome": "continuing",
        }
        self.assertRedirects(self.client.post(url, data), url)
        with scopes_disabled():
            record = ConversationRecord.objects.get(conversation=self.line)
            self.assertEqual((record.age_band, record.outcome), ("40s", "continuing"))
            self.assertEqual(sorted(record.topics), ["family", "suicidal"])
            self.assertTrue(Conversation.objects.get(pk=self.line.pk).urgent)
        data["rec-topics"] = ["family"]
        self.client.post(url, data)
        with scopes_disabled():
            self.assertEqual(ConversationRecord.objects.get(conversation=self.line).topics, ["family"])
        bad = self.client.post(url, {**data, "rec-age_band": "90s"})
        self.assertEqual(bad.status_code, 200)
        self.assertContains(bad, "正しく選択してください")

    def test_it_keeps_internal_notes_encrypted_at_rest(self) -> None:
        url = self.url("consultations:conversation", self.line.uuid)
        self.client.post(url, {"action": "note", "n-body": "母親の介護で疲れている様子"})
        with scopes_disabled():
            note = InternalNote.objects.get(conversation=self.line)
        self.assertEqual(note.body, "母親の介護で疲れている様子")
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM consultations_internalnote WHERE id = %s", [note.pk])
            raw = cursor.fetchone()[0]
        self.assertNotIn("介護", raw)
        self.assertContains(self.client.get(url), "母親の介護で疲れている様子")

    def test_it_assigns_and_changes_state(self) -> None:
        url = self.url("consultations:conversation", self.line.uuid)
        self.client.post(url, {"action": "assign", "a-assignee": self.counsellor.pk})
        with scopes_disabled():
            conversation = Conversation.objects.get(pk=self.line.pk)
        self.assertEqual(conversation.assigned_to, self.counsellor)
        self.assertEqual(conversation.state, ConversationState.OPEN)
        member_staff = self.users[Role.MEMBER_STAFF]
        response = self.client.post(url, {"action": "assign", "a-assignee": member_staff.pk})
        self.assertContains(response, "正しく選択してください")
        self.client.post(url, {"action": "state", "s-state": "closed"})
        with scopes_disabled():
            self.assertIsNotNone(Conversation.objects.get(pk=self.line.pk).closed_at)

    def test_it_refuses_to_reopen_a_closed_consultation_when_the_person_has_a_new_one(self) -> None:
        with scopes_disabled():
            Conversation.objects.create(
                platform=self.platform, consulter=self.closed.consulter, channel=self.closed.channel
            )
        url = self.url("consultations:conversation", self.closed.uuid)
        response = self.client.post(url, {"action": "state", "s-state": "open"})
        self.assertContains(response, "再開できません")

    def test_it_edits_canned_replies_and_fills_the_reply_box_without_javascript(self) -> None:
        response = self.client.post(
            self.url("consultations:canned"),
            {"c-title": "受付", "c-body": "ご相談ありがとうございます。", "c-order": 1},
        )
        self.assertRedirects(response, self.url("consultations:canned"))
        duplicate = self.client.post(
            self.url("consultations:canned"), {"c-title": "受付", "c-body": "x", "c-order": 2}
        )
        self.assertContains(duplicate, "同じ見出し", status_code=400)
        with scopes_disabled():
            canned = CannedReply.objects.get(platform=self.platform)
        edit = self.url("consultations:canned_edit", canned.uuid)
        self.client.post(
            edit,
            {"c-title": "受付", "c-body": "ご相談ありがとうございます。順番にお返事します。", "c-order": 1},
        )
        page = self.client.get(
            self.url("consultations:conversation", self.line.uuid), {"canned": canned.uuid}
        )
        self.assertContains(page, "ご相談ありがとうございます。順番にお返事します。</textarea>")
        self.client.post(edit, {"action": "delete"})
        with scopes_disabled():
            self.assertFalse(CannedReply.objects.filter(pk=canned.pk).exists())

    def test_it_sends_replies_through_the_conversations_channel(self) -> None:
        url = self.url("consultations:conversation", self.web.uuid)
        empty = self.client.post(url, {"action": "reply", "r-text": "   "})
        self.assertEqual(empty.status_code, 200)
        self.client.post(url, {"action": "reply", "r-text": "お話しくださってありがとうございます。"})
        with scopes_disabled():
            sent = Message.objects.filter(conversation=self.web, direction=Direction.OUTBOUND).get()
            conversation = Conversation.objects.get(pk=self.web.pk)
        self.assertEqual(
            (sent.text, sent.sent_by), ("お話しくださってありがとうございます。", self.counsellor)
        )
        self.assertEqual(conversation.state, ConversationState.WAITING)
        self.assertIsNotNone(conversation.first_response_at)
        closed = self.client.get(self.url("consultations:conversation", self.closed.uuid))
        self.assertNotContains(closed, 'value="reply"')
        refused = self.client.post(
            self.url("consultations:conversation", self.closed.uuid), {"action": "reply", "r-text": "x"}
        )
        self.assertContains(refused, "終了した相談には返信できません。")

    def test_it_lists_the_inbox_in_a_fixed_number_of_queries(self) -> None:
        self.inbox()  # warm up (session, role, platform caches)
        with CaptureQueriesContext(connection) as few:
            self.inbox()
        for index in range(5):
            make_conversation(self.platform, "追加", "もう一つ", label=f"QC{index:02d}")
        with CaptureQueriesContext(connection) as many:
            response = self.inbox()
        self.assertEqual(len(response.context["conversations"]), 8)
        self.assertEqual(len(many), len(few))  # no query per conversation

    def test_it_answers_404_for_another_platforms_conversation(self) -> None:
        response = self.client.get(self.url("consultations:conversation", self.beta.uuid))
        self.assertEqual(response.status_code, 404)

    def test_it_keeps_member_staff_and_viewers_out(self) -> None:
        for kind in (Role.MEMBER_STAFF, Role.VIEWER):
            self.login(self.users[kind])
            self.assertEqual(self.inbox().status_code, 403)
            self.assertEqual(
                self.client.get(self.url("consultations:conversation", self.line.uuid)).status_code, 403
            )
