"""Consultation statistics, shaped like Yamagata's report (seed 001, 4-4-22).

相談者数 (people) and 相談件数 (consultations) for a period of local dates, age
bands per person, topics per consultation (multi-select: topic counts do not
sum to consultations), channels, hour of day, referrals by receiver and
outcome, and whether the first answer came within hours or on the next
business day. Counts below the platform's threshold (3 by default) are
suppressed (shown as "<3") everywhere outside the secretariat.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import Counter
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import (
    AgeBand,
    Case,
    CaseContact,
    CaseStatus,
    CaseworkSettings,
    ChannelKind,
    ClosedCaseRecord,
    ContactChannel,
    Conversation,
    ConversationRecord,
    ConversationTopic,
    Direction,
    Message,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Topic,
)
from platforms.models import Platform

UNKNOWN = "unknown"


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _rows(
    counts: dict[str, int], labels: list[tuple[str, Any]], *, unknown: bool = True
) -> list[dict[str, Any]]:
    rows = [{"key": key, "label": str(label), "count": counts.get(key, 0)} for key, label in labels]
    if unknown and counts.get(UNKNOWN):
        rows.append({"key": UNKNOWN, "label": _("不明・未記録"), "count": counts[UNKNOWN]})
    return rows


def build_report(platform: Platform, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Every figure for the period, unsuppressed (call ``suppress`` before showing it outside the secretariat)."""
    low, high = _bounds(start, end)
    conversations = Conversation.objects.filter(opened_at__gte=low, opened_at__lt=high)
    conversation_ids = conversations.values("pk")

    consulter_ids = set(conversations.values_list("consulter_id", flat=True))
    consultations = conversations.count()

    messages = Message.objects.filter(created_at__gte=low, created_at__lt=high, hidden_at__isnull=True)
    by_direction = dict(
        messages.values_list("direction").annotate(n=Count("id")).values_list("direction", "n")
    )

    # Age band per person: the latest band recorded on any of their consultations in the period.
    band_of: dict[int, str] = {}
    for consulter_id, band in (
        ConversationRecord.objects.filter(conversation__in=conversation_ids)
        .exclude(age_band="")
        .order_by("conversation__opened_at")
        .values_list("conversation__consulter_id", "age_band")
    ):
        band_of[consulter_id] = band
    bands = Counter(band_of.get(consulter_id, UNKNOWN) for consulter_id in consulter_ids)

    topic_counts = Counter(
        dict(
            ConversationTopic.objects.filter(record__conversation__in=conversation_ids)
            .values_list("topic")
            .annotate(n=Count("record__conversation", distinct=True))
            .values_list("topic", "n")
        )
    )
    with_topic = (
        ConversationTopic.objects.filter(record__conversation__in=conversation_ids)
        .values("record__conversation")
        .distinct()
        .count()
    )

    channel_counts = dict(
        conversations.values_list("channel__kind").annotate(n=Count("id")).values_list("channel__kind", "n")
    )
    channel_people = dict(
        conversations.values_list("channel__kind")
        .annotate(n=Count("consulter", distinct=True))
        .values_list("channel__kind", "n")
    )

    hours = Counter(
        timezone.localtime(opened).hour for opened in conversations.values_list("opened_at", flat=True)
    )

    response: Counter[str] = Counter()
    for arrived_in_hours, first_response_at in conversations.values_list(
        "arrived_in_hours", "first_response_at"
    ):
        if first_response_at is None:
            response["unanswered"] += 1
        elif arrived_in_hours is False:
            response["next_business_day"] += 1
        else:
            response["within_hours"] += 1

    # Contacts on household cases of every channel (phone, counter, home visit, agency ...).
    contact_counts = dict(
        CaseContact.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )

    return {
        "platform": platform.slug,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "consulters": len(consulter_ids),
        "consultations": consultations,
        "messages": {
            "total": sum(by_direction.values()),
            "from_consulters": by_direction.get(Direction.INBOUND, 0),
            "from_counsellors": by_direction.get(Direction.OUTBOUND, 0),
            "automatic": by_direction.get(Direction.AUTO, 0),
        },
        "by_age_band": _rows(bands, AgeBand.choices),
        "by_topic": _rows(topic_counts, Topic.choices, unknown=False),
        "topics_note": _(
            "相談内容の種類は複数選択のため、件数の合計は相談件数と一致しません（種類を記録した相談 %(n)d件）。"
        )
        % {"n": with_topic},
        "consultations_with_topic": with_topic,
        "by_channel": [
            {
                "key": key,
                "label": str(label),
                "count": channel_counts.get(key, 0),
                "consulters": channel_people.get(key, 0),
            }
            for key, label in ChannelKind.choices
        ],
        "by_hour": [
            {"key": str(hour), "label": f"{hour}時", "count": hours.get(hour, 0)} for hour in range(24)
        ],
        "response": [
            {"key": "within_hours", "label": _("対応時間内に回答"), "count": response["within_hours"]},
            {
                "key": "next_business_day",
                "label": _("時間外の受付・翌営業日以降に回答"),
                "count": response["next_business_day"],
            },
            {"key": "unanswered", "label": _("未回答"), "count": response["unanswered"]},
        ],
        "referrals": _referrals(low, high),
        "closed_cases": ClosedCaseRecord.objects.filter(closed_on__gte=start, closed_on__lte=end).count(),
        "case_contacts_by_channel": [
            {"key": key, "label": str(label), "count": contact_counts.get(key, 0)}
            for key, label in ContactChannel.choices
        ],
        "watch_only_cases": Case.objects.filter(watch_only=True, status=CaseStatus.OPEN).count(),
    }


def _referrals(low: datetime.datetime, high: datetime.datetime) -> dict[str, Any]:
    referrals = Referral.objects.filter(created_at__gte=low, created_at__lt=high)
    by_status = dict(referrals.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_outcome = dict(
        referrals.exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    receivers: dict[str, dict[str, Any]] = {}
    for referral in referrals.select_related("receiver_member"):
        row = receivers.setdefault(
            referral.receiver_label, {"label": referral.receiver_label, "count": 0, "outcomes": Counter()}
        )
        row["count"] += 1
        row["outcomes"][referral.outcome or referral.status] += 1
    labels = dict(ReferralOutcome.choices) | dict(ReferralStatus.choices)
    by_receiver = [
        {
            "label": row["label"],
            "count": row["count"],
            "outcomes": [
                {"key": k, "label": str(labels.get(k, k)), "count": n}
                for k, n in sorted(row["outcomes"].items())
            ],
        }
        for row in sorted(receivers.values(), key=lambda r: (-r["count"], r["label"]))
    ]
    on_time = sum(
        1
        for responded_at, due_on in referrals.exclude(responded_at=None).values_list("responded_at", "due_on")
        if timezone.localtime(responded_at).date() <= due_on
    )
    return {
        "total": referrals.count(),
        "by_status": _rows(by_status, ReferralStatus.choices, unknown=False),
        "by_outcome": _rows(by_outcome, ReferralOutcome.choices, unknown=False),
        "by_receiver": by_receiver,
        "responded_by_due_date": on_time,
    }


# --- small-count suppression ---------------------------------------------------------------------


def suppress(report: dict[str, Any], threshold: int) -> dict[str, Any]:
    """Replace every count in 1..threshold-1 by the string "<threshold" (0 stays 0)."""
    mark = f"<{threshold}"

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and key in COUNT_KEYS
            and 0 < value < threshold
        ):
            return mark
        return value

    suppressed = walk(report)
    suppressed["suppressed_below"] = threshold
    return suppressed


COUNT_KEYS = {
    "consulters",
    "consultations",
    "count",
    "total",
    "from_consulters",
    "from_counsellors",
    "automatic",
    "closed_cases",
    "watch_only_cases",
    "consultations_with_topic",
    "responded_by_due_date",
}


def threshold_for(platform: Platform) -> int:
    return CaseworkSettings.for_platform(platform).small_count_threshold


# --- charts --------------------------------------------------------------------------------------


BAR_MAX = 200  # pixels for the largest bar; with short labels a chart fits a phone (360 px)


def _text_width(text: str) -> float:
    """Approximate width at 13 px: full-width (Japanese) characters 13 px, others 7.5 px."""
    return sum(13 if unicodedata.east_asian_width(ch) in "WF" else 7.5 for ch in text)


def bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry for a server-rendered horizontal SVG bar chart (suppressed values draw no bar)."""
    numbers = [row["count"] for row in rows if isinstance(row["count"], int)]
    label_right = round(max((_text_width(str(row["label"])) for row in rows), default=0)) + 6
    bar_x = label_right + 6
    top = max(numbers, default=0) or 1
    row_height = 26
    items = []
    for index, row in enumerate(rows):
        value = row["count"]
        width = round(BAR_MAX * value / top, 1) if isinstance(value, int) else 0
        items.append({**row, "y": index * row_height, "width": width, "text_x": bar_x + width + 6})
    return {
        "items": items,
        "height": len(rows) * row_height + 4,
        "width": bar_x + BAR_MAX + 42,
        "label_right": label_right,
        "bar_x": bar_x,
    }
