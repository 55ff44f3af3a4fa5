"""The staff navigation: grouped by capability, only what the role may open, a menu on a phone."""

from __future__ import annotations

from django.test import override_settings

from accounts.models import Role
from platforms import staffnav
from tsunagari.lib.testing import BaseTestCase


def menu(role: Role) -> dict[str, list[str]]:
    found = staffnav.menu_for(role.platform, role, "")
    return {str(group.label): [str(link.label) for link in group.links] for group in found.groups}


class StaffNavTestCase(BaseTestCase):
    def role(self, kind: str) -> Role:
        return Role.objects.select_related("platform").get(user=self.users[kind], platform=self.platform)

    def test_it_groups_the_secretariat_admins_pages_by_capability(self) -> None:
        groups = menu(self.role(Role.SECRETARIAT_ADMIN))
        self.assertEqual(list(groups)[:4], ["パートナーシップ", "資源・窓口", "相談", "調査"])
        self.assertEqual(list(groups)[-1], "管理")
        self.assertIn("入会審査", groups["パートナーシップ"])
        self.assertIn("送信メール", groups["管理"])
        self.assertIn("設定", groups["管理"])
        self.assertNotIn("自団体の情報", groups["パートナーシップ"])

    def test_it_shows_each_role_only_what_it_may_open(self) -> None:
        staff = menu(self.role(Role.SECRETARIAT_STAFF))
        self.assertNotIn("設定", staff["管理"])
        self.assertIn("監査ログ", staff["管理"])
        counsellor = menu(self.role(Role.COUNSELLOR))
        self.assertNotIn("パートナーシップ", counsellor)
        self.assertIn("相談受付箱", counsellor["相談"])
        self.assertNotIn("管理", counsellor)
        member = menu(self.role(Role.MEMBER_STAFF))
        self.assertEqual(member["パートナーシップ"], ["会員団体", "自団体の情報"])
        self.assertIn("紹介", member["相談"])
        self.assertNotIn("相談受付箱", member["相談"])
        viewer = menu(self.role(Role.VIEWER))
        self.assertNotIn("管理", viewer)
        self.assertNotIn("入会審査", viewer.get("パートナーシップ", []))

    def test_it_links_only_pages_that_open_for_the_role(self) -> None:
        for kind, _label in Role.KINDS:
            role = self.role(kind)
            self.login(self.users[kind])
            for group in staffnav.menu_for(self.platform, role, "").groups:
                for link in group.links:
                    # A page may first send the person elsewhere on the platform (a member who has
                    # not accepted the network's 守秘義務 pledge is asked to first): it must open.
                    response = self.client.get(link.url, follow=True)
                    self.assertEqual(response.status_code, 200, f"{kind} {link.url}")
                    for target, _status in response.redirect_chain:
                        self.assertTrue(
                            target.startswith("/p/alpha/staff/"), f"{kind} {link.url} -> {target}"
                        )

    def test_it_shows_the_municipalities_only_on_a_prefectures_platform(self) -> None:
        self.assertTrue(self.platform.is_prefecture)
        self.assertIn("市町村の状況", menu(self.role(Role.SECRETARIAT_ADMIN))["パートナーシップ"])
        other = Role.objects.select_related("platform").get(user=self.outsider)
        self.assertFalse(other.platform.is_prefecture)
        self.assertNotIn("市町村の状況", menu(other)["パートナーシップ"])

    def test_it_marks_the_current_page_and_its_group(self) -> None:
        self.login(self.admin)
        response = self.client.get(self.url("audit:mail_list"))
        current = response.context["staff_menu"].current
        self.assertEqual(str(current.label), "管理")
        self.assertContains(response, 'aria-current="page">送信メール</a>', count=2)  # menu and sub-bar

    @override_settings(LANGUAGE_CODE="ja")
    def test_it_puts_the_menu_behind_a_button_with_the_current_group_named(self) -> None:
        self.login(self.users[Role.COUNSELLOR])
        response = self.client.get(self.url("consultations:inbox"))
        self.assertContains(
            response,
            '<label for="staff-menu-toggle" class="menu-button">メニュー<span class="menu-where">相談</span>',
        )

    def test_it_lets_an_app_add_a_group_and_an_entry(self) -> None:
        staffnav.register_group("testgroup", "テスト群", 95)
        staffnav.register(staffnav.NavItem("testgroup", "監査ログ（写し）", "audit:list"))
        try:
            self.assertEqual(menu(self.role(Role.SECRETARIAT_STAFF))["テスト群"], ["監査ログ（写し）"])
            self.assertNotIn("テスト群", menu(self.role(Role.VIEWER)))
        finally:
            staffnav._items.pop(("testgroup", "audit:list"))
            staffnav._groups.pop("testgroup")
