"""Registration, the waiting list, cancellation and lotteries: every write that moves a seat.

Each of these functions runs in one transaction that first locks the event row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise all writers),
then counts the seats held and decides. Two people registering for the last seat are therefore
served one after the other: the first gets it, the second the waiting list (or a clear "full").
A second registration with the same e-mail is refused by the same check and, should anything
slip past it, by the partial unique constraint on (event, e-mail) of live registrations.

Seats freed by a cancellation go to the waiting list in order at once: the first waiting person
is offered the seat (OFFERED holds it) with a link that confirms it until ``offer_expires_at``;
an offer not confirmed in time is released to the next person the next time anything touches
the event (and by ``manage.py event_expire_offers``), so no cron job is needed for correctness.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from events import mail
from events.models import Event, Registration
from events.queries import seats_left
from events.tokens import email_key, manage_token

STAFF_SOURCES = {
    Registration.Source.PHONE,
    Registration.Source.FAX,
    Registration.Source.EMAIL,
    Registration.Source.WALK_IN,
    Registration.Source.IMPORT,
}


class RegistrationError(ValidationError):
    """A registration that cannot be taken, with the message to show (and the field, if one)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class SignUp:
    """What a registration form (or staff entering a phone call) gives."""

    name: str
    email: str = ""
    mode: str = Registration.Mode.VENUE
    name_kana: str = ""
    phone: str = ""
    organisation: str = ""
    region: str = ""
    accessibility: str = ""
    answers: dict[str, str] | None = None


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _validate(event: Event, signup: SignUp, *, source: str, now: datetime.datetime) -> str:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("このイベントは中止になりました。"))
    staff = source in STAFF_SOURCES
    if not staff:
        if event.status != Event.Status.PUBLISHED:
            raise RegistrationError(_("このイベントは申込を受け付けていません。"))
        if event.deadline is not None and now >= event.deadline:
            raise RegistrationError(_("申込の締切を過ぎました。お問い合わせ先へご連絡ください。"))
        if event.starts_at <= now:
            raise RegistrationError(_("このイベントは開始時刻を過ぎたため、申込を受け付けていません。"))
    if not (signup.name or "").strip():
        raise RegistrationError(_("お名前を入力してください。"), "name")
    key = email_key(signup.email)
    if key:
        try:
            validate_email(key)
        except ValidationError:
            raise RegistrationError(
                _("メールアドレスの形式が正しくありません（例: taro@example.jp）。"), "email"
            ) from None
    elif not staff:
        raise RegistrationError(_("メールアドレスを入力してください。"), "email")
    if signup.mode not in event.modes:
        raise RegistrationError(_("この参加方法は選べません。"), "mode")
    if key and Registration.objects.active().filter(event=event, email_key=key).exists():
        raise RegistrationError(
            _("このメールアドレスでは既に申し込まれています。申込確認メールのリンクからご確認ください。"),
            "email",
        )
    return key


def do_register(
    event: Event,
    signup: SignUp,
    *,
    source: str = Registration.Source.WEB,
    actor: Actor | None = None,
    over_capacity: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Take one registration: a seat, the lottery pool, the waiting list, or a RegistrationError.

    ``over_capacity`` (staff only: walk-ins, a guest the secretariat decides to seat) confirms
    even when the mode is full.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            event = _locked(event)
            _release_expired_offers(event, now)
            key = _validate(event, signup, source=source, now=now)
            if (
                event.allocation == Event.Allocation.LOTTERY
                and event.lottery_drawn_at is None
                and not (over_capacity and source in STAFF_SOURCES)
            ):
                status = Registration.Status.APPLIED
            elif seats_left(event, signup.mode) > 0 or (over_capacity and source in STAFF_SOURCES):
                status = Registration.Status.CONFIRMED
            elif event.waitlist:
                status = Registration.Status.WAITLISTED
            else:
                raise RegistrationError(_("定員に達したため、申込を締め切りました。"))
            registration = Registration.objects.create(
                platform=event.platform,
                event=event,
                mode=signup.mode,
                name=signup.name.strip(),
                name_kana=signup.name_kana.strip(),
                email=unicodedata.normalize("NFKC", signup.email or "").strip(),
                email_key=key,
                phone=signup.phone.strip(),
                organisation=signup.organisation.strip(),
                region=signup.region.strip(),
                accessibility=signup.accessibility.strip(),
                answers=signup.answers or {},
                status=status,
                source=source,
                confirmed_at=now if status == Registration.Status.CONFIRMED else None,
                entered_by=actor.user if actor is not None and source in STAFF_SOURCES else None,
            )
            log_action(
                "events.register",
                by=actor,
                platform=event.platform,
                obj=registration,
                data={"status": status, "mode": signup.mode, "source": source},
                label="registrant",
            )
            mail.queue(event.platform, registration, "registered", mail_context(registration))
            return registration
    except IntegrityError:
        # The constraint caught a duplicate that raced past the check above.
        raise RegistrationError(
            _("このメールアドレスでは既に申し込まれています。申込確認メールのリンクからご確認ください。"),
            "email",
        ) from None


def mail_context(registration: Registration) -> dict[str, object]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "manage_url": mail.platform_url(
            "events:manage", event.platform, event.slug, registration.uuid, manage_token(registration)
        ),
        "checkin_url": mail.platform_url("events:checkin", event.platform, registration.uuid),
        "online_url": event.online_url
        if registration.status == Registration.Status.CONFIRMED
        and registration.mode == Registration.Mode.ONLINE
        else "",
    }


def do_cancel(
    registration: Registration,
    *,
    actor: Actor | None = None,
    reason: str = "registrant",
    now: datetime.datetime | None = None,
) -> list[Registration]:
    """Cancel (by the registrant's link, staff or a command); returns the registrations promoted."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(_("この申込は既に取り消されています。"))
        freed = registration.holds_seat
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.table = None
        registration.save(update_fields=["status", "cancelled_at", "table"])
        log_action(
            "events.cancel",
            by=actor,
            platform=event.platform,
            obj=registration,
            data={"reason": reason, "freed_seat": freed},
            label=reason,
        )
        mail.queue(event.platform, registration, "cancelled", mail_context(registration))
        promoted = _release_expired_offers(event, now)
        if freed:
            promoted += _fill_free_seats(event, registration.mode, now)
        return promoted


def _fill_free_seats(event: Event, mode: str, now: datetime.datetime) -> list[Registration]:
    """Offer free seats of ``mode`` to the waiting list in order (the event row is locked)."""
    if event.allocation == Event.Allocation.LOTTERY and event.lottery_drawn_at is None:
        return []
    promoted = []
    free = seats_left(event, mode)
    if free <= 0:
        return []
    waiting = Registration.objects.filter(
        event=event, mode=mode, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "id")[:free]
    expires = now + datetime.timedelta(hours=event.offer_hours)
    if expires > event.starts_at:
        expires = max(event.starts_at, now + datetime.timedelta(hours=1))
    for person in waiting:
        person.status = Registration.Status.OFFERED
        person.offer_expires_at = expires
        person.save(update_fields=["status", "offer_expires_at"])
        log_action(
            "events.offer",
            platform=event.platform,
            obj=person,
            data={"expires": expires.isoformat()},
            label="waiting list",
        )
        mail.queue(event.platform, person, "offered", mail_context(person))
        promoted.append(person)
    return promoted


def _release_expired_offers(event: Event, now: datetime.datetime) -> list[Registration]:
    expired = list(
        Registration.objects.filter(
            event=event, status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).order_by("created_at", "id")
    )
    modes = set()
    for person in expired:
        person.status = Registration.Status.CANCELLED
        person.cancelled_at = now
        person.save(update_fields=["status", "cancelled_at"])
        log_action("events.offer_expired", platform=event.platform, obj=person, label="waiting list")
        mail.queue(event.platform, person, "offer_expired", mail_context(person))
        modes.add(person.mode)
    promoted: list[Registration] = []
    for mode in sorted(modes):
        promoted += _fill_free_seats(event, mode, now)
    return promoted


def do_expire_offers(event: Event, *, now: datetime.datetime | None = None) -> list[Registration]:
    """Release offers past their time to the next waiting people (also done by every write)."""
    with transaction.atomic():
        return _release_expired_offers(_locked(event), now or timezone.now())


def do_confirm_offer(
    registration: Registration, *, actor: Actor | None = None, now: datetime.datetime | None = None
) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(registration.event)
        _release_expired_offers(event, now)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CONFIRMED:
            raise RegistrationError(_("この申込は既に参加確定です。"))
        if registration.status != Registration.Status.OFFERED:
            raise RegistrationError(_("ご案内した席の確定期限を過ぎました。お問い合わせ先へご連絡ください。"))
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
        log_action(
            "events.confirm_offer",
            platform=event.platform,
            obj=registration,
            by=actor,
            label="registrant",
        )
        mail.queue(event.platform, registration, "confirmed", mail_context(registration))
        return registration


def do_draw_lottery(event: Event, *, actor: Actor) -> dict[str, int]:
    """Draw the lottery: applicants in random order fill each mode, the rest wait (or are not drawn)."""
    now = timezone.now()
    rng = secrets.SystemRandom()
    with transaction.atomic():
        event = _locked(event)
        if event.allocation != Event.Allocation.LOTTERY:
            raise RegistrationError(_("このイベントは抽選ではありません。"))
        if event.lottery_drawn_at is not None:
            raise RegistrationError(_("抽選は既に行いました。"))
        counts = {"won": 0, "waiting": 0, "lost": 0}
        for mode in event.modes:
            pool = list(
                Registration.objects.filter(event=event, mode=mode, status=Registration.Status.APPLIED)
            )
            rng.shuffle(pool)
            free = seats_left(event, mode)
            for index, person in enumerate(pool):
                if index < free:
                    person.status, person.confirmed_at = Registration.Status.CONFIRMED, now
                    counts["won"] += 1
                    template = "confirmed"
                elif event.waitlist:
                    person.status = Registration.Status.WAITLISTED
                    counts["waiting"] += 1
                    template = "lottery_waiting"
                else:
                    person.status, person.cancelled_at = Registration.Status.CANCELLED, now
                    counts["lost"] += 1
                    template = "lottery_lost"
                # created_at keeps the waiting order = the drawn order.
                person.created_at = now + datetime.timedelta(microseconds=index)
                person.save(update_fields=["status", "confirmed_at", "cancelled_at", "created_at"])
                mail.queue(event.platform, person, template, mail_context(person))
        event.lottery_drawn_at = now
        event.save(update_fields=["lottery_drawn_at"])
        log_action("events.lottery", by=actor, platform=event.platform, obj=event, data=counts)
        return counts


def do_check_in(
    registration: Registration, *, actor: Actor | None = None, undo: bool = False
) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not undo and registration.status != Registration.Status.CONFIRMED:
            raise RegistrationError(
                _("参加確定ではない申込は受付できません（状態: %(s)s）。")
                % {"s": registration.get_status_display()}
            )
        if undo:
            registration.checked_in_at = None
        elif registration.checked_in_at is None:
            registration.checked_in_at = timezone.now()
        else:
            return registration  # a second scan of the same QR: already in, nothing to do
        registration.save(update_fields=["checked_in_at"])
        log_action(
            "events.check_in_undo" if undo else "events.check_in",
            by=actor,
            platform=registration.platform,
            obj=registration,
            label="system",
        )
        return registration


def do_walk_in(event: Event, signup: SignUp, *, actor: Actor) -> Registration:
    """A person who comes on the day without registering: seated and checked in at once."""
    with transaction.atomic():
        registration = do_register(
            event,
            signup,
            source=Registration.Source.WALK_IN,
            actor=actor,
            over_capacity=True,
        )
        return do_check_in(registration, actor=actor)
