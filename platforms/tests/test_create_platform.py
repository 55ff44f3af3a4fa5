from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django_scopes import scopes_disabled

from partnership.models import MemberTier
from platforms.models import Platform


class CreatePlatformCommandTestCase(TestCase):
    def call(self, *args: str) -> str:
        out = StringIO()
        call_command("create_platform", *args, stdout=out)
        return out.getvalue()

    def test_it_creates_a_platform_with_default_tiers(self) -> None:
        out = self.call(
            "gifu",
            "--code",
            "210005",
            "--name",
            "岐阜県孤独・孤立対策官民連携プラットフォーム",
            "--owner",
            "岐阜県",
        )
        self.assertIn("created platform gifu (210005)", out)
        platform = Platform.objects.get(slug="gifu")
        self.assertTrue(platform.is_prefecture)
        self.assertEqual(platform.fiscal_year_start_month, 4)
        with scopes_disabled():
            self.assertEqual(
                list(MemberTier.objects.filter(platform=platform).values_list("name", flat=True)),
                ["幹事団体", "一般団体"],
            )

    def test_it_refuses_a_bad_check_digit(self) -> None:
        with self.assertRaisesMessage(CommandError, "検査数字が正しくありません（正しくは 210005）"):
            self.call("gifu", "--code", "210006", "--name", "x")
        self.assertFalse(Platform.objects.exists())

    def test_it_refuses_duplicates(self) -> None:
        self.call("gifu", "--code", "210005", "--name", "x")
        with self.assertRaisesMessage(CommandError, "既に使われています"):
            self.call("gifu", "--code", "212016", "--name", "y")
        with self.assertRaisesMessage(CommandError, "既にあります"):
            self.call("gifu2", "--code", "210005", "--name", "y")
        self.assertEqual(Platform.objects.count(), 1)

    def test_it_refuses_a_bad_slug(self) -> None:
        with self.assertRaises(CommandError):
            self.call("Gifu_Pref", "--code", "210005", "--name", "x")
        self.assertFalse(Platform.objects.exists())
