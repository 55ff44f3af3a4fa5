from __future__ import annotations

from django.db import connection
from django_scopes import scope

from audit.models import AuditEntry
from consultations.models import BusinessHours, Channel, ChannelKind, SpecialPeriod
from tsunagari.lib.testing import BaseTestCase

SECRET = "fedcba9876543210fedcba9876543210"


class DeskSettingsTestCase(BaseTestCase):
    url_ = "/p/alpha/staff/consultations/desk/"

    def test_it_stores_line_credentials_encrypted_and_never_shows_them_again(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url_,
            {
                "form": "line",
                "line-secret": SECRET,
                "line-token": "tok-abc-123",
                "line-basic_id": "@733gquft",
            },
        )
        self.assertRedirects(response, self.url_)
        page = self.client.get(self.url_)
        self.assertNotContains(page, SECRET)
        self.assertNotContains(page, "tok-abc-123")
        self.assertContains(page, "/line/alpha/webhook")
        with scope(platform=self.platform):
            channel = Channel.objects.get(kind=ChannelKind.LINE)
            self.assertEqual(channel.line_channel_secret, SECRET)
        with connection.cursor() as cursor:
            cursor.execute("SELECT line_channel_secret, line_access_token FROM consultations_channel")
            raw = " ".join(cursor.fetchone())
        self.assertNotIn(SECRET, raw)
        self.assertNotIn("tok-abc-123", raw)
        entry = AuditEntry.objects.get(action="consultation.line_configured")
        self.assertNotIn(SECRET, str(entry.data))

    def test_it_keeps_the_stored_token_when_the_field_is_left_empty(self) -> None:
        self.login(self.admin)
        self.client.post(
            self.url_, {"form": "line", "line-secret": SECRET, "line-token": "first", "line-basic_id": ""}
        )
        self.client.post(
            self.url_, {"form": "line", "line-secret": "", "line-token": "", "line-basic_id": "@abc123"}
        )
        with scope(platform=self.platform):
            channel = Channel.objects.get(kind=ChannelKind.LINE)
            self.assertEqual(channel.line_access_token, "first")
            self.assertEqual(channel.line_basic_id, "@abc123")

    def test_it_names_a_malformed_secret(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url_, {"form": "line", "line-secret": "short", "line-token": "", "line-basic_id": ""}
        )
        self.assertContains(response, "32文字の半角英数字")

    def test_it_saves_the_desk_settings(self) -> None:
        self.login(self.admin)
        self.client.post(
            self.url_,
            {
                "form": "desk",
                "desk-name": "つながりよりそいチャット",
                "desk-operator_name": "認定NPO法人テスト",
                "desk-web_chat_enabled": "on",
                "desk-closed_on_holidays": "on",
                "desk-retention_months": "24",
                "desk-notice_readers": "委託先のNPOの相談員が読みます。",
                "desk-notice_erasure": "事務局へ電話で伝えてください。",
            },
        )
        self.assertContains(self.client.get("/p/alpha/chat/"), "つながりよりそいチャット")

    def test_it_is_for_the_admin_only(self) -> None:
        self.login(self.users["counsellor"])
        self.assertEqual(self.client.get(self.url_).status_code, 403)


class HoursPageTestCase(BaseTestCase):
    def test_it_adds_and_deletes_windows_and_periods(self) -> None:
        self.login(self.users["secretariat_staff"])
        url = "/p/alpha/staff/consultations/hours/"
        self.client.post(
            url, {"form": "hours", "hours-weekday": "0", "hours-start": "18:00", "hours-end": "21:00"}
        )
        self.client.post(
            url,
            {
                "form": "period",
                "period-name": "孤独・孤立対策強化月間",
                "period-start_date": "2030-05-01",
                "period-end_date": "2030-05-31",
                "period-start": "17:00",
                "period-end": "23:00",
            },
        )
        page = self.client.get(url)
        self.assertContains(page, "18:00〜21:00")
        self.assertContains(page, "孤独・孤立対策強化月間")
        with scope(platform=self.platform):
            hours = BusinessHours.objects.get()
            self.assertEqual(SpecialPeriod.objects.count(), 1)
        self.client.post(f"/p/alpha/staff/consultations/hours/{hours.uuid}/delete")
        with scope(platform=self.platform):
            self.assertFalse(BusinessHours.objects.exists())

    def test_it_explains_a_period_without_times(self) -> None:
        self.login(self.users["secretariat_staff"])
        response = self.client.post(
            "/p/alpha/staff/consultations/hours/",
            {
                "form": "period",
                "period-name": "x",
                "period-start_date": "2030-05-01",
                "period-end_date": "2030-04-01",
            },
        )
        self.assertContains(response, "終了日は開始日以降")
        self.assertContains(response, "開始と終了の時刻を入力してください")
