"""Web chat for people without LINE: anonymous, no account, resumable with a code.

The person gets a 16-character code (80 random bits) once, when the consultation starts;
only its keyed hash is stored. The browser session remembers the person too, so the code
is needed only on another device or after the session ends. Everything goes through the
same ``do_receive`` as LINE (auto-replies, crisis words, hours).
"""

from __future__ import annotations

import re
import secrets

import jaconv
from django.db import transaction
from django.utils import timezone

from consultations.crypto import blind_index
from consultations.models import Consulter, Conversation, TrackedLink, new_label
from consultations.services.channels import web_channel
from consultations.services.conversations import Received, do_receive
from platforms.models import Platform

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """Accept full-width characters, lower case, spaces and missing hyphens."""
    flat = re.sub(r"[^A-Z0-9]", "", jaconv.z2h(code, ascii=True, digit=True).upper())
    return "-".join(flat[i : i + 4] for i in range(0, len(flat), 4))


def code_hash(code: str) -> str:
    return blind_index(normalise_code(code), "web")


def find_by_code(platform: Platform, code: str) -> Consulter | None:
    if len(normalise_code(code).replace("-", "")) != CODE_LENGTH:
        return None
    return Consulter.objects.filter(channel=web_channel(platform), identity_hash=code_hash(code)).first()


def do_start(
    platform: Platform, text: str, *, source: TrackedLink | None = None
) -> tuple[Consulter, Received, str]:
    """A new person writes their first message. Returns the code to show them once."""
    code = new_code()
    with transaction.atomic():
        consulter = Consulter.objects.create(
            platform=platform,
            channel=web_channel(platform),
            identity_hash=code_hash(code),
            label=new_label(),
            first_contact_at=timezone.now(),
            source=source,
        )
        received = do_receive(consulter, text=text)
        Conversation.objects.filter(pk=received.conversation.pk).update(web_code_hash=consulter.identity_hash)
    return consulter, received, code


def do_write(consulter: Consulter, text: str) -> Received:
    with transaction.atomic():
        received = do_receive(consulter, text=text)
        if received.opened:
            Conversation.objects.filter(pk=received.conversation.pk).update(
                web_code_hash=consulter.identity_hash
            )
    return received
