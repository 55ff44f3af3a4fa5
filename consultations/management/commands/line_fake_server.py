"""Run the local fake LINE platform (consultations/line_fake.py) for the simulator.

python manage.py line_fake_server --port 8099
LINE_API_BASE=http://127.0.0.1:8099 LINE_API_DATA_BASE=http://127.0.0.1:8099 make run
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from consultations.line_fake import FakeLine


class Command(BaseCommand):
    help = "Serve a fake LINE Messaging API on localhost (reply/push/content) for local testing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8099)
        parser.add_argument("--token", default="", help="Require this channel access token")

    def handle(self, *args, port: int, token: str, **options) -> None:
        fake = FakeLine(port=port, access_token=token).start()
        self.stdout.write(f"fake LINE API on {fake.url} (set LINE_API_BASE and LINE_API_DATA_BASE to it)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
