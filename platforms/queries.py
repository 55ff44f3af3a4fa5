"""Reads of the platforms app: a platform by the slug of its URLs (the tenant middleware, commands)."""

from __future__ import annotations

from platforms.models import Platform


def platform_by_slug(slug: str) -> Platform | None:
    """The platform of ``/p/<slug>/`` (None for an unknown slug)."""
    return Platform.objects.filter(slug=slug).first()
