"""Secret rotation with an overlap window (issue 16; docs/operations.md): during the overlap the
old and the new secret are both accepted; after it only the new one.

- ``SECRET_KEY`` with ``SECRET_KEY_FALLBACKS``: sessions and invitation links signed before the
  rotation keep working while the old key is a fallback, and stop when it is removed.
- The LINE channel secret: a webhook signed with the new secret is accepted at once even by a
  process that cached the old one (it was refused for up to 10 s before), and one signed with the
  old secret is accepted for ``LINE_SECRET_OVERLAP_SECONDS`` after the change, not after.
(``CONSULTATION_KEYS``: consultations/tests/test_crypto.py rotates and re-encrypts.)"""

from __future__ import annotations

import datetime
import time

import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_scopes import scope

from accounts.models import Role
from accounts.permissions import Actor
from accounts.queries import invitation_url
from accounts.services.invitations import do_invite
from consultations.line_fake import make_event
from consultations.models import Channel, ChannelKind
from consultations.services.channels import do_configure_line
from consultations.tests.helpers import SECRET, LineTestCase
from consultations.views import line as line_views
from tsunagari.lib.testing import BaseTestCase

OLD_KEY = "old-secret-key-" + "x" * 40
NEW_KEY = "new-secret-key-" + "y" * 40
NEW_LINE_SECRET = "fedcba9876543210fedcba9876543210"


class SecretKeyRotationTestCase(BaseTestCase):
    def test_it_keeps_sessions_and_invitation_links_during_the_overlap_only(self) -> None:
        with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
            self.login(self.admin)
            self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 200)
            with scope(platform=self.platform):
                invitation = do_invite(
                    email="rotation@example.jp",
                    name="回転",
                    kind=Role.VIEWER,
                    actor=Actor.of_role(self.admin.roles.get()),
                )
            link = invitation_url(invitation).split("://", 1)[-1].split("/", 1)[1]
        # A second session, signed in before the rotation, that is not used during the overlap.
        idle = Client()
        with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
            self.login(self.admin, idle)
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
            # Used during the overlap: still signed in (and moved to the new key by Django).
            self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 200)
            self.assertEqual(self.client.get("/" + link).status_code, 200)
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
            self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 200)
            self.assertEqual(self.client.get("/" + link).status_code, 410)
            self.assertEqual(idle.get("/p/alpha/staff/").status_code, 302)  # signed out


class LineSecretRotationTestCase(LineTestCase):
    def test_it_accepts_the_new_secret_at_once_and_the_old_one_within_the_overlap(self) -> None:
        with scope(platform=self.platform):
            old = Channel.objects.get(kind=ChannelKind.LINE)
        with scope(platform=self.platform):
            do_configure_line(self.platform, secret=NEW_LINE_SECRET)
        # This process still remembers the channel as it was before the change (another process
        # made the change, so no signal cleared this one's cache).
        line_views._channels["alpha"] = (time.monotonic() + 60, self.platform, old)
        event = make_event("text", "U" + "1" * 32, text="こんにちは")
        self.assertEqual(self.post_events(event, secret=NEW_LINE_SECRET).status_code, 200)
        self.assertEqual(
            self.post_events(make_event("text", "U" + "1" * 32, text="2"), secret=SECRET).status_code, 200
        )
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=601)):
            line_views._channels.clear()
            refused = self.post_events(make_event("text", "U" + "1" * 32, text="3"), secret=SECRET)
            self.assertEqual(refused.status_code, 400)
            self.assertEqual(
                self.post_events(
                    make_event("text", "U" + "1" * 32, text="4"), secret=NEW_LINE_SECRET
                ).status_code,
                200,
            )
        self.assertEqual(
            self.post_events(make_event("text", "U" + "1" * 32, text="5"), secret="0" * 32).status_code, 400
        )
