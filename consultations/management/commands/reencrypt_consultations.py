"""Rewrite every encrypted value under the newest key of CONSULTATION_KEYS (key rotation).

Put a new key first in CONSULTATION_KEYS (keep the old ones after it), run this command,
then remove the old keys. Values already under the newest key are rewritten too, in batches,
each batch in its own transaction; safe to re-run after an interruption.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django_scopes import scopes_disabled

from consultations.crypto import ENCRYPTED_FIELD_TYPES, InvalidToken


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Re-encrypt consultation content and other encrypted fields with the newest key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options) -> None:
        total = 0
        with scopes_disabled():
            for model, names in encrypted_fields():
                qs = model._base_manager.order_by("pk")
                last_pk = None
                while True:
                    page = qs.filter(pk__gt=last_pk) if last_pk is not None else qs
                    try:
                        rows = list(page.values("pk", *names)[:batch])
                    except InvalidToken as exc:
                        raise CommandError(
                            f"{model._meta.label}: a value is not readable with any key in "
                            "CONSULTATION_KEYS; put the old key back after the new one"
                        ) from exc
                    if not rows:
                        break
                    with transaction.atomic():
                        for row in rows:
                            # values() decrypted with whichever key fits; update() encrypts
                            # with the newest (first) key.
                            changes = {name: row[name] for name in names if row[name]}
                            if changes:
                                model._base_manager.filter(pk=row["pk"]).update(**changes)
                                total += 1
                    last_pk = rows[-1]["pk"]
                self.stdout.write(f"{model._meta.label}: done")
        self.stdout.write(f"re-encrypted {total} rows")
