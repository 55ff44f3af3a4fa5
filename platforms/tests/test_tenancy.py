from django.test import TestCase
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from accounts.models import Role
from partnership.models import MemberOrganisation
from tsunagari.lib.testing import BaseTestCase


class ScopedManagerTestCase(BaseTestCase):
    def test_it_fails_closed_outside_a_scope(self) -> None:
        with self.assertRaises(ScopeError):
            list(MemberOrganisation.objects.all())
        with self.assertRaises(ScopeError):
            MemberOrganisation.objects.filter(name__contains="ベータ").count()

    def test_it_returns_only_the_scoped_platforms_rows(self) -> None:
        with scope(platform=self.platform):
            names = set(MemberOrganisation.objects.values_list("name", flat=True))
        self.assertIn("NPO法人アルファ支援ネット", names)
        self.assertNotIn("NPO法人ベータ支援ネット", names)
        with scope(platform=self.other_platform):
            self.assertFalse(MemberOrganisation.objects.filter(name="NPO法人アルファ支援ネット").exists())


class MiddlewareTestCase(BaseTestCase):
    def test_it_answers_404_for_an_unknown_platform(self) -> None:
        self.assertEqual(self.client.get("/p/nowhere/").status_code, 404)
        self.assertEqual(self.client.get("/p/nowhere/members/").status_code, 404)
        self.login(self.admin)
        self.assertEqual(self.client.get("/p/nowhere/staff/").status_code, 404)

    def test_it_sends_anonymous_staff_visitors_to_login(self) -> None:
        response = self.client.get("/p/alpha/staff/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/?next=/p/alpha/staff/", response["Location"])

    def test_it_answers_404_to_staff_of_another_platform(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 404)
        self.assertEqual(self.client.get("/p/beta/staff/").status_code, 200)

    def test_it_answers_404_to_a_logged_in_user_without_any_role(self) -> None:
        from accounts.models import User

        nobody = User.objects.create_user("nobody@example.jp", "x" * 12)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get("/p/alpha/staff/").status_code, 404)

    def test_it_shows_the_role_on_the_dashboard(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertContains(self.client.get("/p/alpha/staff/"), "会員団体スタッフ")


class PlatformModelTestCase(TestCase):
    def test_it_computes_the_fiscal_year(self) -> None:
        import datetime

        from platforms.models import Platform

        p = Platform(slug="x", code="210005", name="x", owner_name="x")
        self.assertEqual(p.fiscal_year_of(datetime.date(2026, 3, 31)), 2025)
        self.assertEqual(p.fiscal_year_of(datetime.date(2026, 4, 1)), 2026)
        p.fiscal_year_start_month = 1
        self.assertEqual(p.fiscal_year_of(datetime.date(2026, 3, 31)), 2026)

    def test_it_keeps_scopes_disabled_usable_for_operators(self) -> None:
        with scopes_disabled():
            self.assertEqual(MemberOrganisation.objects.count(), 0)
