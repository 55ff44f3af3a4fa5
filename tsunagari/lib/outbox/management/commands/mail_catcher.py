"""A local SMTP server that keeps every mail it receives as a file (``make run`` starts one).

Only for a demo or development machine: it listens on loopback, accepts every mail and writes
it to ``<dir>/<time>-<n>.eml`` (open it with any mail program, or read it as text).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import itertools
import logging
import signal
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand


class _Folder:
    def __init__(self, folder: Path, out: Any) -> None:
        self.folder = folder
        self.out = out
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{next(self.counter):04d}.eml"
        path.write_bytes(envelope.content)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.out.write(f"mail: {message['Subject']} → {', '.join(envelope.rcpt_tos)} ({path.name})\n")
        self.out.flush()
        return "250 OK"


class Command(BaseCommand):
    help = "受信したメールをファイルに保存するローカルSMTPサーバー（デモ・開発用、127.0.0.1のみ）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--dir", default="var/mail")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
        folder = Path(options["dir"]).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        controller = Controller(_Folder(folder, self.stdout), hostname="127.0.0.1", port=options["port"])
        controller.start()
        self.stdout.write(f"mail catcher on 127.0.0.1:{options['port']}, mails saved in {folder}\n")
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(1):  # a timed wait, so the signal handler gets to run
                pass
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
