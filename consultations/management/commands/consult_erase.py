"""Erase one person's data on their request (個人情報保護法 利用停止・消去等の請求).

    python manage.py consult_erase yamagata --person <uuid> --reason "本人から電話で請求" [--yes]
    python manage.py consult_erase yamagata --code ABCD-EFGH-JKLM-NPQR --reason "..." [--yes]
    python manage.py consult_erase kamakura --case C-2026-0003 --reason "世帯から窓口で請求" [--yes]

A household case that began outside a chat (phone, counter, home visit, agency) is erased with
``--case``; a case opened from a chat goes with its person.

Without ``--yes`` it prints what would be erased and asks for confirmation; when nobody can
answer (no terminal), it refuses. Content goes, the statistics stay; the erasure is audited.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from accounts.permissions import Actor
from consultations.management.person import add_person_arguments, find_case, find_person
from consultations.queries import case_erasure_preview, erasure_preview
from consultations.services.privacy import do_erase_case, do_erase_person
from platforms.commands import platform_of


class Command(BaseCommand):
    help = "Erase one person's consultation content (their request); statistics are kept."
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        add_person_arguments(parser)
        parser.add_argument("--reason", required=True, help="why (e.g. the request's reference); no content")
        parser.add_argument("--yes", action="store_true", help="erase without asking")

    def handle(
        self, *args: Any, slug: str, person: str | None, code: str | None, case: str | None, **options: Any
    ) -> None:
        reason = (options["reason"] or "").strip()
        if not reason:
            raise CommandError("--reason must not be empty")
        if len(reason) > 200:
            raise CommandError(f"--reason is {len(reason)} characters; at most 200")
        platform = platform_of(slug)
        if case:
            self._erase_case(platform, case, reason, options)
            return
        with scope(platform=platform):
            consulter = find_person(platform, person=person, code=code)
            self._show(consulter)
            if not options["yes"]:
                self._confirm(options.get("stdin") or sys.stdin)
            counts = do_erase_person(
                consulter, actor=Actor(user=None, role=None, platform=platform), reason=reason
            )
        if not any(counts.values()):
            self.stdout.write("Nothing was left to erase: this person's data had already been erased.")
            return
        done = ", ".join(f"{key} {value}" for key, value in counts.items())
        self.stdout.write(f"Erased {consulter.uuid}: {done}.")

    def _erase_case(self, platform: Any, key: str, reason: str, options: dict[str, Any]) -> None:
        with scope(platform=platform):
            case = find_case(platform, key)
            if case.conversation_id is not None:
                raise CommandError(
                    f"{case.reference} was opened from a chat: erase its person (--person) instead"
                )
            preview = case_erasure_preview(case)
            self.stdout.write(
                f"Case {case.reference} ({case.get_origin_display()})"
                + (f", already erased at {preview.erased_at.isoformat()}" if preview.erased_at else "")
                + f"\n  household members {preview.members}, contacts {preview.contacts}, "
                f"tasks {preview.tasks}, notes {preview.entries}\n"
                f"  open, to be closed: {'yes' if preview.is_open else 'no'}; "
                f"consents to withdraw {preview.active_consents} "
                f"({preview.organisations} organisations lose access)\n"
                "Kept for statistics: dates, channels, relationships, age bands, counts."
            )
            if not options["yes"]:
                self._confirm(options.get("stdin") or sys.stdin)
            counts = do_erase_case(case, actor=Actor(user=None, role=None, platform=platform), reason=reason)
        if not any(counts.values()):
            self.stdout.write("Nothing was left to erase: this case's data had already been erased.")
            return
        done = ", ".join(f"{key} {value}" for key, value in counts.items())
        self.stdout.write(f"Erased {case.reference}: {done}.")

    def _show(self, consulter: Any) -> None:
        preview = erasure_preview(consulter)
        self.stdout.write(f"Person {consulter.uuid} ({consulter.label}, {consulter.channel.kind})")
        if preview.erased_at:
            self.stdout.write(f"  already erased at {preview.erased_at.isoformat()}")
        self.stdout.write(
            f"  consultations {preview.consultations} (open, to be closed: {preview.open_consultations})\n"
            f"  messages with content {preview.messages}\n"
            f"  referrals {preview.referrals} (sent to receivers {preview.referrals_sent}, "
            f"open, to be cancelled: {preview.open_referrals})\n"
            f"  consents to withdraw {preview.active_consents}\n"
            f"  cases {preview.cases} (open, to be closed: {preview.open_cases})\n"
            f"  raw LINE events {preview.raw_events}\n"
            "Kept for statistics: counts, channel, times, age band, topics, outcome codes."
        )

    def _confirm(self, stdin: Any) -> None:
        if not stdin.isatty():
            raise CommandError(
                "not erasing: no terminal to confirm on; run again with --yes to erase without asking"
            )
        self.stdout.write("Erase this person's data? This cannot be undone. Type 'yes' to erase: ", ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("not erased (not confirmed)")
