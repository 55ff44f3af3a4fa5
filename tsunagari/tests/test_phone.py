"""The one Japanese phone-number check: the cases a secretariat meets in real data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from tsunagari.lib.phone import check_phone, phone_problem


class PhoneTestCase(SimpleTestCase):
    def test_it_accepts_numbers_with_area_code_and_the_usual_separators(self) -> None:
        cases = {
            "0596-21-5556": "0596-21-5556",
            "058-272-1111": "058-272-1111",
            "03-1234-5678": "03-1234-5678",
            "(0596)21-5556": "(0596)21-5556",
            "0596 21 5556": "0596 21 5556",
            "0596215556": "0596215556",
            "090-1234-5678": "090-1234-5678",
            "050-3000-1234": "050-3000-1234",
            "０５９６－２１－５５５６": "0596-21-5556",  # full width
            "０５９６ー２１ー５５５６": "0596-21-5556",  # 長音符 typed for the hyphen
            "（０５９６）２１－５５５６": "(0596)21-5556",
            " 058-272-1111 ": "058-272-1111",
        }
        for raw, expected in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(check_phone(raw), expected)

    def test_it_accepts_toll_free_navi_dial_and_national_short_numbers(self) -> None:
        for number in ("0120-279-338", "0120-783-556", "0800-100-1234", "0570-064-556", "0570-783-189"):
            with self.subTest(number=number):
                self.assertEqual(phone_problem(number), "")
        for number in ("189", "110", "119", "188", "#7110", "#8000", "#9110", "＃８０００", "１８９"):
            with self.subTest(number=number):
                self.assertEqual(phone_problem(number), "")

    def test_it_refuses_letters_with_a_clear_message(self) -> None:
        for number in ("TEL 0596-21-5556", "0596-21-5556（内線12）", "0596-21-555O", "abc"):
            with self.subTest(number=number), self.assertRaises(ValidationError) as caught:
                check_phone(number)
            self.assertIn("数字以外の文字", caught.exception.messages[0])
            self.assertIn(number, caught.exception.messages[0])

    def test_it_refuses_a_number_without_area_code(self) -> None:
        for number in ("21-5556", "12345", "272-1111"):
            with self.subTest(number=number):
                self.assertIn("市外局番から入力", phone_problem(number))

    def test_it_refuses_the_wrong_number_of_digits(self) -> None:
        for number, n in (("0596-12", 6), ("0596-21-55566", 11 + 1), ("058-272-111", 9), ("#711", 0)):
            with self.subTest(number=number):
                problem = phone_problem(number)
                self.assertNotEqual(problem, "")
        self.assertIn("今は6桁です", phone_problem("0596-12"))
        self.assertIn("桁数が違います", phone_problem("0120-27-933"))

    def test_it_leaves_an_empty_value_to_the_field_being_required_or_not(self) -> None:
        self.assertEqual(phone_problem(""), "")
        self.assertEqual(phone_problem("   "), "")
