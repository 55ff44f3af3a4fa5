"""Pre-filled application links (no database): another app invites an organisation to join (e.g.
an organisation survey's respondent) with the organisation's own details signed in the link, and
the join form reads them back."""

from __future__ import annotations

from django.core import signing

PREFILL_SALT = "partnership.join.prefill"
PREFILL_FIELDS = ("name", "org_type", "area", "email")
PREFILL_MAX_AGE = 180 * 24 * 3600


def prefill_token(fields: dict[str, str]) -> str:
    """A signed token of the application's first fields, read back by the join form."""
    kept = {key: value for key, value in fields.items() if key in PREFILL_FIELDS and value}
    return signing.dumps(kept, salt=PREFILL_SALT, compress=True)


def prefill_initial(token: str) -> dict[str, str]:
    """The join form's initial values from a token; nothing for a bad, altered or old one."""
    if not token:
        return {}
    try:
        data = signing.loads(token, salt=PREFILL_SALT, max_age=PREFILL_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(value)[:200] for key, value in data.items() if key in PREFILL_FIELDS}
