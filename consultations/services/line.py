"""The LINE channel: store webhook events durably, process them, deliver answers.

The webhook view only checks the signature, validates the body's shape and calls
``do_store_events``: one transaction inserts every event (encrypted) keyed by its
``webhookEventId`` (a redelivered event hits the unique constraint and is skipped) and
makes sure a processing run will see them (``EventDrain``: the first new events after a run
began queue the next django-tasks run in the same transaction). Only then does LINE get its
200. The worker (``drain_events``, ``process_events``) claims each event, downloads image
content outside any transaction, and writes the message; ``delivery.deliver`` answers with the reply token while it is
fresh and pushes (with ``X-Line-Retry-Key``) only after that.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import socket
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from django_tasks import task
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
)

from consultations import line_api
from consultations.crisis import Recognition
from consultations.crypto import blind_index
from consultations.models import (
    Channel,
    Consulter,
    Conversation,
    ConversationState,
    EventDrain,
    EventState,
    InboundEvent,
    MessageKind,
    TrackedLink,
    new_label,
)
from consultations.services.conversations import Desk, ReceiveBatch, do_hide_unsent, do_receive
from consultations.services.delivery import QUEUE, deliver_line_batch
from tsunagari.lib.untrusted import UnreadableFile, loads_json

log = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 5
# A processing run claims and reads this many events at once, and writes them in transactions of
# at most WRITE_EVENTS events and WRITE_SECONDS (on SQLite the webhooks wait for the one write
# lock meanwhile: LINE_STORE_WAIT_MS), reading their people WRITE_EVENTS at a time.
BATCH = 100
WRITE_EVENTS = 25
WRITE_SECONDS = 0.2
PREFETCH = WRITE_EVENTS
# Tracked-link reference carried by a LINE link's prefilled first message (see links.py).
REF_PATTERN = re.compile(r"[#＃]([a-z0-9]{3,16})\b")


class BadWebhook(Exception):
    """A webhook body that is not what LINE sends; the message names the field."""


def parse_events(body: bytes) -> list[dict[str, Any]]:
    try:
        data = loads_json(body)  # nesting refused beyond 64 levels, never a RecursionError
    except UnreadableFile as exc:
        raise BadWebhook(f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise BadWebhook("body must be an object with an 'events' array")
    events = data["events"]
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise BadWebhook(f"events[{index}] must be an object")
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not 1 <= len(event_id) <= 64:
            raise BadWebhook(f"events[{index}].webhookEventId must be a string of 1-64 characters")
        if not isinstance(event.get("type"), str) or not event["type"]:
            raise BadWebhook(f"events[{index}].type is missing")
        if not isinstance(event.get("timestamp", 0), int):
            raise BadWebhook(f"events[{index}].timestamp must be an integer")
    return events


def do_store_events(channel: Channel, events: list[dict[str, Any]]) -> int:
    """Store the events durably, and make sure a processing run will see them. Returns how many were new.

    Every value (the payload encrypted) is prepared before the transaction, so that the
    database's write lock is held only for two statements and the commit:
    ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` stores the events whose webhookEventId is
    not stored yet (the unique (channel, webhook_event_id) constraint decides, also against a
    concurrent redelivery) and names them; if any, the channel's ``EventDrain`` counter is
    bumped and, when no queued run is still to start, a run is queued (see EventDrain).
    """

    connection = connections[router.db_for_write(InboundEvent)]
    statements = _insert_statements(channel, events, connection)
    bump = _bump_params(channel, connection)
    new: set[str] = set()
    queue_run = False
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                new.update(row[0] for row in cursor.fetchall())
            if new:
                cursor.execute(_bump_sql(connection), bump)
                stored, drained = cursor.fetchone()
                queue_run = stored == drained + 1
        if queue_run:
            drain_line_events.enqueue(channel.pk)
    return len(new)


def _insert_statements(
    channel: Channel, events: list[dict[str, Any]], connection: BaseDatabaseWrapper
) -> list[tuple[str, list[Any]]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING statements for the events (each id once),
    with the values prepared by the fields as the ORM would (the payload encrypted)."""
    now = timezone.now()
    fields = [f for f in InboundEvent._meta.concrete_fields if not f.primary_key]
    rows, seen = [], set()
    for event in events:
        event_id = event["webhookEventId"]
        if event_id in seen:
            continue  # the same event twice in one body: stored once
        seen.add(event_id)
        values = {
            "platform": channel.platform_id,
            "channel": channel.pk,
            "webhook_event_id": event_id,
            "event_type": event["type"][:30],
            "event_timestamp": event.get("timestamp", 0),
            "payload": json.dumps(event, ensure_ascii=False),
            "is_redelivery": bool((event.get("deliveryContext") or {}).get("isRedelivery", False)),
            "received_at": now,
            "created_at": now,  # auto_now_add and auto_now, as save() would
            "updated_at": now,
        }
        rows.append(
            [
                f.get_db_prep_save(values[f.name] if f.name in values else f.get_default(), connection)
                for f in fields
            ]
        )
    qn = connection.ops.quote_name
    column = _columns(InboundEvent, [f.name for f in fields], connection)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    statements = []
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        sql = (
            f"INSERT INTO {qn(InboundEvent._meta.db_table)} ({', '.join(column.values())}) "  # noqa: S608 (names from _meta; values are params)
            f"VALUES {', '.join([one] * len(batch))} "
            f"ON CONFLICT ({column['channel']}, {column['webhook_event_id']}) DO NOTHING "
            f"RETURNING {column['webhook_event_id']}"
        )
        statements.append((sql, [value for row in batch for value in row]))
    return statements


def _columns(model: type[models.Model], names: list[str], connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The quoted column names of the model's fields ``names``."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    return {name: connection.ops.quote_name(str(fields[name].column)) for name in names}


def _bump_sql(connection: BaseDatabaseWrapper) -> str:
    """Count one more request with new events for the channel; returns (stored, drained).
    Parameters: ``_bump_params``."""
    table = connection.ops.quote_name(EventDrain._meta.db_table)
    platform, channel, uuid, created, updated, stored, drained = _columns(
        EventDrain,
        ["platform", "channel", "uuid", "created_at", "updated_at", "stored", "drained"],
        connection,
    ).values()
    return (
        f"INSERT INTO {table} ({platform}, {channel}, {uuid}, {created}, {updated}, {stored}, {drained}) "  # noqa: S608 (names from _meta; values are params)
        f"VALUES (%s, %s, %s, %s, %s, 1, 0) "
        f"ON CONFLICT ({channel}) DO UPDATE SET {stored} = {table}.{stored} + 1 "
        f"RETURNING {stored}, {drained}"
    )


def _bump_params(channel: Channel, connection: BaseDatabaseWrapper) -> list[Any]:
    """The values of a new counter row (used only when the channel has none yet): platform,
    channel, and a uuid and timestamps prepared by the fields as save() would."""
    fields = {f.name: f for f in EventDrain._meta.concrete_fields}
    now = timezone.now()
    return [
        channel.platform_id,
        channel.pk,
        fields["uuid"].get_db_prep_save(fields["uuid"].get_default(), connection),
        fields["created_at"].get_db_prep_save(now, connection),
        fields["updated_at"].get_db_prep_save(now, connection),
    ]


# --- processing (worker) ---------------------------------------------------------------------


def drain_events(channel: Channel) -> None:
    """One processing run: every event of the channel stored and never tried yet, in order.

    ``drained`` is set first, in its own transaction (on PostgreSQL it waits for a webhook
    transaction that holds the counter row), so that an event committed after the query
    below belongs to a request that saw this run started and queued the next one. Events
    that failed (attempts > 0) wait for their own retry task, with its backoff.
    """
    with transaction.atomic():
        EventDrain.objects.filter(channel=channel).update(drained=F("stored"))
    event_ids = list(
        InboundEvent.objects.filter(channel=channel, state=EventState.PENDING, attempts=0)
        .order_by("event_timestamp", "id")
        .values_list("webhook_event_id", flat=True)
    )
    process_events(channel, event_ids)


def process_events(channel: Channel, event_ids: list[str]) -> None:
    """Process the named events (those not done and not being processed elsewhere), in order,
    ``BATCH`` at a time."""
    for start in range(0, len(event_ids), BATCH):
        _Batch(channel).run(event_ids[start : start + BATCH])


def process_event(channel: Channel, event_id: str) -> None:
    process_events(channel, [event_id])


def _claim(channel: Channel, event_ids: list[str]) -> list[InboundEvent]:
    """Mark the named events that wait (pending, or failed and retried) as being processed, and
    read them, oldest first. One short write transaction: on PostgreSQL rows another worker is
    claiming at the same moment are skipped, on SQLite the write lock serialises claims."""
    with transaction.atomic():
        rows = list(
            InboundEvent.objects.select_for_update(skip_locked=True)
            .filter(
                channel=channel,
                webhook_event_id__in=event_ids,
                state__in=[EventState.PENDING, EventState.FAILED],
            )
            .order_by("event_timestamp", "id")
        )
        InboundEvent.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=EventState.PROCESSING,
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
            claimed_by=claimer(),
        )
    for row in rows:
        row.state = EventState.PROCESSING
        row.attempts += 1
    return rows


def claimer() -> str:
    """This process, as a claim records it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claimer_gone(claimed_by: str) -> bool:
    """Whether the process that claimed an event has ended. Known only for a process of this
    machine (its pid no longer exists); one of another machine counts as alive, and only
    ``STUCK_AFTER`` takes its events back."""
    host, _sep, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return False


# An event still being processed this long after its claim is taken back whoever claimed it.
STUCK_AFTER = datetime.timedelta(minutes=10)


def do_take_back_claims(*, only_gone: bool) -> dict[int, list[str]]:
    """Put back to pending the events claimed by a worker that is gone (its process ended on
    this machine: a kill -9, an out-of-memory kill, a crash) and, unless ``only_gone``, those
    claimed longer than ``STUCK_AFTER`` ago; return them by channel id, to be processed again.

    A claim is taken back only if it is still the same claim (same state and claimer, updated
    in one statement), so an event its worker finishes meanwhile stays done and is not
    processed twice. Events claimed before claims were recorded fall under the time rule by
    the time they were received.
    """
    now = timezone.now()
    with scopes_disabled():
        claimed = list(
            InboundEvent.objects.filter(state=EventState.PROCESSING).values_list(
                "pk", "claimed_by", "claimed_at", "received_at"
            )
        )
        by_claimer: dict[str, list[int]] = {}
        for pk, claimed_by, claimed_at, received_at in claimed:
            since = claimed_at or received_at
            if (claimed_by and claimer_gone(claimed_by)) or (not only_gone and since < now - STUCK_AFTER):
                by_claimer.setdefault(claimed_by, []).append(pk)
        back: dict[int, list[str]] = {}
        for claimed_by, pks in by_claimer.items():
            same_claim = InboundEvent.objects.filter(
                pk__in=pks, state=EventState.PROCESSING, claimed_by=claimed_by
            )
            with transaction.atomic():
                taken = list(same_claim.values_list("channel_id", "webhook_event_id"))
                # The same conditions again in the UPDATE: an event finished between the two
                # statements stays done (its id is queued anyway; a claim skips done events).
                count = same_claim.update(state=EventState.PENDING, claimed_by="", claimed_at=None)
            for channel_id, event_id in taken:
                back.setdefault(channel_id, []).append(event_id)
            if count:
                log.warning("LINE: %s event(s) claimed by %s taken back", count, claimed_by or "?")
    return back


class _Staged:
    """Events of a write transaction waiting to be written together (``ReceiveBatch``): messages
    and postbacks of people whose consultation is open, without crisis expressions, their
    reply tokens kept in memory until then."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.batch = ReceiveBatch(desk)
        self.rows: list[tuple[InboundEvent, Event | None, Prepared | None]] = []
        self.tokens: dict[int, Consulter] = {}
        self.deliveries: set[str] = set()  # the transaction's deliveries before the first staged
        self.broken = False

    def take(
        self, row: InboundEvent, event: Event | None, prepared: Prepared | None, people: dict[str, Consulter]
    ) -> bool:
        """Stage the event if it can be written with the others; False: write it alone."""
        if prepared is None or not isinstance(event, MessageEvent | PostbackEvent):
            return False
        consulter = people.get(blind_index(event.source.user_id, "line"))
        if consulter is None:
            return False  # someone new: created (and perhaps attributed to a tracked link) alone
        reachable = consulter.reachable if hasattr(consulter, "reachable") else bool(consulter.line_user_id)
        if not reachable or not self.batch.accepts(
            consulter, prepared.kind, prepared.text, prepared.recognition
        ):
            return False
        if not self.rows:
            assert self.desk.deliveries is not None  # noqa: S101 (inside write())
            self.deliveries = set(self.desk.deliveries)
        self.rows.append((row, event, prepared))
        if self.broken:
            return True
        try:
            token = getattr(event, "reply_token", None)
            # As _handle: the token's minute runs from LINE's delivery (when the event was stored).
            if token and (consulter.reply_token_at is None or consulter.reply_token_at < row.received_at):
                consulter.reply_token = token
                consulter.reply_token_at = row.received_at
                self.tokens[consulter.pk] = consulter
            self.batch.add(
                consulter,
                kind=prepared.kind,
                text=prepared.text,
                image=prepared.image,
                image_type=prepared.image_type,
                meta=prepared.meta,
                line_message_id=getattr(getattr(event, "message", None), "id", "") or "",
                at=_at(row),
            )
        except Exception:  # noqa: BLE001 (the staged events are written one by one: this one fails alone)
            self.broken = True
        return True


class _Batch:
    """Up to ``BATCH`` claimed events of one channel, processed together.

    Each event is parsed and prepared first (an image is downloaded outside any transaction:
    what was prepared before it is written first), then written in its own savepoint inside a
    write transaction shared with the events around it; that transaction also marks them done,
    so an event is never left written but not done. A transaction is committed once it has run
    ``WRITE_SECONDS`` (SQLite has one writer: the webhooks wait for its lock meanwhile). The
    people, their open consultations, the desk's hours and crisis words are read once per
    transaction, not once per event. An event that fails is rolled back alone and retried later
    with backoff, as before.
    """

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.desk = Desk(channel.platform)
        self.ready: list[tuple[InboundEvent, Event | None, Prepared | None]] = []
        self.failed: list[tuple[InboundEvent, BaseException]] = []

    def run(self, event_ids: list[str]) -> None:
        for row in _claim(self.channel, event_ids):
            try:
                event = _event_of(row)
                if _downloads(event):
                    self.write()  # what is prepared goes first: no transaction waits on the network
                prepared = _prepare(self.channel, event) if event is not None else None
                if prepared is not None:
                    prepared.recognition = self.desk.recognise(prepared.kind, prepared.text)
            except Exception as exc:  # noqa: BLE001 (recorded on the row and retried later)
                self.failed.append((row, exc))
                continue
            self.ready.append((row, event, prepared))
        self.write()

    def write(self) -> None:
        ready, self.ready = self.ready, []
        position = 0
        while position < len(ready) or self.failed:
            with transaction.atomic():
                people: dict[str, Consulter] = {}
                self.desk.deliveries = set()  # one delivery task for the answers of the transaction
                staged = _Staged(self.desk)
                read_up_to = position
                started = time.monotonic()
                done: list[int] = []
                while position < len(ready):
                    taken = len(done) + len(staged.rows)
                    if taken and (taken >= WRITE_EVENTS or time.monotonic() - started >= WRITE_SECONDS):
                        break
                    if position == read_up_to:
                        read_up_to = position + PREFETCH
                        self._read_people(people, [event for _r, event, _p in ready[position:read_up_to]])
                    row, event, prepared = ready[position]
                    position += 1
                    if staged.take(row, event, prepared, people):
                        continue
                    # Anything else reads what the staged events write: they go first.
                    done += self._flush(staged, people)
                    done += self._one(row, event, prepared, people)
                done += self._flush(staged, people)
                if done:
                    InboundEvent.objects.filter(pk__in=done).update(
                        state=EventState.DONE, processed_at=timezone.now(), error=""
                    )
                if self.desk.deliveries:
                    deliver_line_batch.enqueue(sorted(self.desk.deliveries))
                self._record_failures()
            self.desk.forget_open()
            self.desk.deliveries = None

    def _one(
        self, row: InboundEvent, event: Event | None, prepared: Prepared | None, people: dict[str, Consulter]
    ) -> list[int]:
        """Write one event in its own savepoint: ``[row.pk]``, or ``[]`` (recorded as failed)."""
        assert self.desk.deliveries is not None  # noqa: S101 (inside write())
        deliveries = set(self.desk.deliveries)
        try:
            with transaction.atomic():
                if event is not None:
                    _handle(self.channel, row, event, prepared, self.desk, people)
        except Exception as exc:  # noqa: BLE001 (recorded on the row and retried later)
            # What the savepoint wrote is gone: forget what was read or made in it.
            self.desk.forget()
            self.desk.deliveries = deliveries
            people.clear()
            self.failed.append((row, exc))
            return []
        return [row.pk]

    def _flush(self, staged: _Staged, people: dict[str, Consulter]) -> list[int]:
        """Write the staged events together (a few statements in one savepoint); if that fails,
        forget what they changed in memory and write them one by one (``_one``), so that only
        the event at fault fails and is retried. Returns the ids of the events written."""
        rows, tokens, deliveries = staged.rows, list(staged.tokens.values()), staged.deliveries
        if not rows:
            return []
        broken, staged.broken = staged.broken, False
        staged.rows, staged.tokens = [], {}
        if not broken:
            try:
                with transaction.atomic():
                    staged.batch.flush()
                    if tokens:
                        Consulter.objects.bulk_update(tokens, ["reply_token", "reply_token_at"])
            except Exception as exc:  # noqa: BLE001 (each event is written alone below)
                log.warning(
                    "LINE: %s events written together failed (%s); one by one", len(rows), type(exc).__name__
                )
            else:
                return [row.pk for row, _event, _prepared in rows]
        staged.batch = ReceiveBatch(self.desk)
        self.desk.forget()
        self.desk.deliveries = deliveries
        people.clear()
        done: list[int] = []
        for row, event, prepared in rows:
            done += self._one(row, event, prepared, people)
        return done

    def _read_people(self, people: dict[str, Consulter], events: list[Event | None]) -> None:
        """Read the channel's people among the events' senders not read yet into ``people`` (by
        blind index), and have the desk remember their open consultations. The encrypted
        columns are not read (not needed here: one decryption less per row)."""
        digests = {
            blind_index(event.source.user_id, "line")
            for event in events
            if event is not None and isinstance(getattr(event, "source", None), UserSource)
        } - people.keys()
        if not digests:
            return
        found = (
            Consulter.objects.filter(channel=self.channel, identity_hash__in=digests)
            .defer("line_user_id", "reply_token")
            .annotate(reachable=ExpressionWrapper(~Q(line_user_id=""), output_field=BooleanField()))
        )
        for consulter in found:
            consulter.channel = self.channel
            consulter.platform = self.channel.platform
            people[consulter.identity_hash] = consulter
            self.desk.open[consulter.pk] = None
        open_ones = (
            Conversation.objects.filter(consulter__in=[people[d].pk for d in digests if d in people])
            .exclude(state=ConversationState.CLOSED)
            .defer("urgent_words")
        )
        for conversation in open_ones:
            conversation.channel = self.channel
            conversation.platform = self.channel.platform
            self.desk.open[conversation.consulter_id] = conversation
        self.desk.read_said([c.pk for c in self.desk.open.values() if c is not None])

    def _record_failures(self) -> None:
        failed, self.failed = self.failed, []
        for row, exc in failed:
            final = row.attempts >= MAX_EVENT_ATTEMPTS
            InboundEvent.objects.filter(pk=row.pk).update(
                state=EventState.FAILED if final else EventState.PENDING, error=type(exc).__name__[:200]
            )
            # Only the exception's type is logged: its message could quote the content.
            log.warning("LINE event %s failed (%s, attempt %s)", row.pk, type(exc).__name__, row.attempts)
            if not final:
                later = timezone.now() + datetime.timedelta(seconds=30 * 2**row.attempts)
                process_line_events.using(run_after=later).enqueue(self.channel.pk, [row.webhook_event_id])


@dataclass
class Prepared:
    kind: str
    text: str = ""
    image: bytes | None = None
    image_type: str = ""
    meta: dict[str, Any] | None = None
    # Crisis expressions of the text, found before the write transaction (Sudachi takes time).
    recognition: Recognition | None = None


def _event_of(row: InboundEvent) -> Event | None:
    """The stored event as the SDK reads it; None for what is not a consultation (a type this
    SDK version does not know, group and room events): kept, nothing to do."""
    try:
        event = Event.from_dict(json.loads(row.payload))
    except ValueError:
        return None
    if not isinstance(getattr(event, "source", None), UserSource):
        return None
    return event


def _downloads(event: Event | None) -> bool:
    """Whether preparing the event downloads its content from LINE."""
    return (
        isinstance(event, MessageEvent)
        and isinstance(event.message, ImageMessageContent)
        and getattr(event.message.content_provider, "type", "line") == "line"
    )


def _at(row: InboundEvent) -> datetime.datetime | None:
    """When the person sent the event (LINE's timestamp), if given."""
    if not row.event_timestamp:
        return None
    return datetime.datetime.fromtimestamp(row.event_timestamp / 1000, tz=datetime.UTC)


def _handle(
    channel: Channel,
    row: InboundEvent,
    event: Event,
    prepared: Prepared | None,
    desk: Desk,
    people: dict[str, Consulter],
) -> None:
    user_id = event.source.user_id
    at = _at(row)
    consulter = _consulter(channel, user_id, at, people, desk)
    token = getattr(event, "reply_token", None)
    # The token's minute runs from LINE's delivery, i.e. when the webhook stored the event.
    if token and (consulter.reply_token_at is None or consulter.reply_token_at < row.received_at):
        consulter.reply_token = token
        consulter.reply_token_at = row.received_at
        consulter.save(update_fields=["reply_token", "reply_token_at"])
    if isinstance(event, FollowEvent):
        Consulter.objects.filter(pk=consulter.pk).update(following=True, unfollowed_at=None)
        consulter.following, consulter.unfollowed_at = True, None
    elif isinstance(event, UnfollowEvent):
        now = timezone.now()
        Consulter.objects.filter(pk=consulter.pk).update(following=False, unfollowed_at=now)
        consulter.following, consulter.unfollowed_at = False, now
    elif isinstance(event, UnsendEvent):
        do_hide_unsent(consulter, event.unsend.message_id)
    elif prepared is not None:
        _attribute(consulter, prepared, desk)
        do_receive(
            consulter,
            kind=prepared.kind,
            text=prepared.text,
            image=prepared.image,
            image_type=prepared.image_type,
            meta=prepared.meta,
            line_message_id=getattr(getattr(event, "message", None), "id", "") or "",
            at=at,
            desk=desk,
            recognition=prepared.recognition,
        )


def _prepare(channel: Channel, event: Event) -> Prepared | None:
    if isinstance(event, PostbackEvent):
        return Prepared(MessageKind.POSTBACK, text=event.postback.data or "")
    if not isinstance(event, MessageEvent):
        return None
    content = event.message
    if isinstance(content, TextMessageContent):
        return Prepared(MessageKind.TEXT, text=content.text)
    if isinstance(content, StickerMessageContent):
        keywords = list(content.keywords or [])[:5]
        return Prepared(
            MessageKind.STICKER,
            meta={"package_id": content.package_id, "sticker_id": content.sticker_id, "keywords": keywords},
        )
    if isinstance(content, ImageMessageContent):
        return _image(channel, content)
    return Prepared(MessageKind.SYSTEM, meta={"unsupported": getattr(content, "type", "unknown")})


def _image(channel: Channel, content: ImageMessageContent) -> Prepared:
    limit = settings.CONSULTATION_MAX_IMAGE_BYTES
    provider = getattr(content.content_provider, "type", "line")
    if provider != "line":
        return Prepared(MessageKind.IMAGE, meta={"external": True})
    try:
        fetched = line_api.fetch_content(channel, content.id, limit)
    except line_api.ContentTooLarge as exc:
        return Prepared(MessageKind.IMAGE, meta={"too_large": int(exc.args[0]), "limit": limit})
    return Prepared(
        MessageKind.IMAGE,
        image=fetched.data,
        image_type=fetched.content_type[:40],
        meta={"bytes": len(fetched.data)},
    )


def _consulter(
    channel: Channel, user_id: str, at: datetime.datetime | None, people: dict[str, Consulter], desk: Desk
) -> Consulter:
    """The channel's person behind ``user_id`` (from ``people``, the batch's, or created)."""
    digest = blind_index(user_id, "line")
    found = people.get(digest)
    if found is not None:
        # ``reachable``: whether line_user_id is set, read without decrypting it (_read_people).
        reachable = found.reachable if hasattr(found, "reachable") else bool(found.line_user_id)
        if not reachable:
            # Retention forgot how to reach this person (content_deleted_at); they wrote again,
            # so answers can be pushed to them again, and retention may forget them later again.
            found.line_user_id = user_id
            found.content_deleted_at = None
            found.save(update_fields=["line_user_id", "content_deleted_at"])
            found.reachable = True  # type: ignore[attr-defined]
        return found
    try:
        with transaction.atomic():
            found = Consulter.objects.create(
                platform=channel.platform,
                channel=channel,
                identity_hash=digest,
                line_user_id=user_id,
                label=new_label(),
                first_contact_at=at or timezone.now(),
            )
        desk.open[found.pk] = None  # someone new has no consultation yet
        found.new = True  # type: ignore[attr-defined]
    except IntegrityError:
        found = Consulter.objects.get(channel=channel, identity_hash=digest)
        found.channel, found.platform = channel, channel.platform
    people[digest] = found
    return found


def _attribute(consulter: Consulter, prepared: Prepared, desk: Desk) -> None:
    """First contact from a tracked link: ``#code`` in the first text or ``ref=code`` postback."""
    if consulter.source_id is not None or desk.open.get(consulter.pk) is not None:
        return
    if not getattr(consulter, "new", False) and consulter.conversations.exists():
        return
    code = ""
    if prepared.kind == MessageKind.POSTBACK and prepared.text.startswith("ref="):
        code = prepared.text[4:20]
    elif prepared.kind == MessageKind.TEXT:
        match = REF_PATTERN.search(prepared.text.lower())
        code = match.group(1) if match else ""
    if code:
        link = TrackedLink.objects.filter(platform_id=consulter.platform_id, code=code).first()
        if link is not None:
            Consulter.objects.filter(pk=consulter.pk).update(source=link)
            consulter.source = link


# --- tasks (the worker runs these; consultations.tasks names them too) ------------------------


@task(queue_name=QUEUE)
def drain_line_events(channel_id: int) -> None:
    """Process every stored LINE event of the channel not tried yet (queued by the webhook)."""
    with scopes_disabled():
        channel = Channel.objects.select_related("platform").get(pk=channel_id)
    with scope(platform=channel.platform):
        drain_events(channel)


@task(queue_name=QUEUE)
def process_line_events(channel_id: int, event_ids: list[str]) -> None:
    """Process the named events (retries after a failure, ``manage.py line_events --retry``)."""
    with scopes_disabled():
        channel = Channel.objects.select_related("platform").get(pk=channel_id)
    with scope(platform=channel.platform):
        process_events(channel, event_ids)
