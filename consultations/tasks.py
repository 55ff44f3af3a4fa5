"""Background tasks of the consultation desk (django-tasks; `manage.py db_worker` runs them).

Each task lives beside the service it drives (so services queue them without an import loop);
this module names them all, also for rows queued under these paths.
"""

from __future__ import annotations

from consultations.services.delivery import QUEUE, deliver_line_batch, deliver_line_messages
from consultations.services.line import drain_line_events, process_line_events

__all__ = ["QUEUE", "deliver_line_batch", "deliver_line_messages", "drain_line_events", "process_line_events"]
