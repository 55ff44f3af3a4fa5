"""Update the English catalogues: one per app that has its own ``locale/`` folder, plus the project's.

Apps that keep their own catalogue (``<app>/locale/en/LC_MESSAGES/django.po``) can be worked on in
parallel without touching one shared file. Django's ``makemessages`` would put every message in
the first ``LOCALE_PATHS`` entry, so this command runs it per app with ``LOCALE_PATHS`` emptied and
the app folder as working directory, then once at the root for everything else.

    python manage.py update_messages            # all catalogues
    python manage.py update_messages directory  # one app's catalogue
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

IGNORED = [".venv/*", "var/*", "node_modules/*", "static/*"]


def app_catalogue_dirs() -> dict[str, Path]:
    """Label → folder of every project app (inside BASE_DIR) that has a ``locale`` folder."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path != base and base in path.parents and (path / "locale").is_dir():
            found[config.label] = path
    return found


class Command(BaseCommand):
    help = "makemessages -l en for each app catalogue and for the project catalogue"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="only these app labels (default: all, and the project)")

    def handle(self, *args: Any, **options: Any) -> None:
        dirs = app_catalogue_dirs()
        wanted = options["apps"] or list(dirs)
        unknown = [label for label in wanted if label not in dirs]
        if unknown:
            raise CommandError(f"no locale/ folder in app(s): {', '.join(unknown)}")
        cwd = os.getcwd()
        try:
            for label in wanted:
                os.chdir(dirs[label])
                with override_settings(LOCALE_PATHS=[]):
                    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
                self.stdout.write(f"{label}: {dirs[label] / 'locale'}")
            if not options["apps"]:
                os.chdir(settings.BASE_DIR)
                base = Path(settings.BASE_DIR).resolve()
                own = [f"{p.relative_to(base)}/*" for p in dirs.values()]
                call_command("makemessages", locale=["en"], ignore_patterns=IGNORED + own, verbosity=0)
                self.stdout.write(f"project: {settings.LOCALE_PATHS[0]}")
        finally:
            os.chdir(cwd)
