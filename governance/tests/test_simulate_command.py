"""manage.py governance_simulate: a template or a platform's body, JSON on stdin, the verdict out."""

from __future__ import annotations

import datetime
import io
import json
import sys
from unittest import mock

from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from governance.models import Body, Seat
from governance.rules import GIFU
from tsunagari.lib.testing import BaseTestCase


def run(stdin: str, *args: str) -> str:
    out = io.StringIO()
    with mock.patch.object(sys, "stdin", io.StringIO(stdin)):
        call_command("governance_simulate", *args, stdout=out)
    return out.getvalue()


class SimulateCommandTestCase(BaseTestCase):
    def test_it_prints_the_verdict_of_the_gifu_template_as_json(self) -> None:
        meeting = {
            "members": [f"m{i}" for i in range(1, 13)],
            "chair": None,
            "items": [{"code": "1", "notified": True}],
            "attendees": [f"m{i}" for i in range(1, 8)],
            "proxies": [
                {"from": "m8", "to": "m1", "items": ["1"]},
                {"from": "m9", "to": "m12", "items": ["1"]},
            ],
            "email_votes": {},
            "votes": {"1": {"yes": ["m1", "m2", "m3", "m4", "m5", "m8"], "no": ["m6"], "abstain": []}},
        }
        verdict = json.loads(run(json.dumps(meeting), "--template", "gifu", "--json"))
        self.assertEqual(verdict["quorum"], {**verdict["quorum"], "met": True, "present": 8, "required": 8})
        self.assertEqual(verdict["items"]["1"]["yes"], 6)
        self.assertTrue(verdict["items"]["1"]["passed"])
        self.assertEqual(verdict["refused"][0]["article"], "第13条第3項")  # m12 is absent
        self.assertIsNone(verdict["deemed_resolution"])

    def test_it_summarises_in_japanese_without_json(self) -> None:
        out = run(
            json.dumps({"members": ["a", "b", "c"], "written_resolution": {"approve": ["a", "b"]}}),
            "--template",
            "gifu",
        )
        self.assertIn("みなし決議: 成立（賛成 2 / 必要 2）", out)

    def test_it_uses_the_voting_seats_of_a_platform_body(self) -> None:
        with scopes_disabled():
            body = Body.objects.create(
                platform=self.platform,
                code="pf",
                name="プラットフォーム会議",
                kind="council",
                rules=GIFU.to_dict(),
            )
            seats = [
                Seat.objects.create(
                    platform=self.platform, body=body, name=f"団体{i}", starts_on=datetime.date(2024, 4, 1)
                )
                for i in range(3)
            ]
            Seat.objects.create(
                platform=self.platform,
                body=body,
                name="オブザーバー",
                role=Seat.Role.OBSERVER,
                starts_on=datetime.date(2024, 4, 1),
            )
        data = {
            "items": [{"code": "1", "notified": True}],
            "attendees": [str(seats[0].uuid), str(seats[1].uuid)],
        }
        verdict = json.loads(run(json.dumps(data), "alpha", "--body", "pf", "--json"))
        self.assertEqual(verdict["quorum"]["members"], 3)
        self.assertTrue(verdict["quorum"]["met"])

    def test_it_refuses_bad_input_with_a_message(self) -> None:
        with self.assertRaisesRegex(CommandError, "not JSON"):
            run("{", "--template", "gifu")
        with self.assertRaisesRegex(CommandError, "members"):
            run("{}", "--template", "gifu")
        with self.assertRaisesRegex(CommandError, "either"):
            run("{}")
        with self.assertRaisesRegex(CommandError, "no body"):
            run("{}", "alpha", "--body", "nothing")
        with self.assertRaisesRegex(CommandError, "unknown platform"):
            run("{}", "gamma", "--body", "pf")
