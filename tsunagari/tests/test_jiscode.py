from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from tsunagari.lib import jiscode


class JisCodeTestCase(SimpleTestCase):
    def test_it_accepts_real_codes(self) -> None:
        # Published codes of the seed places (総務省 全国地方公共団体コード).
        for code in [
            "110001",
            "210005",
            "250007",
            "062014",
            "122190",
            "142042",
            "062031",
            "242039",
            "360007",
            "130001",
        ]:
            self.assertTrue(jiscode.is_valid(code), code)
            jiscode.validate_code(code)

    def test_it_rejects_a_bad_check_digit_and_names_the_right_one(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            jiscode.validate_code("210006")
        self.assertIn("210005", ctx.exception.messages[0])

    def test_it_rejects_bad_formats(self) -> None:
        for bad in ["", "21000", "2100050", "21000a", "２１０００５", "990009", "000000"]:
            self.assertFalse(jiscode.is_valid(bad), bad)
            with self.assertRaises(ValidationError):
                jiscode.validate_code(bad)

    def test_it_knows_prefectures(self) -> None:
        self.assertTrue(jiscode.is_prefecture("210005"))
        self.assertFalse(jiscode.is_prefecture("212016"))
        self.assertEqual(jiscode.prefecture_of("212016"), "210005")
