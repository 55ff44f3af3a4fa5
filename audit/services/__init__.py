"""Writes of the audit app, one module per topic (``log``: the audit log itself; ``outbox``: the
mail outbox's resend).

``log_action`` is re-exported here, the one public name of this package: every app writes the
audit log with ``from audit.services import log_action``. Other names are imported from their
module (``from audit.services.outbox import do_requeue_mail``).
"""

from audit.services.log import log_action

__all__ = ["log_action"]
