"""An import run by the task worker: its staged file, its progress and its errors by row and column."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagari.lib.tenancy import TenantModel

# A running job whose worker has not written progress for this long died (kill -9, a restart):
# the page shows it failed and offers to run it again.
STALLED_AFTER = timedelta(minutes=5)


class ImportJob(TenantModel):
    """One import of one file (or folder): queued by the staff page, run by ``manage.py db_worker``.

    ``key`` is the idempotency key (the same upload applied twice is one job). The worker writes
    ``done``/``total`` and the errors in short transactions of their own, so the page that polls
    sees them while the import runs; the import itself applies its rows in short transactions.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    kind = models.CharField(_("種類コード"), max_length=80)
    key = models.CharField(_("重複防止キー"), max_length=200, unique=True)
    target = models.CharField(_("対象"), max_length=200, blank=True)  # the uuid of what it imports into
    filename = models.CharField(_("ファイル名"), max_length=200, blank=True)
    staged = models.CharField(_("保存先"), max_length=500, blank=True)  # path under VAR_DIR/imports
    size = models.BigIntegerField(_("大きさ（バイト）"), default=0)
    state = models.CharField(_("状態"), max_length=20, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(_("段階"), max_length=20, blank=True)  # "validate" / "apply"
    total = models.PositiveIntegerField(_("全行数"), default=0)
    done = models.PositiveIntegerField(_("処理済み行数"), default=0)
    errors = models.JSONField(_("問題"), default=list, blank=True)  # [{"row", "column", "message"}]
    error_count = models.PositiveIntegerField(_("問題の数"), default=0)
    result = models.JSONField(_("結果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("取り込みジョブ")
        verbose_name_plural = _("取り込みジョブ")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def stalled(self) -> bool:
        """Running, but its worker stopped writing progress: it died mid-import."""
        beat = self.heartbeat_at or self.started_at or self.created_at
        return self.state == self.State.RUNNING and beat < timezone.now() - STALLED_AFTER

    @property
    def failed(self) -> bool:
        return self.state == self.State.FAILED or self.stalled

    @property
    def finished(self) -> bool:
        return self.state == self.State.DONE or self.failed

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0
