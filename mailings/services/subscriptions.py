"""Subscriptions: double opt-in, import of existing consents, one-click unsubscribe, preferences.

Links carry a signature of the subscriber's uuid (never the e-mail): the confirm link expires
after ``CONFIRM_DAYS``; the unsubscribe and preferences links do not (an old issue's link still
works). A forged link is a 404; a replayed one answers what already happened.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from mailings.models import MailingList, Subscriber
from mailings.queries import subscriptions_of
from tsunagari.lib import mail

CONFIRM_SALT = "mailings.confirm"
MANAGE_SALT = "mailings.manage"
CONFIRM_DAYS = 7
CONSENT_TEXT = "{name} の配信に同意します（いつでも配信停止できます）。"


class SubscriptionError(ValidationError):
    pass


def email_key(email: str) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def manage_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber.uuid)).split(":", 1)[1]


def manage_token_matches(subscriber: Subscriber, token: str) -> bool:
    return secrets.compare_digest(manage_token(subscriber), token or "")


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.uuid)).split(":", 1)[1]


def confirm_token_state(subscriber: Subscriber, token: str) -> str:
    """'ok', 'expired' or 'forged'."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        signer.unsign(f"{subscriber.uuid}:{token}", max_age=datetime.timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "forged"
    return "ok"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    return site_url(
        reverse(
            "mailings:unsubscribe", args=[subscriber.platform.slug, subscriber.uuid, manage_token(subscriber)]
        )
    )


def preferences_url(subscriber: Subscriber) -> str:
    return site_url(
        reverse(
            "mailings:preferences", args=[subscriber.platform.slug, subscriber.uuid, manage_token(subscriber)]
        )
    )


def _valid_email(email: str) -> str:
    key = email_key(email)
    try:
        validate_email(key)
    except ValidationError:
        raise SubscriptionError(
            _("メールアドレスの形式が正しくありません（例: taro@example.jp）。")
        ) from None
    return key


def do_subscribe(
    mailing_list: MailingList,
    email: str,
    *,
    name: str = "",
    organisation: str = "",
    confirmed: bool = False,
    source: str = Subscriber.Source.WEB,
    consent_text: str = "",
    consented_at: datetime.datetime | None = None,
    actor: Actor | None = None,
) -> Subscriber:
    """Add (or re-add) a subscriber: pending with a confirm mail, or confirmed for an imported consent.

    Asking again with a pending or unsubscribed address sends a new confirm mail; a confirmed
    one is left alone (and nobody learns from the answer whether an address is subscribed).
    """
    key = _valid_email(email)
    now = timezone.now()
    consent = consent_text or CONSENT_TEXT.format(name=mailing_list.name)
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.select_for_update().get_or_create(
                mailing_list=mailing_list,
                email_key=key,
                defaults={
                    "platform": mailing_list.platform,
                    "email": unicodedata.normalize("NFKC", email).strip(),
                    "name": name,
                    "organisation": organisation,
                },
            )
            if subscriber.status == Subscriber.Status.CONFIRMED and not created:
                return subscriber
            subscriber.name = name or subscriber.name
            subscriber.organisation = organisation or subscriber.organisation
            subscriber.source = source
            subscriber.consent_text = consent
            subscriber.consented_at = consented_at or now
            subscriber.unsubscribed_at = None
            if confirmed:
                subscriber.status = Subscriber.Status.CONFIRMED
                subscriber.confirmed_at = now
            else:
                subscriber.status = Subscriber.Status.PENDING
            subscriber.save()
            log_action(
                "mailings.subscribe",
                by=actor,
                platform=mailing_list.platform,
                obj=subscriber,
                data={"status": subscriber.status, "source": source},
                label=source,
            )
            if not confirmed:
                url = site_url(
                    reverse(
                        "mailings:confirm",
                        args=[mailing_list.platform.slug, subscriber.uuid, confirm_token(subscriber)],
                    )
                )
                mail.queue_template(
                    "mailings/email/confirm",
                    {
                        "subscriber": subscriber,
                        "list": mailing_list,
                        "platform": mailing_list.platform,
                        "url": url,
                        "days": CONFIRM_DAYS,
                    },
                    to=[subscriber.email],
                    platform=mailing_list.platform,
                    # one confirm mail per request and day: a form sent twice mails once
                    key=f"mailings.confirm:{subscriber.uuid}:{now:%Y%m%d}:{subscriber.consented_at:%H%M}",
                    kind="mailings.confirm",
                )
            return subscriber
    except IntegrityError:
        raise SubscriptionError(_("登録を受け付けられませんでした。もう一度お試しください。")) from None


def do_confirm(subscriber: Subscriber, *, actor: Actor | None = None) -> bool:
    """Confirm a pending subscription; False if it was already confirmed (a replayed link)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return False
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            raise SubscriptionError(_("このアドレスは配信停止されています。もう一度登録してください。"))
        if subscriber.status == Subscriber.Status.SUSPENDED:
            raise SubscriptionError(
                _(
                    "このアドレスにはメールが届かなかったため、配信を止めています。事務局にお問い合わせください。"
                )
            )
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        log_action(
            "mailings.confirm",
            platform=subscriber.platform,
            obj=subscriber,
            by=actor,
            label="subscriber",
        )
        return True


def do_unsubscribe(subscriber: Subscriber, *, how: str = "link", actor: Actor | None = None) -> bool:
    """Stop sending; False if it was already stopped. Deliveries not yet handed over are skipped."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return False
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        log_action(
            "mailings.unsubscribe",
            by=actor,
            platform=subscriber.platform,
            obj=subscriber,
            data={"how": how},
            label="subscriber",
        )
        return True


def do_set_preferences(subscriber: Subscriber, wanted: set[int], *, actor: Actor | None = None) -> None:
    """Subscribe to or stop the lists of the preferences page (the address is proven by the link)."""
    with transaction.atomic():
        for mailing_list, current in subscriptions_of(subscriber).items():
            on = current is not None and current.status == Subscriber.Status.CONFIRMED
            if mailing_list.pk in wanted and not on:
                do_subscribe(
                    mailing_list,
                    subscriber.email,
                    name=subscriber.name,
                    confirmed=True,
                    source=Subscriber.Source.PREFERENCES,
                    actor=actor,
                )
            elif mailing_list.pk not in wanted and on and current is not None:
                do_unsubscribe(current, actor=actor, how="preferences")
