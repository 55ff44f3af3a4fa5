"""A household case's per-member consents and its erasure, in a browser at 1280 and 390 px.
Screenshots: var/screenshots/case-consents-*, case-member-view-*, case-erase-*."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from accounts.models import Role
from consultations.models import CaseOrigin, ShareItem
from consultations.services.cases import MemberInput, do_invite, do_open_case_from_contact
from consultations.tests.casework import actor
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class CasePrivacyBrowserTestCase(BrowserTestCase):
    def test_it_records_a_members_consent_shows_an_organisation_its_part_and_erases_the_case(self) -> None:
        system = actor(self.users[Role.SECRETARIAT_STAFF], self.platform)
        with scope(platform=self.platform):
            case = do_open_case_from_contact(
                self.platform,
                origin=CaseOrigin.AGENCY,
                referring_body="鎌倉市地域包括支援センター",
                referring_contact="担当 山田 0467-00-0000",
                watch_only=True,
                contact_on=timezone.localdate(),
                summary="80代の母を50代の長男が介護。長男は長くひきこもっている。",
                members=[
                    MemberInput("母", "parent", "80s+", is_concern=True, consented=True),
                    MemberInput(
                        "長男", "self", "50s", is_main_carer=True, consented=True, contact="090-1234-5678"
                    ),
                    MemberInput("孫", "grandchild", "13-15"),
                ],
                items=[ShareItem.ASSESSMENT, ShareItem.PROFILE, ShareItem.CONTACT, ShareItem.MEETING_NOTES],
                organisations=[self.member_org],
                city_divisions=False,
                valid_until=timezone.localdate() + datetime.timedelta(days=90),
                statement="母と長男に説明し同意を得た",
                actor=system,
            )
            do_invite(case, self.member_org, actor=system)
            case.assessment = "母の介護が長男の唯一の役割。介護が終わると長男が孤立する恐れ。"
            case.save()
        url = self.live_url("consultations:case", "alpha", case.uuid)
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.users[Role.SECRETARIAT_STAFF])
            page.goto(url)
            if viewport == "desktop":
                page.get_by_text("世帯員の同意を記録").click()
                page.locator("#id_mc-member").select_option(label="長男（本人・50代）")
                page.get_by_label("年代・相談内容の種類").check()
                page.get_by_label("本人の連絡先（本人が伝えたもの）").check()
                page.get_by_role("checkbox", name="NPO法人アルファ支援ネット").check()
                page.get_by_role("button", name="同意を記録").click()
                self.assertIn("長男 の同意を記録しました", page.content())
            self.screenshot(page, f"case-consents-{viewport}")
            member = self.new_page(viewport, user=self.users[Role.MEMBER_STAFF])
            member.goto(url)
            content = member.content()
            self.assertIn("090-1234-5678", content)
            self.assertNotIn("孫</th>", content)
            self.screenshot(member, f"case-member-view-{viewport}")
            admin = self.new_page(viewport, user=self.admin)
            admin.goto(self.live_url("consultations:case_erase", "alpha", case.uuid))
            self.screenshot(admin, f"case-erase-{viewport}")
        admin.get_by_label("消去の理由").fill("世帯から窓口で消去の請求（受付 2026-031）")
        admin.get_by_label("消去した記録は元に戻せないことを確認しました").check()
        admin.get_by_role("button", name="記録を消去する").click()
        self.assertIn("の記録を消去しました", admin.content())
        self.screenshot(admin, "case-erased-mobile")
