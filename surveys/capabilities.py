"""Capabilities of surveys: codename -> role kinds.

Registered from the app's ``AppConfig.ready()``; views ask with ``@permission_required``,
services and templates with ``can`` (see ``accounts.permissions``)."""

from __future__ import annotations

from accounts.permissions import SECRETARIAT, SECRETARIAT_OR_VIEWER

CAPABILITIES: dict[str, frozenset[str]] = {
    # surveys, their questionnaires, previews and paper PDFs
    "surveys.view_surveys": SECRETARIAT_OR_VIEWER,
    # build, open, close and import surveys
    "surveys.edit_surveys": SECRETARIAT,
    # weighted results and their exports
    "surveys.view_results": SECRETARIAT_OR_VIEWER,
    # free-text answers
    "surveys.read_free_text": SECRETARIAT,
    # samples, letters, paper entry and organisation tracking
    "surveys.run_fieldwork": SECRETARIAT,
    # weighting settings
    "surveys.weight_results": SECRETARIAT,
}
