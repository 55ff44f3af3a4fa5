"""Key custody: fingerprints of the keys the stored data needs, and the check that they match.

Restoring a database without its keys used to go unnoticed: new keys were generated in var/,
``check`` passed and every consultation then failed to decrypt. The database now records a
fingerprint of each key that encrypted data (never the key), and ``key_problems()`` compares
the configured keys against it and against one stored value of every encrypted column.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from consultations.crypto import ENCRYPTED_FIELD_TYPES, EncryptedBinaryField
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


def recorded_fingerprints() -> dict[str, set[str]]:
    recorded: dict[str, set[str]] = {KeyFingerprint.CONSULTATION: set(), KeyFingerprint.INDEX: set()}
    for purpose, print_ in KeyFingerprint.objects.values_list("purpose", "fingerprint"):
        recorded.setdefault(purpose, set()).add(print_)
    return recorded


def do_record_key_fingerprints() -> list[str]:
    """Record the configured keys' prints when they agree with what the database knows.

    A first start records them. A rotation (a new key in front of the old ones) adds the new
    key's print because an old one still matches. Keys that match nothing recorded are not
    recorded: that is the mismatch ``key_problems()`` reports, not a new normal.
    """
    configured = configured_fingerprints()
    recorded = recorded_fingerprints()
    added = []
    with transaction.atomic():
        for purpose, prints in configured.items():
            known = recorded.get(purpose, set())
            if purpose == KeyFingerprint.INDEX:
                candidates = prints if not known else []
            else:
                candidates = prints if not known or known.intersection(prints) else []
            for print_ in candidates:
                if print_ not in known:
                    KeyFingerprint.objects.get_or_create(purpose=purpose, fingerprint=print_)
                    added.append(f"{purpose}:{print_[:12]}")
    return added


def _encrypted_columns() -> Iterator[tuple[str, str, bool]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ENCRYPTED_FIELD_TYPES) and field.column:
                yield model._meta.db_table, field.column, isinstance(field, EncryptedBinaryField)


def _sample_tokens() -> Iterator[tuple[str, bytes]]:
    """One stored token of every encrypted column that holds any (read raw, not decrypted)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, binary in _encrypted_columns():
            name = quote(column)
            # Table and column names come from the model registry, never from input.
            sql = f"SELECT {name} FROM {quote(table)} WHERE {name} IS NOT NULL AND LENGTH({name}) > 0 LIMIT 1"  # noqa: S608
            cursor.execute(sql)
            row = cursor.fetchone()
            if row is None:
                continue
            value = row[0]
            token = bytes(value) if binary else str(value).encode("ascii", "replace")
            yield f"{table}.{column}", token


def key_problems() -> list[str]:
    """Why the configured keys cannot read this database's data (empty when they can)."""
    try:
        recorded = recorded_fingerprints()
    except DatabaseError:
        return []  # not migrated yet: nothing stored, nothing to read
    configured = configured_fingerprints()
    problems = []
    index_known = recorded.get(KeyFingerprint.INDEX, set())
    if index_known and not index_known.intersection(configured[KeyFingerprint.INDEX]):
        problems.append(
            "CONSULTATION_INDEX_KEY is not the key this database was written with "
            "(LINE users and web chat codes would no longer be found)."
        )
    consultation_known = recorded.get(KeyFingerprint.CONSULTATION, set())
    if consultation_known and not consultation_known.intersection(configured[KeyFingerprint.CONSULTATION]):
        problems.append("None of CONSULTATION_KEYS is a key this database's data was encrypted with.")
    try:
        fernet = MultiFernet([Fernet(key) for key in settings.CONSULTATION_KEYS])
    except ValueError:
        return [*problems, "CONSULTATION_KEYS holds a value that is not a Fernet key."]
    try:
        samples = list(_sample_tokens())
    except DatabaseError:
        return problems
    for where, token in samples:
        try:
            fernet.decrypt(token)
        except InvalidToken:
            problems.append(f"CONSULTATION_KEYS cannot decrypt the stored {where}.")
    return problems
