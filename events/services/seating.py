"""Seating at tables of N, grouped by an attribute (Shiga: 8 per table by activity region; or by
the organisation, or by the member type of the organisation a person came from — NPO, 社協,
企業 … and 会員外 for anyone whose organisation is not a current member).

Tables are balanced (sizes differ by at most one: 100 people at tables of 8 make 13 tables of
7 or 8, not 12 of 8 and one of 4) and people of one group sit together as far as the sizes
allow: groups are laid out largest first, in order, across the tables (``events.tables.plan``;
the chart as it stands is read by ``events.queries.tables_of``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Actor
from audit.services import log_action
from events.models import Event, Registration
from events.queries import group_key, seated_people
from events.tables import plan

# Lazy: built at import time, shown in the language of each request.
ATTRIBUTES = {
    "region": gettext_lazy("活動地域（市町村）"),
    "organisation": gettext_lazy("所属団体"),
    "member_type": gettext_lazy("会員の種別（NPO・社協・企業など）"),
}


def do_assign_tables(
    event: Event, *, attribute: str, table_size: int, actor: Actor
) -> dict[int, list[Registration]]:
    if attribute not in ATTRIBUTES:
        raise ValidationError(_("グループ分けの項目を選んでください。"))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        people = seated_people(event)
        tables = plan(people, attribute, table_size, group_key(people, attribute))
        previous = {r.pk: r.table for r in Registration.objects.filter(event=event).exclude(table=None)}
        Registration.objects.filter(event=event).exclude(table=None).update(table=None)
        for number, people in tables.items():
            Registration.objects.filter(pk__in=[p.pk for p in people]).update(table=number)
            for person in people:
                person.table = number
        if event.table_size != table_size:
            event.table_size = table_size
            event.save(update_fields=["table_size"])
        log_action(
            "events.seating",
            by=actor,
            obj=event,
            data={
                "attribute": attribute,
                "table_size": table_size,
                "tables": len(tables),
                # what the previous plan was, so that "元に戻す" can restore it
                "previous": {str(pk): table for pk, table in previous.items()},
            },
        )
    return tables


def do_move_to_table(registration: Registration, table: int | None, *, actor: Actor) -> int | None:
    """Seat one person at ``table`` (None: unassigned); a table holds at most the event's table size.

    The event row is locked first, so two staff dragging people onto the last chair of one
    table at the same moment are served one after the other and the second one is refused.
    Returns the table the person sat at before.
    """
    if table is not None and not 1 <= table <= 999:
        raise ValidationError(_("テーブル番号は1から999の数字で入力してください。"))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.CONFIRMED:
            raise ValidationError(_("参加確定の方だけ席を決められます。"))
        before = registration.table
        if table == before:
            return before
        if table is not None:
            seated = (
                Registration.objects.filter(event=event, table=table, status=Registration.Status.CONFIRMED)
                .exclude(pk=registration.pk)
                .count()
            )
            if seated >= event.table_size:
                raise ValidationError(
                    _(
                        "%(table)d番テーブルは満席です（%(size)d人）。ほかのテーブルを選ぶか、先に1人移してください。"
                    )
                    % {"table": table, "size": event.table_size}
                )
        registration.table = table
        registration.save(update_fields=["table"])
        log_action(
            "events.move_seat",
            by=actor,
            obj=registration,
            data={"from": before, "to": table},
        )
        return before
