"""Reads of the surveys app shared by its views, services and commands, by topic:

- ``summaries``: every survey with its responses by mode and its invitations used;
- ``invitations``: new invitation codes not used in a survey yet;
- ``answering``: the pages a web respondent sees, the questions keyed from a paper sheet;
- ``organisations``: which member organisation was invited, answered and reminded;
- ``questionnaire``: whether a question fits among the others of its version;
- ``report``: the version of the report PDF (what it is made from).

Callers import the names from here (``from surveys.queries import unused_codes``). Queries
never import ``surveys.services``; services import queries.
"""

from surveys.queries.answering import pages, parse_sheet
from surveys.queries.invitations import unused_codes
from surveys.queries.organisations import response_rate, tracking
from surveys.queries.questionnaire import check_question
from surveys.queries.report import layout_version, report_key
from surveys.queries.summaries import survey_summaries

__all__ = [
    "check_question",
    "layout_version",
    "pages",
    "parse_sheet",
    "report_key",
    "response_rate",
    "survey_summaries",
    "tracking",
    "unused_codes",
]
