"""Review of member edits: proposed service changes and the 情報交換・共有シート uploads, both decided by the secretariat."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models.hsds import Service
from tsunagari.lib.review import ReviewedChange
from tsunagari.lib.tenancy import TenantModel


class ServiceChange(TenantModel, ReviewedChange):
    """A member organisation's proposed edit of one of its services, reviewed by the secretariat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPROVED = "approved", _("承認・公開")
        REJECTED = "rejected", _("差戻し")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("窓口情報の変更申請")
        verbose_name_plural = _("窓口情報の変更申請")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service} 変更申請"


class SheetUpload(TenantModel):
    """An uploaded 情報交換・共有シート: its file staged on disk (``staged``, under VAR_DIR/imports,
    like every import's file), checked by the task worker (the preview job) and applied once
    (idempotent). The staged file is removed after the apply, or by ``purge_staged_imports``
    once it is older than ``tsunagari.lib.jobs.cleanup.KEEP_STAGED``."""

    filename = models.CharField(max_length=200)
    staged = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("共有シートのアップロード")
        verbose_name_plural = _("共有シートのアップロード")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
