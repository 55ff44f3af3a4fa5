"""Benchmark: erasing one LINE person among N stored webhook events.

An InboundEvent is tied to nobody in the schema, so erasure finds the person's raw events by
decrypting each stored payload and comparing the keyed hash of its LINE userId (retention
keeps payloads 30 days, so N is about a month of events). This measures, on a throwaway
SQLite database, against a baseline in the same run:

  baseline   read the encrypted payload column of the N events as stored (no decryption)
  preview    erasure_preview(): what the confirmation page and ``consult_erase`` show
  erase      do_erase_person(): the whole transaction (person with 20 consultations)

Run: make bench BENCH=bench_erasure   (N=… events, default 30,000: a month at 1,000 a day)
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-erasure-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
os.environ["TSUNAGARI_VAR_DIR"] = str(TMP)
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["STATIC_MANIFEST"] = "0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope  # noqa: E402

from accounts.permissions import Actor  # noqa: E402
from consultations.crypto import blind_index  # noqa: E402
from consultations.line_fake import make_event  # noqa: E402
from consultations.models import (  # noqa: E402
    Consulter,
    Conversation,
    ConversationState,
    Direction,
    EventState,
    InboundEvent,
    Message,
)
from consultations.queries import erasure_preview  # noqa: E402
from consultations.services.channels import do_configure_line  # noqa: E402
from consultations.services.privacy import do_erase_person  # noqa: E402
from platforms.services.creation import do_create_platform  # noqa: E402

N = int(os.environ.get("N", "30000"))
PERSON = "U" + "a" * 32


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    platform = do_create_platform(slug="bench", code="062014", name="ベンチ市PF")
    with scope(platform=platform):
        channel = do_configure_line(platform, secret="s" * 32, token="bench-token")
        now = timezone.now()
        events = []
        for i in range(N):
            user = PERSON if i % (N // 20) == 0 else f"U{i:032x}"
            event = make_event("text", user, text="仕事のことで相談があります。" * 5)
            events.append(
                InboundEvent(
                    platform=platform,
                    channel=channel,
                    webhook_event_id=event["webhookEventId"],
                    event_type="message",
                    payload=json.dumps(event, ensure_ascii=False),
                    state=EventState.DONE,
                    received_at=now,
                )
            )
        InboundEvent.objects.bulk_create(events, batch_size=2000)
        person = Consulter.objects.create(
            platform=platform, channel=channel, identity_hash=blind_index(PERSON, "line"), label="BNCH"
        )
        for day in range(20):
            at = now - datetime.timedelta(days=day)
            conversation = Conversation.objects.create(
                platform=platform,
                consulter=person,
                channel=channel,
                opened_at=at,
                state=ConversationState.CLOSED if day else ConversationState.OPEN,
                closed_at=at if day else None,
            )
            Message.objects.bulk_create(
                Message(
                    platform=platform,
                    conversation=conversation,
                    direction=Direction.INBOUND,
                    text="家族のことで" * 10,
                    created_at=at,
                )
                for _ in range(10)
            )

        def baseline() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, payload FROM consultations_inboundevent WHERE channel_id = %s AND payload <> ''",
                    [channel.pk],
                )
                cursor.fetchall()

        base = best(baseline)
        preview_time = best(lambda: erasure_preview(person))
        found = erasure_preview(person).raw_events
        start = time.perf_counter()
        counts = do_erase_person(
            person, actor=Actor(user=None, role=None, platform=person.platform), reason="bench"
        )
        erase_time = time.perf_counter() - start
    print(f"bench_erasure: {N:,} stored events, the person's {found} among them; 20 consultations")
    print(f"  baseline (read the encrypted payloads)  {base * 1000:8.1f} ms")
    print(
        f"  erasure_preview                         {preview_time * 1000:8.1f} ms  ({preview_time / base:.1f}x)"
    )
    print(
        f"  do_erase_person                         {erase_time * 1000:8.1f} ms  ({erase_time / base:.1f}x)"
    )
    print(f"  erased: {counts}")


if __name__ == "__main__":
    main()
