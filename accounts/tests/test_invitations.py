"""Staff join a platform by invitation (issue 16, finding 2): a signed, expiring, single-use link
mailed through the outbox; the person sets a password (or signs in with their account) and then
enrols the authenticator; no account is attached without being asked; the same answer whether
or not the address has an account; the platform never sees the account's history before it."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, Role, User
from accounts.queries import invitation_token
from audit.models import AuditEntry
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "みどりの窓口-2026-春"


class InvitationTestCase(BaseTestCase):
    def invite(self, email: str, kind: str = Role.VIEWER) -> tuple[str, str]:
        """The secretariat admin invites; returns (the message shown, the mailed link's path)."""
        client = self.login(self.admin)
        with smtp_server() as inbox, self.mail_sent():
            response = client.post(
                self.url("accounts:staff_users"),
                {"email": email, "name": "招待 花子", "kind": kind},
                follow=True,
            )
        client.logout()
        message = [str(m) for m in response.context["messages"]][0]
        match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)", body_of(inbox[-1]))
        assert match is not None, body_of(inbox[-1])
        return message, match.group(1)

    def test_it_lets_a_new_person_choose_a_password_then_enrol_the_authenticator(self) -> None:
        _message, link = self.invite("hanako@example.jp", Role.VIEWER)
        page = self.client.get(link)
        self.assertContains(page, "パスワード")
        self.assertContains(page, "閲覧者")
        response = self.client.post(
            link, {"name": "招待 花子", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        self.assertRedirects(response, "/p/alpha/staff/", fetch_redirect_response=False)
        user = User.objects.get(email="hanako@example.jp")
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertEqual(Role.objects.get(user=user, platform=self.platform).kind, Role.VIEWER)
        # Signed in, but the staff pages ask for the authenticator first (a viewer too).
        staff = self.client.get("/p/alpha/staff/")
        self.assertTrue(staff["Location"].startswith(reverse("accounts:otp")), staff["Location"])
        self.assertTrue(
            self.client.get(staff["Location"])["Location"].startswith(reverse("accounts:otp_setup"))
        )
        entry = AuditEntry.objects.get(action=AuditEntry.ROLE_GRANTED, platform=self.platform)
        self.assertEqual(entry.data["invited_by"], self.admin.email)
        self.assertTrue(entry.data["new_account"])
        # Usable once.
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 410)

    def test_it_refuses_a_weak_password_naming_the_field(self) -> None:
        _message, link = self.invite("weak@example.jp")
        response = self.client.post(
            link, {"name": "弱 太郎", "password1": "12345678", "password2": "12345678"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["password1"])
        self.assertFalse(User.objects.filter(email="weak@example.jp").exists())

    def test_it_answers_the_same_for_an_address_with_an_account_and_attaches_nothing_until_accepted(
        self,
    ) -> None:
        # The outsider (admin of beta) signed in earlier: that is beta's business, not alpha's.
        self.client.post(reverse("accounts:login"), {"username": self.outsider.email, "password": "wrong"})
        self.client.post(reverse("accounts:login"), {"username": self.outsider.email, "password": PASSWORD})
        self.client.logout()
        existing_message, link = self.invite(self.outsider.email)
        new_message, _link = self.invite("nobody-yet@example.jp")
        self.assertEqual(
            existing_message.replace(self.outsider.email, "X"),
            new_message.replace("nobody-yet@example.jp", "X"),
        )
        self.assertFalse(Role.objects.filter(user=self.outsider, platform=self.platform).exists())
        # Not signed in: the page asks to sign in with that account; no password form to take it over.
        page = self.client.get(link)
        self.assertContains(page, "ログインして承諾する")
        self.assertIsNone(page.context["form"])
        self.client.post(link, {"name": "x", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertFalse(Role.objects.filter(user=self.outsider, platform=self.platform).exists())
        self.assertTrue(self.outsider.__class__.objects.get(pk=self.outsider.pk).check_password(PASSWORD))
        # Signed in as the invitee: accept.
        self.login(self.outsider)
        self.assertRedirects(self.client.post(link), "/p/alpha/staff/", fetch_redirect_response=False)
        self.assertEqual(Role.objects.get(user=self.outsider, platform=self.platform).kind, Role.VIEWER)
        # alpha's audit log shows nothing of the outsider from before the acceptance.
        before = AuditEntry.objects.filter(actor=self.outsider, platform__isnull=True).count()
        self.assertGreaterEqual(before, 1)
        visible = AuditEntry.objects.for_platform(self.platform).filter(actor=self.outsider)
        self.assertFalse(visible.filter(action__in=[AuditEntry.LOGIN, AuditEntry.LOGIN_FAILED]).exists())

    def test_it_does_not_let_another_signed_in_account_accept(self) -> None:
        _message, link = self.invite("someone@example.jp")
        self.login(self.users[Role.VIEWER])
        page = self.client.get(link)
        self.assertContains(page, "別のアカウントでログインしています")
        self.client.post(link, {"name": "x", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertFalse(User.objects.filter(email="someone@example.jp").exists())

    def test_it_refuses_an_expired_tampered_or_cancelled_link(self) -> None:
        _message, link = self.invite("late@example.jp")
        with time_machine.travel(timezone.now() + datetime.timedelta(days=Invitation.DAYS, minutes=1)):
            self.assertEqual(self.client.get(link).status_code, 410)
        tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
        self.assertEqual(self.client.get(tampered).status_code, 410)
        with scopes_disabled():
            invitation = Invitation.objects.get(email="late@example.jp")
        forged = reverse("accounts:invitation", args=[invitation.uuid.hex])  # unsigned
        self.assertEqual(self.client.get(forged).status_code, 410)
        self.login(self.admin)
        self.client.post(self.url("accounts:invitation_cancel", invitation.uuid))
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 410)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.ROLE_INVITATION_CANCELLED).exists())

    def test_it_replaces_an_open_invitation_of_the_same_address(self) -> None:
        _m, first = self.invite("twice@example.jp")
        _m, second = self.invite("twice@example.jp")
        self.assertEqual(self.client.get(first).status_code, 410)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_it_answers_404_to_another_platforms_invitation(self) -> None:
        _message, _link = self.invite("mine@example.jp")
        with scopes_disabled():
            invitation = Invitation.objects.get(email="mine@example.jp")
        self.login(self.outsider)
        response = self.client.post(self.url("accounts:invitation_cancel", invitation.uuid))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(invitation_token(invitation).split(":")[0], invitation.uuid.hex)
