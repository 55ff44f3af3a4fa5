"""The outbox's block on the secretariat's home: mail that could not be sent (platforms.homes).

Registered by accounts: audit sits below platforms, whose homes these are."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from platforms.homes import Block
from platforms.models import Platform
from tsunagari.lib.outbox.models import OutboxMail


def audit_home(platform: Platform, role: Any, now: datetime.datetime) -> Iterator[Block]:
    if not role.is_secretariat:
        return
    failed = OutboxMail.objects.filter(state=OutboxMail.State.FAILED).count()
    yield Block(
        _("送信に失敗したメール"),
        count=failed,
        url=reverse("audit:mail_list", args=[platform.slug]) + "?state=failed",
        urgent=True,
        order=7,
    )
