"""The bylaws rule engine, case by case (the table in bylaw_cases.py), and its exact arithmetic."""

from __future__ import annotations

from fractions import Fraction
from unittest import TestCase

from governance import rules
from governance.tests.bylaw_cases import CASES, lookup


class RulesTestCase(TestCase):
    def test_it_decides_every_case_of_the_table(self) -> None:
        self.assertGreaterEqual(len(CASES), 40)
        for c in CASES:
            with self.subTest(c["id"], what=c["what"]):
                verdict = rules.simulate(rules.TEMPLATES[c["template"]], c["meeting"])
                for path, expected in c["expect"].items():
                    self.assertEqual(lookup(verdict, path), expected, f"{c['id']} {path}: {verdict}")
                if "refused" not in c["expect"] and not c["id"].startswith("p10"):
                    # Cases that do not name refusals have none.
                    self.assertEqual(verdict["refused"], [], c["id"])

    def test_it_computes_required_counts_exactly_for_every_size(self) -> None:
        for num, den, strict in [(2, 3, False), (1, 2, True), (1, 2, False), (3, 4, False), (1, 3, True)]:
            threshold = rules.Threshold(num, den, strict)
            for n in range(0, 200):
                exact = Fraction(num, den) * n
                required = threshold.required(n)
                with self.subTest(f"{num}/{den} strict={strict} of {n}"):
                    # The smallest count meeting the threshold, checked against exact fractions.
                    if strict:
                        self.assertGreater(required, exact)
                        self.assertLessEqual(required - 1, exact)
                    else:
                        self.assertGreaterEqual(required, exact)
                        self.assertLess(required - 1, exact)
                    self.assertTrue(threshold.met(required, n))
                    if required > 0:
                        self.assertFalse(threshold.met(required - 1, n))

    def test_it_names_two_thirds_of_seven_as_five_and_more_than_half_of_ten_as_six(self) -> None:
        self.assertEqual(rules.Threshold(2, 3).required(7), 5)
        self.assertEqual(rules.Threshold(2, 3).required(12), 8)
        self.assertEqual(rules.Threshold(2, 3).required(9), 6)
        self.assertEqual(rules.Threshold(1, 2, strict=True).required(10), 6)
        self.assertEqual(rules.Threshold(1, 2, strict=True).required(11), 6)
        self.assertEqual(rules.Threshold(2, 3).label(), "3分の2以上")
        self.assertEqual(rules.Threshold(1, 2, strict=True).label(), "過半数")

    def test_it_refuses_a_threshold_that_is_not_a_fraction_of_one(self) -> None:
        for num, den in [(4, 3), (1, 0), (-1, 2)]:
            with self.subTest(f"{num}/{den}"), self.assertRaises(rules.RuleError):
                rules.Threshold(num, den)

    def test_it_limits_the_proxies_one_member_may_hold(self) -> None:
        limited = rules.RuleSet(**{**rules.GIFU.to_dict(), "proxies_per_holder": 1} | {
            "quorum": rules.GIFU.quorum, "decision": rules.GIFU.decision,
            "written_threshold": rules.GIFU.written_threshold,
        })  # fmt: skip
        verdict = rules.simulate(
            limited,
            {
                "members": [f"m{i}" for i in range(1, 13)],
                "items": [{"code": "A", "notified": True}],
                "attendees": [f"m{i}" for i in range(1, 7)],
                "proxies": [
                    {"from": "m7", "to": "m1", "items": ["A"]},
                    {"from": "m8", "to": "m1", "items": ["A"]},
                ],
            },
        )
        self.assertEqual(verdict["quorum"]["present"], 7)
        self.assertEqual(len(verdict["refused"]), 1)
        self.assertIn("1 件まで", verdict["refused"][0]["what"])

    def test_it_does_not_count_delegators_when_the_rules_say_so(self) -> None:
        data = rules.GIFU.to_dict() | {"quorum_counts_proxies": False}
        verdict = rules.simulate(
            rules.RuleSet.from_dict(data),
            {
                "members": ["a", "b", "c"],
                "items": [{"code": "A", "notified": True}],
                "attendees": ["a"],
                "proxies": [{"from": "b", "to": "a", "items": ["A"]}],
            },
        )
        self.assertEqual(verdict["quorum"]["present"], 1)
        self.assertFalse(verdict["quorum"]["met"])

    def test_it_round_trips_a_rule_set_through_its_dict(self) -> None:
        for name, template in rules.TEMPLATES.items():
            with self.subTest(name):
                self.assertEqual(rules.RuleSet.from_dict(template.to_dict()), template)

    def test_it_refuses_unknown_rule_fields_and_bad_modes(self) -> None:
        with self.assertRaises(rules.RuleError):
            rules.RuleSet.from_dict({"name": "x", "majority_of": "all"})
        with self.assertRaises(rules.RuleError):
            rules.RuleSet.from_dict({"name": "x", "chair": "king"})
        with self.assertRaises(rules.RuleError):
            rules.RuleSet.from_dict({"name": "x", "decision": "2/3"})

    def test_it_refuses_malformed_meetings_with_the_field_named(self) -> None:
        bad = [
            ({}, "members"),
            ({"members": ["a", "a"]}, "二度"),
            ({"members": ["a"], "items": [{"notified": True}]}, "code"),
            ({"members": ["a"], "items": [{"code": "A"}, {"code": "A"}]}, "二度"),
            ({"members": ["a"], "proxies": [{"from": "a"}]}, "from / to"),
            ({"members": ["a"], "attendees": "a"}, "attendees"),
            ({"members": ["a"], "email_votes": {"a": "yes"}}, "email_votes"),
            ([], "オブジェクト"),
        ]
        for data, word in bad:
            with self.subTest(word), self.assertRaisesRegex(rules.RuleError, word):
                rules.Meeting.from_dict(data)

    def test_it_does_not_pass_an_item_nobody_could_vote_on(self) -> None:
        verdict = rules.simulate(
            rules.MAJORITY, {"members": ["a", "b"], "items": [{"code": "A"}], "attendees": ["a", "b"]}
        )
        self.assertFalse(verdict["items"]["A"]["passed"])
        self.assertEqual(verdict["items"]["A"]["voters"], 0)
