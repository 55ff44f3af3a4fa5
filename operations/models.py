"""What the operator needs recorded: scheduled job runs and the fingerprints of the keys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a periodic job for one scheduled slot.

    The unique (job, scheduled_for) pair is the lock: of several schedulers (or a scheduler
    and an operator running ``run_scheduler --once``) only the one that inserts the row runs
    the slot, on SQLite and on PostgreSQL alike.
    """

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATES = [(RUNNING, _("実行中")), (SUCCEEDED, _("成功")), (FAILED, _("失敗"))]

    job = models.CharField(_("ジョブ"), max_length=60)
    scheduled_for = models.DateTimeField(_("予定時刻"))
    missed = models.PositiveIntegerField(_("取りこぼした回数"), default=0)
    started_at = models.DateTimeField(_("開始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("終了"), null=True, blank=True)
    state = models.CharField(_("状態"), max_length=10, choices=STATES, default=RUNNING)
    output = models.TextField(_("出力"), blank=True)
    host = models.CharField(_("実行ホスト"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("定期ジョブの実行")
        verbose_name_plural = _("定期ジョブの実行")
        ordering = ["-scheduled_for", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_for"], name="one_run_per_job_slot")]
        indexes = [models.Index(fields=["job", "-scheduled_for"], name="jobrun_job_latest_idx")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M} ({self.state})"


class KeyFingerprint(models.Model):
    """A fingerprint (never the key) of a key the stored data needs.

    ``purpose`` is ``consultation`` (a Fernet key that encrypted data) or ``index`` (the
    blind-index key). The fingerprint is an HMAC of a fixed label under the key, so it reveals
    nothing about the key and changes with it.
    """

    CONSULTATION = "consultation"
    INDEX = "index"
    PURPOSES = [(CONSULTATION, _("相談内容の暗号鍵")), (INDEX, _("検索用索引の鍵"))]

    purpose = models.CharField(max_length=20, choices=PURPOSES)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("鍵の指紋")
        verbose_name_plural = _("鍵の指紋")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "fingerprint"], name="one_fingerprint_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.fingerprint[:12]}"


class Heartbeat(models.Model):
    """The task worker's last sign of life: a tiny task the scheduler enqueues every minute."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("稼働確認")
        verbose_name_plural = _("稼働確認")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
