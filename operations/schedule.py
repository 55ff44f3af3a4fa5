"""Every periodic job of tsunagari, declared in this one place.

``manage.py run_scheduler`` (started by ``make run`` and by the systemd unit in deploy/) runs
each job at its slots. A job is a management command (what an operator would run by hand) or a
django-tasks task enqueued for the worker. Times are Asia/Tokyo. An app that needs a periodic
job adds a line here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TOKYO = ZoneInfo("Asia/Tokyo")
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=TOKYO)


@dataclass(frozen=True)
class Job:
    name: str
    label: str | Promise
    command: tuple[str, ...] = ()
    task: str = ""
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    args: tuple[str, ...] = field(default=())

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        """The most recent moment at or before ``now`` when this job was due."""
        local = now.astimezone(TOKYO)
        if self.daily_at is not None:
            slot = datetime.datetime.combine(local.date(), self.daily_at, tzinfo=TOKYO)
            return slot if slot <= local else slot - datetime.timedelta(days=1)
        assert self.every is not None, f"job {self.name} needs every= or daily_at="
        periods = (local - EPOCH) // self.every
        return EPOCH + periods * self.every

    @property
    def period(self) -> datetime.timedelta:
        return self.every if self.every is not None else datetime.timedelta(days=1)

    def slots_between(self, after: datetime.datetime, until: datetime.datetime) -> int:
        """How many slots fell in (after, until]."""
        if until <= after:
            return 0
        return int((until - after) // self.period)


MINUTE = datetime.timedelta(minutes=1)


def command(
    name: str,
    label: str | Promise,
    *,
    every: datetime.timedelta | None = None,
    daily_at: datetime.time | None = None,
) -> Job:
    """A job that runs the management command of its own name."""
    return Job(name, label, command=(name,), every=every, daily_at=daily_at)


JOBS: tuple[Job, ...] = (
    Job(
        "worker_heartbeat",
        _("タスクワーカーの稼働確認"),
        task="operations.tasks.heartbeat",
        every=MINUTE,
    ),
    Job(
        "imports_worker_heartbeat",
        _("取り込みワーカーの稼働確認"),
        task="operations.tasks.heartbeat_imports",
        every=MINUTE,
    ),
    command("send_mail_queue", _("送信待ちメールの再送"), every=5 * MINUTE),
    Job(
        "line_spool",
        _("データベースが使えない間に受けたLINEイベントの保存"),
        command=("line_events", "--spool"),
        every=MINUTE,
    ),
    Job(
        "line_events_stuck",
        _("止まったワーカーが処理中だったLINEイベントの再処理"),
        command=("line_events", "--stuck"),
        every=MINUTE,
    ),
    Job(
        "line_events_retry",
        _("取り残されたLINEイベントの再処理"),
        command=("line_events", "--retry"),
        every=10 * MINUTE,
    ),
    command("consult_retention", _("相談記録の保存期間の適用"), daily_at=datetime.time(3, 0)),
    command("purge_staged_imports", _("古い取り込みファイルの削除"), daily_at=datetime.time(4, 30)),
    command("clearsessions", _("期限切れセッションの削除"), daily_at=datetime.time(4, 0)),
    command("event_expire_offers", _("期限切れの繰り上げ案内を次の方へ"), every=15 * MINUTE),
    command("event_reminders", _("イベント前のリマインダー送信"), every=60 * MINUTE),
    command("event_feedback_requests", _("イベント後のアンケート依頼の送信"), every=30 * MINUTE),
    command("mailing_bounces", _("不達メールの記録と配信の一時停止"), every=10 * MINUTE),
    command("chase_referrals", _("回答期限を過ぎた紹介の督促"), daily_at=datetime.time(8, 30)),
    command(
        "remind_case_tasks", _("支援調整会議で決めた課題の期限のお知らせ"), daily_at=datetime.time(8, 40)
    ),
    command("grant_reminders", _("助成・補助の締切のお知らせ"), daily_at=datetime.time(8, 0)),
    command("survey_remind_prospects", _("会員外の団体への調査の督促"), daily_at=datetime.time(9, 30)),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
