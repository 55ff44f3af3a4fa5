"""One consent shape and one check of its terms for the person's and a household member's consent."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import timezone

from consultations.models import Consent, MemberConsent, ShareItem
from consultations.models.casework import ConsentBase
from consultations.services.referrals import checked_consent_terms


class ConsentTermsTests(SimpleTestCase):
    def test_both_consents_share_one_base_and_keep_their_own_tables(self) -> None:
        self.assertTrue(issubclass(Consent, ConsentBase))
        self.assertTrue(issubclass(MemberConsent, ConsentBase))
        self.assertEqual(Consent._meta.db_table, "consultations_consent")
        self.assertEqual(MemberConsent._meta.db_table, "consultations_memberconsent")
        shared = {"items", "organisations", "city_divisions", "valid_until", "statement", "withdrawn_at"}
        for model in (Consent, MemberConsent):
            self.assertTrue(shared <= {field.name for field in model._meta.get_fields()})

    def test_the_terms_are_checked_in_one_place(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        items, bodies = checked_consent_terms(
            [ShareItem.PROFILE, ShareItem.SUMMARY, "not-an-item"], [], True, tomorrow
        )
        self.assertEqual(items, [ShareItem.SUMMARY, ShareItem.PROFILE])
        self.assertEqual(bodies, [])
        refusals = [
            (([], [], True, tomorrow), "共有してよい情報を1つ以上"),
            (([ShareItem.SUMMARY], [], False, tomorrow), "共有してよい団体か市役所内の関係課"),
            (([ShareItem.SUMMARY], [], True, tomorrow - datetime.timedelta(days=2)), "同意の期限"),
        ]
        for args, message in refusals:
            with self.subTest(message), self.assertRaisesMessage(ValidationError, message):
                checked_consent_terms(*args)
