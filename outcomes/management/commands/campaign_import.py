"""``manage.py campaign_import <slug> <file> [--campaign NAME] [--json]``: check (and store) an agency's report.

Without ``--campaign`` the file is only checked; with it, the figures replace that campaign's
media (the campaign is created when missing). A sheet it cannot read is refused whole, naming the cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from accounts.permissions import Actor
from outcomes.importing import parse_file
from outcomes.metrics import report
from outcomes.models import Campaign
from outcomes.services.campaigns import do_import_media, do_save_campaign
from platforms.commands import PlatformCommand
from platforms.models import Platform


class Command(PlatformCommand):
    help = "Import per-medium campaign figures (CSV or Excel); CTR/CPC recomputed, disagreements flagged."

    def add_platform_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--campaign", default="", help="store the figures in this campaign (by name)")
        parser.add_argument("--json", action="store_true")

    def handle_platform(self, platform: Platform, **options: Any) -> None:
        path = Path(options["file"])
        try:
            sheet = parse_file(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["campaign"]:
            system = Actor(user=None, role=None, platform=platform)
            campaign = Campaign.objects.filter(name=options["campaign"]).first() or do_save_campaign(
                platform, {"name": options["campaign"]}, by=system
            )
            do_import_media(campaign, sheet, by=system)
        rows, total = report(sheet.rows, sheet.total)
        if options["json"]:
            total_json = total.as_json()
            del total_json["name"]
            out = {"media": [r.as_json() for r in rows], "total": total_json}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for row in [*rows, total]:
            self.stdout.write(
                f"{row.name}\t{row.impressions}\t{row.clicks}\t{row.cost}\t" + " / ".join(row.flags)
            )
