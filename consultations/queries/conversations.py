"""The counsellors' shared inbox and the consultation links: what the inbox lists and counts.

Search: message text is encrypted at rest (Fernet tokens differ for equal text),
so SQL cannot search it, and decrypting every message per query does not scale
and would turn a search into a read of everyone's consultations. The inbox
searches the metadata counsellors record instead: the person's pseudonym
(相談者 A7K2), topics, age band, risk level, outcome, state, channel and
assignee. Content stays unsearchable by design.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from accounts.permissions import allowed_kinds
from consultations.models import (
    AgeBand,
    Channel,
    ChannelKind,
    Conversation,
    ConversationRecord,
    ConversationState,
    Direction,
    Outcome,
    ReadMarker,
    RiskLevel,
    Topic,
    TrackedLink,
)
from platforms.models import Platform


@dataclass
class InboxFilters:
    state: str = "active"  # "active" (not closed), "all", or a ConversationState
    channel: str = ""
    assigned: str = ""  # "", "me", "none"
    urgent: bool = False
    q: str = ""


def with_unread(queryset: QuerySet[Conversation], user: User) -> QuerySet[Conversation]:
    """Annotate ``unread``: the person's visible messages since this user last read the conversation."""
    read_at = ReadMarker.objects.filter(conversation=OuterRef("pk"), user=user).values("read_at")[:1]
    inbound = Q(messages__direction=Direction.INBOUND, messages__hidden_at__isnull=True)
    since = Q(last_read_at__isnull=True) | Q(messages__created_at__gt=F("last_read_at"))
    return queryset.annotate(last_read_at=Subquery(read_at)).annotate(
        unread=Count("messages", filter=inbound & since)
    )


# (lookup, choices): a word matching a recorded label finds the consultations with that value.
SEARCHED_LABELS = [
    ("record__topic_rows__topic__in", Topic.choices),
    ("record__age_band__in", AgeBand.choices),
    ("record__risk_level__in", RiskLevel.choices),
    ("record__outcome__in", Outcome.choices),
    ("state__in", ConversationState.choices),
]


def _search(queryset: QuerySet[Conversation], q: str) -> QuerySet[Conversation]:
    """Match the pseudonym, or any recorded label (topic, age band, risk, outcome, state)."""
    words = q.replace("相談者", " ").split()
    for word in words:
        folded = word.casefold()
        condition = Q(consulter__label__iexact=word)
        for lookup, choices in SEARCHED_LABELS:
            values = [value for value, label in choices if folded in str(label).casefold()]
            if values:
                condition |= Q(**{lookup: values})
        queryset = queryset.filter(condition)
    return queryset.distinct() if words else queryset


def inbox(user: User, filters: InboxFilters) -> QuerySet[Conversation]:
    conversations = Conversation.objects.select_related("consulter", "channel", "assigned_to", "record")
    if filters.state == "active":
        conversations = conversations.active()
    elif filters.state in ConversationState.values:
        conversations = conversations.filter(state=filters.state)
    if filters.channel:
        conversations = conversations.filter(channel__kind=filters.channel)
    if filters.assigned == "me":
        conversations = conversations.filter(assigned_to=user)
    elif filters.assigned == "none":
        conversations = conversations.filter(assigned_to__isnull=True)
    if filters.urgent:
        conversations = conversations.filter(urgent=True)
    if filters.q.strip():
        matching = _search(Conversation.objects.all(), filters.q.strip()).values("pk")
        conversations = conversations.filter(pk__in=matching)
    return with_unread(conversations, user).order_by(
        "-urgent", F("last_inbound_at").desc(nulls_last=True), "-opened_at"
    )


def unread_summary(user: User) -> dict[str, int]:
    """Totals for the live badge: unread messages, conversations with unread, urgent open ones."""
    rows = with_unread(Conversation.objects.active(), user).values("unread", "urgent")  # type: ignore[misc]
    unread = [row["unread"] for row in rows]
    return {
        "messages": sum(unread),
        "conversations": sum(1 for n in unread if n),
        "urgent": sum(1 for row in rows if row["urgent"]),
    }


def staff_users(platform: Platform) -> QuerySet[User]:
    return User.objects.filter(
        roles__platform=platform,
        roles__kind__in=sorted(allowed_kinds("consultations.use_inbox")),
        is_active=True,
    ).order_by("name", "email")


def record_of(conversation: Conversation) -> ConversationRecord:
    found = (
        ConversationRecord.objects.filter(conversation=conversation).prefetch_related("topic_rows").first()
    )
    return found or ConversationRecord(platform=conversation.platform, conversation=conversation)


# --- consultation links ----------------------------------------------------------------------


def line_url(link: TrackedLink) -> str | None:
    """LINE's 'send a message to the official account' URL with the link's code prefilled."""
    channel = Channel.objects.filter(kind=ChannelKind.LINE).first()
    if channel is None or not channel.line_basic_id:
        return None
    text = urllib.parse.quote(f"相談したいです #{link.code}")
    return f"https://line.me/R/oaMessage/{urllib.parse.quote(channel.line_basic_id)}/?{text}"


def link_stats(platform: Platform) -> QuerySet[TrackedLink]:
    """Links with clicks, first contacts (people) and their consultations."""
    return (
        TrackedLink.objects.filter(platform=platform)
        .annotate(
            people=Count("consulters", distinct=True),
            consultations=Count("consulters__conversations", distinct=True),
        )
        .order_by("medium", "label")
    )
