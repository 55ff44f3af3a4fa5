"""Record the keys' fingerprints after every migrate (only when they agree with the data)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from operations.services.keys import do_record_key_fingerprints


@receiver(post_migrate)
def _record_fingerprints(sender: Any, app_config: Any = None, using: str = "default", **kwargs: Any) -> None:
    if app_config is None or app_config.name != "operations" or using != "default":
        return
    do_record_key_fingerprints()
