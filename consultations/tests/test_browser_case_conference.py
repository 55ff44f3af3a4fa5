"""Issue 20's walk in Chromium: a household case from an agency's referral → its 支援調整会議
(a non-member agency invited, the outcome, a task) → the follow-up (a referral of the case to a
member organisation, answered by it and read back on the case).

Screenshots: var/screenshots/walk-1-intake.png … walk-6-case-followup.png."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tsunagari.lib.browser import BrowserTestCase

OUTCOME = "長男の介護負担が限界。ショートステイを検討し、学校は孫の様子を見守る。"
ANSWER = "ショートステイの空きを確認し、来週から週2回の利用を調整しました。"


@pytest.mark.browser
class CaseConferenceWalkTestCase(BrowserTestCase):
    def test_a_household_case_from_an_agency_to_a_conference_and_its_follow_up(self) -> None:
        member_name = self.member_org.name
        desk = self.new_page("desktop", user=self.users[Role.SECRETARIAT_STAFF])

        # 1. The agency's referral: a household case with its consent to the member organisation.
        desk.goto(self.live_url("consultations:case_intake", "alpha"))
        desk.get_by_label("きっかけ").select_option("agency")
        desk.get_by_label("紹介元の機関").fill("鎌倉市地域包括支援センター")
        desk.get_by_label("最初の接触の内容").fill("80代の母を50代の長男が一人で介護。孫は高校生。")
        desk.locator("#id_m-0-label").fill("母")
        desk.locator("#id_m-0-relationship").select_option("parent")
        desk.locator("#id_m-0-age_band").select_option("80s+")
        desk.locator("#id_m-0-is_concern").check()
        desk.locator("#id_m-0-consented").check()
        desk.locator("#id_m-1-label").fill("長男")
        desk.locator("#id_m-1-age_band").select_option("50s")
        desk.locator("#id_m-1-is_main_carer").check()
        desk.locator("#id_m-1-consented").check()
        for item in ("summary", "profile", "assessment", "meeting_notes"):
            desk.locator(f"input[name='items'][value='{item}']").check()
        desk.get_by_label(member_name).check()
        desk.get_by_label("同意の記録").fill("訪問時に説明し、母と長男が同意")
        self.screenshot(desk, "walk-1-intake")
        desk.get_by_role("button", name="ケースを開く").click()
        self.assertIn("を開きました", desk.content())
        case_url = desk.url

        # 2. The conference: invite the school (not a member), record the outcome, assign a task.
        desk.get_by_text("会員外の機関を招待").click()
        desk.get_by_label("機関名").fill("鎌倉市立第一中学校")
        desk.get_by_label("担当者名").fill("佐藤 教頭")
        desk.get_by_label("メールアドレス（任意）").fill("sato@school.example.jp")
        desk.get_by_label("世帯がこの機関の参加と情報共有に同意している").check()
        desk.get_by_role("button", name="招待", exact=True).first.click()
        self.assertIn("会員外の参加機関として招待しました", desk.content())
        desk.get_by_text("会議の結果を記録").click()
        desk.get_by_label("結果・決定事項").fill(OUTCOME)
        desk.get_by_role("button", name="記録", exact=True).click()
        self.assertIn(OUTCOME, desk.content())
        desk.locator("#id_t-guest").select_option(label="鎌倉市立第一中学校 佐藤 教頭")
        desk.locator("#id_t-description").fill("孫の出席と様子を見守り、変化があれば事務局へ")
        desk.locator("#id_t-due_on").fill("2030-04-15")
        desk.locator("#id_t-conference").select_option(index=1)
        desk.get_by_role("button", name="課題を追加").click()
        self.assertIn("課題を追加しました", desk.content())
        self.screenshot(desk, "walk-2-conference")

        # 3. Follow-up: refer the case to the member organisation.
        desk.get_by_role("link", name="関係機関へ紹介する").click()
        desk.get_by_label("紹介先の会員団体").select_option(label=member_name)
        desk.get_by_label("紹介先に伝える要約").fill(
            "長男の負担軽減のためショートステイの調整をお願いします。"
        )
        self.screenshot(desk, "walk-3-referral-form")
        desk.get_by_role("button", name="紹介を送る").click()
        self.assertIn("紹介を送りました", desk.content())
        referral_url = desk.url

        # 4. The member organisation accepts and closes the loop.
        receiver = self.new_page("desktop", user=self.users[Role.MEMBER_STAFF])
        receiver.goto(referral_url)
        content = receiver.content()
        self.assertIn("鎌倉市地域包括支援センター", content)
        self.assertIn("母", content)
        self.screenshot(receiver, "walk-4-receiver")
        receiver.get_by_label("受諾する").check()
        receiver.get_by_role("button", name="応答を記録").click()
        receiver.locator("#id_o-outcome").select_option("service_started")
        receiver.locator("#id_o-answer").fill(ANSWER)
        receiver.get_by_role("button", name="完了", exact=True).click()
        self.assertIn("紹介を完了しました", receiver.content())
        self.screenshot(receiver, "walk-5-receiver-done")

        # 5. Back on the case: the answer, the conference's outcome and the tasks in one place.
        desk.goto(case_url)
        content = desk.content()
        self.assertIn(ANSWER, content)
        self.assertIn(OUTCOME, content)
        self.assertIn("鎌倉市立第一中学校", content)
        self.screenshot(desk, "walk-6-case-followup")
