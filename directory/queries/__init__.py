"""Reads of the directory shared by its views, services and commands, by topic:

- ``entries``: a service as the staff form shows it (fields, values, schedules, places), its
  history and a proposal's changes in words, who may edit it, its pending or returned proposal;
- ``support_list``: the サポートリスト's settings in force and the booklet as data;
- ``sheets``: the check of a spreadsheet upload.

Callers import the names from here. Queries never import ``directory.services``; services
import queries. The public search and the navigator keep their own reads
(``directory.search``, ``directory.navigator.queries``).
"""

from directory.queries.entries import (
    ALL_FIELDS,
    LEGACY_SCHEDULE,
    LOCATION_FIELDS,
    PLACE_KEYS,
    ROW_FIELDS,
    SECRETARIAT_ONLY,
    SERVICE_FIELDS,
    can_edit,
    change_rows,
    current_values,
    display,
    editable_schedules,
    history_rows,
    human,
    is_weekly_range,
    main_location,
    main_phone,
    other_schedules,
    pending_change,
    proposal_values,
    returned_change,
    row_text,
    shared_places,
    weekday_order,
)
from directory.queries.sheets import PREVIEW_KIND, preview_of
from directory.queries.support_list import (
    UNPRINTED_SHOWN,
    PrintSummary,
    available_terms,
    build_document,
    chosen_terms,
    default_terms,
    print_summary,
    settings_for,
    uncategorised,
)

__all__ = [
    "ALL_FIELDS",
    "LEGACY_SCHEDULE",
    "LOCATION_FIELDS",
    "PLACE_KEYS",
    "PREVIEW_KIND",
    "ROW_FIELDS",
    "SECRETARIAT_ONLY",
    "SERVICE_FIELDS",
    "UNPRINTED_SHOWN",
    "PrintSummary",
    "available_terms",
    "build_document",
    "can_edit",
    "change_rows",
    "chosen_terms",
    "current_values",
    "default_terms",
    "display",
    "editable_schedules",
    "history_rows",
    "human",
    "is_weekly_range",
    "main_location",
    "main_phone",
    "other_schedules",
    "pending_change",
    "preview_of",
    "print_summary",
    "proposal_values",
    "returned_change",
    "row_text",
    "settings_for",
    "shared_places",
    "uncategorised",
    "weekday_order",
]
