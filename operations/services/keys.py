"""Key custody: recording the fingerprints of the keys the stored data needs.

Restoring a database without its keys used to go unnoticed: new keys were generated in var/,
``check`` passed and every consultation then failed to decrypt. The database now records a
fingerprint of each key that encrypted data (never the key; ``operations.fingerprints``), and
``operations.queries.key_problems()`` compares the configured keys against it and against one
stored value of every encrypted column.
"""

from __future__ import annotations

from django.db import transaction

from operations.fingerprints import configured_fingerprints
from operations.models import KeyFingerprint
from operations.queries import recorded_fingerprints


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
