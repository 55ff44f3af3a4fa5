"""Signed links of governance: the seat's response to a convocation and the ballot of a written
resolution, opened from the mail without signing in.

Pure computation (no database): used by the services' writes (the mails), the public views that
open a link, and the tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from governance.models import Ballot

RESPONSE_SALT = "governance.response"
BALLOT_SALT = "governance.ballot"


def sign(value: str, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=False)


def unsign(token: str, salt: str) -> str | None:
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def absolute(name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def ballot_link(ballot: Ballot) -> str:
    return absolute("governance:ballot", ballot.platform.slug, sign(str(ballot.uuid), BALLOT_SALT))
