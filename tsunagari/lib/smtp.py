"""A real SMTP server for tests (aiosmtpd), so mail goes over the wire as in production.

``smtp_server()`` is the everyday one: it accepts every mail. ``SmtpServer`` is the same server
with the failures a mail server has in real life, switched on by the test: ``refuse`` (answer
DATA with a code, e.g. 550 or 451), ``refuse_rcpt`` (refuse some addresses), ``delay`` (answer
DATA only after so many seconds, for timeouts), ``drop_after`` (hang up on the connection after
so many accepted mails, as a server that goes away mid-batch), and ``stop()``/``start()`` on the
same port (an outage and the recovery).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.test import override_settings


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: str = ""
        self.refuse_rcpt: dict[str, str] = {}
        self.delay: float = 0.0
        self.drop_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.abort()  # the server is gone: no answer, the connection drops
            return "421 gone"
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    """An SMTP server on a free loopback port whose failures the test switches on and off."""

    def __init__(self) -> None:
        self.handler = _Inbox()
        self.port = _free_port()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def set(self, **behaviour: Any) -> None:
        """Switch failures on or off: refuse=, refuse_rcpt=, delay=, drop_after=."""
        for name, value in behaviour.items():
            if not hasattr(self.handler, name) or name == "messages":
                raise TypeError(name)
            setattr(self.handler, name, value)

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **extra: Any) -> override_settings:
        return override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=self.port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            **extra,
        )


@contextmanager
def smtp_server() -> Iterator[list[EmailMessage]]:
    """Start an SMTP server on a free port and point Django's SMTP backend at it.

    Yields the list that receives every delivered message (parsed, with
    ``msg.get_content()`` for the body of plain-text mail).
    """
    server = SmtpServer().start()
    try:
        with server.settings():
            yield server.messages
    finally:
        server.stop()


def body_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",)) or msg
    return str(part.get_content())
