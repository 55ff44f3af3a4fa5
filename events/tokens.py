"""The registrant's e-mail key and the secret of their own link (status, confirm an offer, cancel).

Pure computation (no database): used by the registration writes, the public views and the commands.
"""

from __future__ import annotations

import secrets
import unicodedata

from django.core import signing

from events.models import Registration

MANAGE_SALT = "events.registration.manage"


def email_key(email: str) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def manage_token(registration: Registration) -> str:
    """The secret of the registrant's own link (status, confirm an offer, cancel)."""
    return signing.Signer(salt=MANAGE_SALT).sign(str(registration.uuid)).split(":", 1)[1]


def token_matches(registration: Registration, token: str) -> bool:
    return secrets.compare_digest(manage_token(registration), token or "")
