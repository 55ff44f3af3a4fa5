from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from operations.models import JobRun
from tsunagari.lib.testing import BaseTestCase


class StatusViewTestCase(BaseTestCase):
    def url(self, slug: str = "alpha") -> str:
        return reverse("operations:status", args=[slug])

    def test_it_shows_every_job_and_the_health_to_the_secretariat_admin(self) -> None:
        JobRun.objects.create(
            job="chase_referrals",
            scheduled_for=timezone.now(),
            state=JobRun.FAILED,
            output="SMTPServerDisconnected: Connection unexpectedly closed",
            missed=2,
        )
        self.login(self.admin)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "回答期限を過ぎた紹介の督促")
        self.assertContains(response, "2 回分をまとめて実行")
        self.assertContains(response, "SMTPServerDisconnected")
        self.assertContains(response, "タスクワーカー")
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_is_forbidden_to_other_roles(self) -> None:
        for kind in (Role.SECRETARIAT_STAFF, Role.COUNSELLOR, Role.MEMBER_STAFF, Role.VIEWER):
            with self.subTest(kind=kind):
                self.login(self.users[kind])
                self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_it_is_404_for_another_platforms_admin(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
