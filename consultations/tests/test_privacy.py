from __future__ import annotations

import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from audit.models import AuditEntry
from consultations.models import Consulter, Conversation, EventState, InboundEvent, Message
from consultations.services.channels import desk_settings, web_channel
from consultations.services.conversations import do_close
from consultations.services.privacy import do_apply_retention, read_conversation
from consultations.services.webchat import do_start
from consultations.tests.casework import actor
from tsunagari.lib.testing import BaseTestCase


class PrivacyTestCase(BaseTestCase):
    def started(self, text: str = "仕事のことで悩んでいます") -> tuple[Consulter, Conversation, str]:
        with scope(platform=self.platform):
            consulter, received, code = do_start(self.platform, text)
            return consulter, received.conversation, code

    def test_it_audits_every_read_of_a_conversation(self) -> None:
        _consulter, conversation, _code = self.started()
        with scope(platform=self.platform):
            messages = list(
                read_conversation(conversation, actor=actor(self.users["counsellor"], self.platform))
            )
            read_conversation(conversation, actor=actor(self.users["counsellor"], self.platform))
        self.assertEqual(messages[0].text, "仕事のことで悩んでいます")
        entries = AuditEntry.objects.filter(
            action=AuditEntry.READ_SENSITIVE, object_id=str(conversation.uuid)
        )
        self.assertEqual(entries.count(), 2)
        self.assertNotIn("仕事", json.dumps(list(entries.values_list("data", flat=True)), ensure_ascii=False))

    def test_it_erases_content_after_the_retention_period_and_keeps_the_counts(self) -> None:
        consulter, conversation, _code = self.started()
        recent_consulter, recent, _c = self.started("最近の相談")
        with scope(platform=self.platform):
            desk = desk_settings(self.platform)
            desk.retention_months = 12
            desk.save()
            do_close(conversation, actor=actor(self.users["counsellor"], self.platform))
            long_ago = timezone.now() - datetime.timedelta(days=400)
            Conversation.objects.filter(pk=conversation.pk).update(
                closed_at=long_ago, last_message_at=long_ago
            )
            Consulter.objects.filter(pk=consulter.pk).update(first_contact_at=long_ago)
            counts = do_apply_retention(self.platform)
            self.assertEqual(counts["consultations"], 1)
            old = Message.objects.filter(conversation=conversation)
            self.assertTrue(old.exists())  # the messages are still counted ...
            self.assertTrue(all(m.text == "" for m in old))  # ... with nothing left to read
            self.assertEqual(Message.objects.filter(conversation=recent).first().text, "最近の相談")
            self.assertIsNotNone(Conversation.objects.get(pk=conversation.pk).content_deleted_at)
            self.assertIsNone(Consulter.objects.get(pk=recent_consulter.pk).content_deleted_at)
            # Re-running erases nothing more.
            self.assertEqual(do_apply_retention(self.platform)["consultations"], 0)

    def test_it_erases_old_raw_webhook_payloads(self) -> None:
        with scope(platform=self.platform):
            from consultations.services.channels import do_configure_line

            channel = do_configure_line(self.platform, secret="a" * 32, token="t")
            event = InboundEvent.objects.create(
                platform=self.platform,
                channel=channel,
                webhook_event_id="E1",
                event_type="message",
                payload='{"text": "x"}',
                state=EventState.DONE,
                received_at=timezone.now() - datetime.timedelta(days=31),
            )
            call_command("consult_retention", "--platform", "alpha", stdout=StringIO())
            event.refresh_from_db()
            self.assertEqual(event.payload, "")

    def test_it_exports_one_persons_data_and_audits_the_export(self) -> None:
        consulter, _conversation, code = self.started()
        out = StringIO()
        call_command("consult_export", "alpha", "--code", code.lower(), stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual(data["consultations"][0]["messages"][0]["text"], "仕事のことで悩んでいます")
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.EXPORT, object_id=str(consulter.uuid)).exists()
        )

    def test_it_lets_only_the_admin_download_an_export(self) -> None:
        consulter, _conversation, _code = self.started()
        url = f"/p/alpha/staff/consultations/people/{consulter.uuid}/export.json"
        self.login(self.users["counsellor"])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.admin)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(response.json()["person"]["channel"], "web")

    def test_it_keeps_web_channel_people_apart_per_platform(self) -> None:
        self.started()
        with scope(platform=self.other_platform):
            self.assertFalse(Consulter.objects.filter(channel=web_channel(self.other_platform)).exists())
