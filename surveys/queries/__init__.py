"""Reads of the surveys app shared by its views, services and commands, by topic:

- ``summaries``: every survey with its responses by mode and its invitations used;
- ``invitations``: new invitation codes not used in a survey yet;
- ``answering``: the pages a web respondent sees, the questions keyed from a paper sheet;
- ``imports``: the check of an import of responses (every cell, before anything is stored);
- ``organisations``: which member organisation was invited, answered and reminded;
- ``prospects``: organisations that are not members, listed for a survey (candidates, letters,
  the list, response rates, reminders due, other platforms' shared registers);
- ``questionnaire``: whether a question fits among the others of its version;
- ``samples``: a sample's mail-merge list (codes, names and addresses for the letters);
- ``report``: the version of the report PDF (what it is made from).

Callers import the names from here (``from surveys.queries import unused_codes``). Queries
never import ``surveys.services``; services import queries.
"""

from surveys.queries.answering import pages, parse_sheet
from surveys.queries.imports import Checked, check_table
from surveys.queries.invitations import unused_codes
from surveys.queries.organisations import response_rate, tracking
from surveys.queries.prospects import (
    ProspectRow,
    SharedMember,
    application_of,
    directory_candidates,
    due_for_reminder,
    letter_prospects,
    listing,
    prospect_for_stop,
    rates,
    shared_register,
    shares_register,
    sharing_platforms,
)
from surveys.queries.questionnaire import check_question
from surveys.queries.report import layout_version, report_key
from surveys.queries.samples import mail_merge_csv, mail_merge_rows, mail_merge_xlsx
from surveys.queries.summaries import survey_summaries

__all__ = [
    "ProspectRow",
    "SharedMember",
    "application_of",
    "Checked",
    "check_question",
    "check_table",
    "directory_candidates",
    "due_for_reminder",
    "layout_version",
    "letter_prospects",
    "listing",
    "mail_merge_csv",
    "mail_merge_rows",
    "mail_merge_xlsx",
    "pages",
    "parse_sheet",
    "prospect_for_stop",
    "rates",
    "report_key",
    "response_rate",
    "shared_register",
    "shares_register",
    "sharing_platforms",
    "survey_summaries",
    "tracking",
    "unused_codes",
]
