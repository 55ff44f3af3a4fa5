"""Fingerprints of the configured keys (never the keys): an HMAC of a fixed label under each key.

Pure computation (no database): the writes record these prints (``do_record_key_fingerprints``,
a backup's manifest) and the reads compare them with what the database recorded
(``operations.queries.key_problems``).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from operations.models import KeyFingerprint

_LABEL = b"tsunagari key fingerprint v1"


def fingerprint(key: str) -> str:
    """An HMAC of a fixed label under ``key``: equal keys give equal prints, nothing leaks."""
    return hmac.new(key.encode(), _LABEL, hashlib.sha256).hexdigest()[:32]


def configured_fingerprints() -> dict[str, list[str]]:
    return {
        KeyFingerprint.CONSULTATION: [fingerprint(key) for key in settings.CONSULTATION_KEYS],
        KeyFingerprint.INDEX: [fingerprint(settings.CONSULTATION_INDEX_KEY)],
    }
