"""Shared by the mailings commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from mailings.models import MailingList


def list_of(slug: str) -> MailingList:
    """Call inside the platform's scope."""
    found = MailingList.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"unknown mailing list: {slug!r}")
    return found
