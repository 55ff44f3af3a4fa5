"""Encryption at rest for consultation content (and anything else as sensitive).

Fernet (AES-128-CBC + HMAC-SHA256) through ``MultiFernet``: the first key in
``settings.CONSULTATION_KEYS`` encrypts, every key decrypts, so a new key is
put in front, ``manage.py reencrypt_consultations`` rewrites every stored
token under it, and the old key is then removed. Channel identities (a LINE
userId) are looked up through a keyed hash (``blind_index``) with a separate,
stable key, so that rotating the encryption keys never breaks the lookup.

``EncryptedTextField`` and ``EncryptedBinaryField`` store Fernet tokens;
the re-encryption command finds every such field in every model, so a new
app (notes, case files) only has to use the fields.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.CONSULTATION_KEYS)
    if not keys:
        raise ImproperlyConfigured("CONSULTATION_KEYS must hold at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CONSULTATION_KEYS: every key must be 32 url-safe base64-encoded bytes "
            "(make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from exc


def reset_keys() -> None:
    """Forget the cached keys (after settings.CONSULTATION_KEYS changed, e.g. in a test)."""
    _fernet.cache_clear()


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CONSULTATION_KEYS":
        reset_keys()


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode()


def blind_index(value: str, purpose: str) -> str:
    """A keyed SHA-256 of ``value`` for equality lookups without storing the value in clear."""
    key = settings.CONSULTATION_INDEX_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Cannot be filtered or ordered on (it is ciphertext)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored as a Fernet token (images and other attachments)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        if value is None or len(value) == 0:
            return None if value is None else b""
        return decrypt_bytes(bytes(value))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or len(value) == 0:
            return super().get_db_prep_value(value, connection, prepared)
        return super().get_db_prep_value(encrypt_bytes(bytes(value)), connection, prepared)


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedBinaryField)

__all__ = [
    "ENCRYPTED_FIELD_TYPES",
    "EncryptedBinaryField",
    "EncryptedTextField",
    "InvalidToken",
    "blind_index",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "reset_keys",
]
