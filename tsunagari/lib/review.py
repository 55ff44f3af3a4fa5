"""Reviewed changes: a proposal someone submits and the secretariat applies or returns.

Member organisations propose new details for themselves (``partnership.ChangeRequest``, 変更届)
and for the services they run (``directory.ServiceChange``); both are the same mechanism:

- ``ReviewedChange``, the abstract model: the proposed ``changes`` (field -> new value), the
  values the fields had at submission (``previous``, to show what changed since), who
  submitted and when, who decided, when and why. Each concrete model adds its ``platform``,
  ``uuid``, what is changed (a foreign key), and ``status`` with its own ``Status`` choices,
  whose first value is ``PENDING = "pending"``.
- ``pending_for_decision(change, message)`` re-reads the change with a row lock inside the
  service's transaction and refuses one that was decided already (two secretariat staff
  clicking at once decide it once).
- ``change.decide(status, by=user, reason=...)`` records the decision.

This module imports no app: users are ``settings.AUTH_USER_MODEL``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PENDING = "pending"


class ReviewedChange(models.Model):
    changes = models.JSONField(_("変更内容"), default=dict)
    # The values the changed fields had when the change was submitted (to spot later edits).
    previous = models.JSONField(_("提出時の値"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)

    status: Any  # each concrete model declares its own field, with PENDING = "pending" among its choices

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return bool(self.status == PENDING)

    def decide(self, status: str, *, by: Any, reason: str = "") -> None:
        """Record the decision (inside the caller's transaction, after ``pending_for_decision``)."""
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        fields = ["status", "decided_by", "decided_at"]
        if reason:
            self.decision_reason = reason
            fields.append("decision_reason")
        self.save(update_fields=fields)


C = TypeVar("C", bound=ReviewedChange)


def pending_for_decision(change: C, message: str) -> C:
    """``change`` re-read with a row lock; a ``ValidationError(message)`` if it is decided already."""
    locked: C = type(change)._default_manager.select_for_update().get(pk=change.pk)
    if not locked.is_pending:
        raise ValidationError(message)
    return locked
