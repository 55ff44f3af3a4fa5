"""The governance pages: staff pages, the response form and the archive, the simulate endpoint,
minutes as PDF and Word, the planner; each with the other platform's 404."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import tempfile

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from docx import Document

from audit.models import AuditEntry
from governance.models import Body, LaunchPlan, Minutes, Response, Seat
from governance.services import records
from governance.signing import RESPONSE_SALT, sign
from governance.tests.helpers import check_in, make_body, make_meeting
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import BaseTestCase


class StaffPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform)
        self.meeting = make_meeting(self.body, items=[("議案1", True), ("議案2", False)])
        self.login(self.admin)

    def test_it_lists_bodies_meetings_and_empty_states(self) -> None:
        response = self.client.get(self.url("governance:index"))
        self.assertContains(response, "プラットフォーム会議")
        self.assertContains(response, "受付中の書面による決議はありません")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("governance:index")).status_code, 404)

    def test_it_creates_a_body_from_the_gifu_template_and_edits_its_rules(self) -> None:
        response = self.client.post(
            self.url("governance:body_new"),
            {
                "code": "soukai",
                "name": "総会",
                "kind": "general_assembly",
                "template": "gifu",
                "description": "",
            },
        )
        with scopes_disabled():
            body = Body.objects.get(code="soukai", platform=self.platform)
        self.assertRedirects(response, self.url("governance:body", body.uuid))
        page = self.client.get(self.url("governance:body", body.uuid))
        self.assertContains(page, "第12条第1項")
        self.assertContains(page, "構成員はまだいません")
        form = self.client.get(self.url("governance:body_rules", body.uuid)).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data |= {
            "decision": "1/2s",
            "decision_base": "votes_cast",
            "chair": "casting",
            "decision_articles": "第20条",
        }
        response = self.client.post(self.url("governance:body_rules", body.uuid), data)
        self.assertRedirects(response, self.url("governance:body", body.uuid))
        with scopes_disabled():
            ruleset = Body.objects.get(pk=body.pk).ruleset()
        self.assertEqual((ruleset.decision.num, ruleset.decision.den, ruleset.decision.strict), (1, 2, True))
        self.assertEqual(ruleset.decision_articles, ("第20条",))
        self.assertTrue(ruleset.written_allowed)  # kept from the template
        entry = AuditEntry.objects.get(action="governance.rules_changed")
        self.assertIn("decision", entry.data["changed"])

    def test_it_adds_a_seat_and_ends_a_term_with_a_csv_of_all_terms(self) -> None:
        url = self.url("governance:body", self.body.uuid)
        self.client.post(
            url,
            {
                "action": "seat",
                "seat-name": "県民生活課",
                "seat-role": "observer",
                "seat-starts_on": "2025-04-01",
            },
        )
        self.client.post(
            url,
            {
                "action": "end",
                "end-seat": str(self.seats[0].uuid),
                "end-ends_on": "2025-03-31",
                "end-reason": "任期満了",
            },
        )
        with scopes_disabled():
            self.assertTrue(Seat.objects.filter(body=self.body, name="県民生活課", role="observer").exists())
            self.assertEqual(Seat.objects.get(pk=self.seats[0].pk).ends_on, datetime.date(2025, 3, 31))
        csv_text = self.client.get(self.url("governance:seats_csv", self.body.uuid)).content.decode(
            "utf-8-sig"
        )
        self.assertIn("県民生活課,,オブザーバー（議決権なし）", csv_text)
        self.assertIn("2025-03-31,任期満了", csv_text)

    def test_it_shows_the_live_page_with_quorum_and_how_many_more_are_needed(self) -> None:
        check_in(self.meeting, self.seats[:6])
        response = self.client.get(self.url("governance:live", self.meeting.uuid))
        self.assertContains(response, "定足数 6 / 8")
        self.assertContains(response, "あと 2 人の出席か委任が必要です")
        response = self.client.post(
            self.url("governance:live", self.meeting.uuid),
            {"seat": str(self.seats[6].uuid), "action": "in_person"},
            follow=True,
        )
        self.assertContains(response, "定足数 7 / 8")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("governance:live", self.meeting.uuid)).status_code, 404)

    def test_it_records_votes_and_shows_a_refusal_with_its_article(self) -> None:
        with scopes_disabled():
            self.meeting.chair = self.seats[0]
            self.meeting.save()
            item = self.meeting.items.get(code="議案1")
        check_in(self.meeting, self.seats[:9])
        url = self.url("governance:item", item.uuid)
        data = {"action": "named"} | {f"v-s_{s.uuid}": "yes" for s in self.seats[:7]}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "採決に加われません（第13条第2項、第11条第2項）")
        data = {"action": "named"} | {f"v-s_{s.uuid}": "yes" for s in self.seats[1:7]}
        self.client.post(url, data)
        response = self.client.post(url, {"action": "decide"}, follow=True)
        self.assertContains(response, "可決")
        self.assertContains(response, "賛成 6・反対 0・棄権 0（母数 8、必要 6）")

    def test_it_drafts_minutes_and_prints_them_as_pdf_and_word(self) -> None:
        check_in(self.meeting, self.seats[:8])
        self.client.post(self.url("governance:minutes", self.meeting.uuid), {"action": "draft"})
        with scopes_disabled():
            minutes = Minutes.objects.get(meeting=self.meeting)
        self.assertIn("3 出席　8団体", minutes.text)
        self.client.post(
            self.url("governance:minutes", self.meeting.uuid),
            {"action": "save", "text": minutes.text + "\n閉会", "signers": "山田 太郎、佐藤 花子"},
        )
        pdf = self.client.get(self.url("governance:minutes_pdf", self.meeting.uuid))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf.content)
            f.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True, text=True
            ).stdout
        self.assertIn("プラットフォーム会議 第1回 議事録", text)
        self.assertIn("議事録署名人", text)
        self.assertIn("山田 太郎", text)
        self.assertIn("案（未確定）", text)
        docx = self.client.get(self.url("governance:minutes_docx", self.meeting.uuid))
        paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
        self.assertIn("閉会", paragraphs)
        self.assertIn("議事録署名人　佐藤 花子　　　　　　　　　　　印", paragraphs)
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(self.url("governance:minutes_pdf", self.meeting.uuid)).status_code, 404
        )


class SimulateEndpointTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform, 7)
        self.login(self.admin)

    def post(self, data: object, query: str = "?template=gifu") -> object:
        return self.client.post(
            self.url("governance:simulate") + query,
            json.dumps(data, ensure_ascii=False),
            content_type="application/json",
        )

    def test_it_answers_the_verdict_as_json(self) -> None:
        response = self.post(
            {"members": ["a", "b", "c", "d", "e", "f", "g"], "items": [{"code": "1", "notified": True}],
             "attendees": ["a", "b", "c", "d", "e"], "votes": {"1": {"yes": ["a", "b", "c"], "no": ["d", "e"]}}}
        )  # fmt: skip
        verdict = response.json()  # type: ignore[attr-defined]
        self.assertEqual(
            verdict["items"]["1"],
            verdict["items"]["1"] | {"passed": False, "yes": 3, "voters": 5, "required": 4},
        )

    def test_it_takes_the_members_from_the_body(self) -> None:
        refs = [str(s.uuid) for s in self.seats]
        response = self.post(
            {"items": [{"code": "1", "notified": True}], "attendees": refs[:5]}, "?body=pf-kaigi"
        )
        self.assertEqual(response.json()["quorum"]["required"], 5)  # type: ignore[attr-defined]

    def test_it_refuses_bad_input_in_japanese(self) -> None:
        self.assertEqual(
            self.client.post(
                self.url("governance:simulate") + "?template=gifu", "{", content_type="application/json"
            ).status_code,
            400,
        )
        response = self.post({"members": []})
        self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
        self.assertIn("members", response.json()["error"])  # type: ignore[attr-defined]
        self.assertEqual(self.post({}, "").status_code, 400)  # type: ignore[attr-defined]
        self.assertEqual(self.post({}, "?body=nothing").status_code, 404)  # type: ignore[attr-defined]

    def test_it_does_not_read_another_platforms_body(self) -> None:
        make_body(self.other_platform, 3, code="beta-kaigi")
        self.assertEqual(self.post({}, "?body=beta-kaigi").status_code, 404)  # type: ignore[attr-defined]
        self.login(self.outsider)
        self.assertEqual(self.post({}, "?body=pf-kaigi").status_code, 404)  # type: ignore[attr-defined]


class PublicPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.body, self.seats = make_body(self.platform, public_archive=True)
        self.meeting = make_meeting(self.body, items=[("議案1", True), ("議案2", False)])
        with scopes_disabled():
            self.response = Response.objects.create(
                platform=self.platform, meeting=self.meeting, seat=self.seats[11]
            )
        self.link = self.url("governance:respond", sign(str(self.response.uuid), RESPONSE_SALT))

    def test_it_takes_a_proxy_for_notified_items_from_the_signed_link(self) -> None:
        page = self.client.get(self.link)
        self.assertContains(page, "議案2 議案2の件 を委任する")
        self.assertContains(page, "事前通知がないため委任できません")
        response = self.client.post(
            self.link,
            {"mode": "proxy", "proxy_to": str(self.seats[0].uuid), "proxy_議案1": "on", "proxy_議案2": "on"},
            follow=True,
        )
        self.assertContains(response, "ご回答を受け付けました")
        self.response.refresh_from_db()
        self.assertEqual(
            (self.response.mode, self.response.proxy_items), ("proxy", ["議案1"])
        )  # 議案2 is disabled

    def test_it_refuses_an_email_vote_on_no_item(self) -> None:
        response = self.client.post(self.link, {"mode": "email"}, follow=True)
        self.assertContains(response, "少なくとも一つの議案に賛否を選んでください")

    def test_it_answers_404_to_a_forged_token_or_another_platform(self) -> None:
        self.assertEqual(self.client.get(self.link[:-4] + "abc/").status_code, 404)
        self.assertEqual(self.client.get(self.link.replace("/p/alpha/", "/p/beta/")).status_code, 404)

    def test_it_publishes_only_final_minutes_of_a_public_body(self) -> None:
        archive = self.url("governance:archive")
        self.assertContains(self.client.get(archive), "公開している議事録はまだありません")
        with scope(platform=self.platform):
            check_in(self.meeting, self.seats[:8])
            minutes = records.do_draft_minutes(self.meeting)
            records.do_finalise_minutes(minutes)
            records.do_publish_minutes(minutes, publish=True)
        page = self.client.get(archive)
        self.assertContains(page, "定例会議")
        pdf = self.client.get(self.url("governance:archive_pdf", self.meeting.uuid))
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(
            self.client.get(
                self.url("governance:archive_pdf", self.meeting.uuid, platform=self.other_platform)
            ).status_code,
            404,
        )
        with scope(platform=self.platform):
            records.do_reopen_minutes(minutes)
        self.assertEqual(
            self.client.get(self.url("governance:archive_pdf", self.meeting.uuid)).status_code, 404
        )


class PlannerTestCase(BaseTestCase):
    def test_it_creates_a_plan_from_a_template_and_ticks_steps(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("governance:plans"), {"title": "立ち上げ", "template": "ichihara", "start": "2025-04-01"}
        )
        with scopes_disabled():
            plan = LaunchPlan.objects.get(platform=self.platform)
            first = plan.steps.order_by("order").first()
        self.assertRedirects(response, self.url("governance:plan", plan.uuid))
        assert first is not None
        self.assertIn("庁内連絡会議", first.title)
        self.client.post(self.url("governance:plan", plan.uuid), {"action": "done", "step": str(first.uuid)})
        page = self.client.get(self.url("governance:plan", plan.uuid))
        self.assertContains(page, "1 / 6 工程が完了")
        self.client.post(
            self.url("governance:plan", plan.uuid), {"action": "undone", "step": str(first.uuid)}
        )
        self.assertContains(self.client.get(self.url("governance:plan", plan.uuid)), "0 / 6 工程が完了")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url("governance:plan", plan.uuid)).status_code, 404)

    def test_it_shows_the_prefecture_its_municipalities_visible_plans_only(self) -> None:
        with scopes_disabled():
            town = do_create_platform(slug="gamma", code="212041", name="ガンマ町PF")
            shown = records.do_create_plan(
                town, title="ガンマ町の立ち上げ", template="tokushima", start=datetime.date(2025, 4, 1)
            )
            hidden = records.do_create_plan(
                town, title="内部の計画", template="", start=datetime.date(2025, 4, 1)
            )
            hidden.visible_to_prefecture = False
            hidden.save()
            step = shown.steps.order_by("order").first()
            assert step is not None
            step.done_on = timezone.localdate()
            step.save()
        self.login(self.admin)
        page = self.client.get(self.url("governance:plans"))
        self.assertContains(page, "ガンマ町の立ち上げ")
        self.assertContains(page, "1/3")
        self.assertNotContains(page, "内部の計画")
