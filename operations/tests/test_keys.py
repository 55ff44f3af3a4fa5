from __future__ import annotations

from django.core.checks import run_checks
from django.test import TestCase, override_settings
from django_scopes import scope, scopes_disabled

from consultations.services.webchat import do_start
from operations.fingerprints import fingerprint
from operations.models import KeyFingerprint
from operations.queries import key_problems
from operations.services.keys import do_record_key_fingerprints
from platforms.services.creation import do_create_platform

NEW_KEY = "y2m0bH6v2yN2JrA0Zy3lZtYk3x8P5b1m2Hq2JtVq9sQ="
NEW_INDEX_KEY = "a-different-index-key-for-the-test"


class KeyCustodyTestCase(TestCase):
    def setUp(self) -> None:
        KeyFingerprint.objects.all().delete()
        with scopes_disabled():
            self.platform = do_create_platform(name="テスト市", slug="keys", code="062014")
        with scope(platform=self.platform):
            do_start(self.platform, "眠れない夜が続いています")
        do_record_key_fingerprints()

    def errors(self) -> list[str]:
        return [m.id for m in run_checks(databases=["default"]) if m.id == "operations.E001"]

    def test_it_records_prints_not_keys(self) -> None:
        from django.conf import settings

        prints = set(KeyFingerprint.objects.values_list("fingerprint", flat=True))
        self.assertIn(fingerprint(settings.CONSULTATION_KEYS[0]), prints)
        for key in [*settings.CONSULTATION_KEYS, settings.CONSULTATION_INDEX_KEY]:
            self.assertNotIn(key, " ".join(prints))
        self.assertEqual(self.errors(), [])

    def test_it_refuses_to_start_with_new_keys(self) -> None:
        # What restoring without the key files used to do: new keys generated, data unreadable.
        with override_settings(CONSULTATION_KEYS=[NEW_KEY], CONSULTATION_INDEX_KEY=NEW_INDEX_KEY):
            problems = key_problems()
            self.assertEqual(len(self.errors()), len(problems))
        self.assertTrue(any("CONSULTATION_INDEX_KEY" in p for p in problems))
        self.assertTrue(any("cannot decrypt" in p for p in problems))
        self.assertTrue(any("None of CONSULTATION_KEYS" in p for p in problems))

    def test_a_rotation_keeps_working_and_records_the_new_key(self) -> None:
        from django.conf import settings

        rotated = [NEW_KEY, *settings.CONSULTATION_KEYS]
        with override_settings(CONSULTATION_KEYS=rotated):
            self.assertEqual(key_problems(), [])
            do_record_key_fingerprints()
        self.assertTrue(KeyFingerprint.objects.filter(fingerprint=fingerprint(NEW_KEY)).exists())

    def test_mismatched_keys_are_not_recorded_as_the_new_normal(self) -> None:
        with override_settings(CONSULTATION_KEYS=[NEW_KEY]):
            do_record_key_fingerprints()
            self.assertTrue(key_problems())
        self.assertFalse(KeyFingerprint.objects.filter(fingerprint=fingerprint(NEW_KEY)).exists())
