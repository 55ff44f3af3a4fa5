"""Retention reaches the casework: notes, consent wording, referral and case texts are erased."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope

from consultations.models import (
    Case,
    CaseStatus,
    Consent,
    ConversationState,
    InternalNote,
    Referral,
    ReferralEvent,
    ShareItem,
)
from consultations.services.channels import desk_settings
from consultations.services.privacy import do_apply_retention
from consultations.tests.casework import make_consent, make_conversation
from tsunagari.lib.testing import BaseTestCase


class CaseworkRetentionTestCase(BaseTestCase):
    def test_it_erases_casework_text_of_expired_consultations_and_keeps_the_rows(self) -> None:
        long_ago = timezone.now() - datetime.timedelta(days=400)
        old = make_conversation(
            self.platform, "古い相談", state=ConversationState.CLOSED, closed_at=long_ago, at=long_ago
        )
        recent = make_conversation(self.platform, "最近の相談")
        with scope(platform=self.platform):
            desk = desk_settings(self.platform)
            desk.retention_months = 12
            desk.save()
            for conversation in (old, recent):
                InternalNote.objects.create(
                    platform=self.platform, conversation=conversation, body="家族の事情メモ"
                )
                consent = make_consent(
                    conversation, self.member_org, items=(ShareItem.SUMMARY, ShareItem.ASSESSMENT)
                )
                referral = Referral.objects.create(
                    platform=self.platform,
                    conversation=conversation,
                    consent=consent,
                    receiver_member=self.member_org,
                    due_on=timezone.localdate(),
                    summary="要約",
                    answer="回答",
                )
                ReferralEvent.objects.create(
                    platform=self.platform,
                    referral=referral,
                    kind="created",
                    status="requested",
                    note="経過メモ",
                )
                Case.objects.create(
                    platform=self.platform,
                    reference=f"C-{conversation.pk}",
                    conversation=conversation,
                    consent=consent,
                    status=CaseStatus.CLOSED,
                    assessment="見立て",
                    plan="方針",
                )
            counts = do_apply_retention(self.platform)
            self.assertEqual(counts["consultations"], 1)
            self.assertGreater(counts["casework"], 0)
            self.assertEqual(InternalNote.objects.get(conversation=old).body, "")
            self.assertEqual(Consent.objects.get(conversation=old).statement, "")
            referral = Referral.objects.get(conversation=old)
            self.assertEqual((referral.summary, referral.answer), ("", ""))
            self.assertEqual(ReferralEvent.objects.get(referral=referral).note, "")
            self.assertEqual(Case.objects.get(conversation=old).assessment, "")
            # The recent consultation keeps everything.
            self.assertEqual(InternalNote.objects.get(conversation=recent).body, "家族の事情メモ")
            self.assertEqual(Referral.objects.get(conversation=recent).summary, "要約")
            self.assertEqual(Case.objects.get(conversation=recent).plan, "方針")
