"""The signed links of the network's mails (no database): the one-click unsubscribe of an
umbrella's forwarded mail and of the grant reminders and new-post mails, and the per-recipient
links to a forwarded post's files, which expire after ``FILE_LINK_DAYS``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from network.models import Attachment, GrantSubscription, UmbrellaRecipient
from platforms.models import Platform

UNSUBSCRIBE_SALT = "network.umbrella.unsubscribe"
FILE_SALT = "network.umbrella.file"
GRANT_SALT = "network.grants.unsubscribe"
# Forwarded mails carry a post's files as signed links, not as attachments: five files of up to
# 10 MB would pass the 10–25 MB most mail servers take, and one copy per umbrella member would
# fill the outbox. Each link is for one file and one recipient and lasts FILE_LINK_DAYS.
FILE_LINK_DAYS = 30


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# An umbrella's forwarded mail


def recipient_token(recipient: UmbrellaRecipient) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(recipient.uuid)).split(":", 1)[1]


def recipient_token_matches(recipient: UmbrellaRecipient, token: str) -> bool:
    return constant_time_compare(recipient_token(recipient), token or "")


def recipient_unsubscribe_url(recipient: UmbrellaRecipient) -> str:
    return site_url(
        reverse(
            "network:unsubscribe", args=[recipient.platform.slug, recipient.uuid, recipient_token(recipient)]
        )
    )


def _file_value(attachment: Attachment, recipient: UmbrellaRecipient) -> str:
    return f"{attachment.uuid}.{recipient.uuid}"


def file_token(attachment: Attachment, recipient: UmbrellaRecipient) -> str:
    """``timestamp:signature`` of the file for the recipient (the value itself is in the URL)."""
    value = _file_value(attachment, recipient)
    return signing.TimestampSigner(salt=FILE_SALT).sign(value)[len(value) + 1 :]


def file_token_ok(attachment: Attachment, recipient: UmbrellaRecipient, token: str) -> bool:
    value = _file_value(attachment, recipient)
    try:
        signing.TimestampSigner(salt=FILE_SALT).unsign(
            f"{value}:{token}", max_age=datetime.timedelta(days=FILE_LINK_DAYS)
        )
    except signing.BadSignature:  # forged, or expired (SignatureExpired is a BadSignature)
        return False
    return True


def file_link(attachment: Attachment, recipient: UmbrellaRecipient) -> str:
    return site_url(
        reverse(
            "network:forwarded_file",
            args=[
                recipient.platform.slug,
                attachment.uuid,
                recipient.uuid,
                file_token(attachment, recipient),
            ],
        )
    )


# Grant reminders and new-post mails


def subscription_token(subscription: GrantSubscription) -> str:
    return signing.Signer(salt=GRANT_SALT).sign(str(subscription.uuid)).split(":", 1)[1]


def subscription_token_matches(subscription: GrantSubscription, token: str) -> bool:
    return constant_time_compare(subscription_token(subscription), token or "")


def subscription_unsubscribe_url(platform: Platform, subscription: GrantSubscription) -> str:
    return site_url(
        reverse(
            "network:grant_unsubscribe",
            args=[platform.slug, subscription.uuid, subscription_token(subscription)],
        )
    )
