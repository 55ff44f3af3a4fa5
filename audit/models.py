"""The audit log: who did what, when, to which record. Append-only."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from audit.labels import action_label

if TYPE_CHECKING:  # platforms sits above audit (it writes the log); the model is named by string
    from platforms.models import Platform


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def for_platform(self, platform: Platform) -> AuditQuerySet:
        """This platform's entries, plus sign-in events of people who hold a role on it, from the
        moment they joined it only: an account's history before it accepted the platform's
        invitation (its sign-ins elsewhere, failed codes, addresses) is not this platform's."""
        joined = platform.roles.filter(user_id=OuterRef("actor_id"), created_at__lte=OuterRef("created_at"))
        return self.filter(Q(platform=platform) | Q(platform__isnull=True) & Exists(joined))


class AuditEntry(models.Model):
    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    LOCKED_OUT = "auth.locked_out"
    OTP_ENROLLED = "auth.otp_enrolled"
    OTP_FAILED = "auth.otp_failed"
    ROLE_GRANTED = "role.granted"
    ROLE_CHANGED = "role.changed"
    ROLE_REVOKED = "role.revoked"
    ROLE_INVITED = "role.invited"
    PASSWORD_LINK_SENT = "auth.password_link_sent"
    ACCOUNT_UNLOCKED = "auth.unlocked"
    ROLE_INVITATION_CANCELLED = "role.invitation_cancelled"
    EXPORT = "data.export"
    READ_SENSITIVE = "data.read_sensitive"
    MAIL_REQUEUED = "mail.requeued"
    # The operator's admin site (/admin/): every add, change and deletion there, in the log of the
    # platform the object belongs to (and in the operator-wide log, platform empty).
    ADMIN_ADDED = "admin.added"
    ADMIN_CHANGED = "admin.changed"
    ADMIN_DELETED = "admin.deleted"
    OPERATOR_CHANGED = "auth.operator_changed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実行者"),
    )
    actor_label = models.CharField(_("実行者（記録時）"), max_length=254, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("対象の種類"), max_length=60, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    object_label = models.CharField(_("対象"), max_length=255, blank=True)
    data = models.JSONField(_("詳細"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
