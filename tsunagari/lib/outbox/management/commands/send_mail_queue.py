"""Send every outbox mail that is due (run every few minutes from cron, beside the task worker).

The worker sends each mail right after its transaction commits and schedules retries itself;
this command is the safety net (a lost task, a worker that was down) and also fails mails left
送信中 by a worker that died mid-send (they are not resent automatically: the server may have
them). Example crontab line::

    */5 * * * * cd /srv/tsunagari && .venv/bin/python manage.py send_mail_queue
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tsunagari.lib import mail


class Command(BaseCommand):
    help = "送信待ちのメールのうち予定時刻を過ぎたものを送信します（cron から数分おきに実行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = mail.send_due()
        self.stdout.write(
            f"sent {outcome.sent}, retrying {outcome.retrying}, failed {outcome.failed}, skipped {outcome.skipped}"
        )
