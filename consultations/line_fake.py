"""A local stand-in for the LINE platform: a real HTTP server plus event builders.

Used by the tests, the benchmark and the simulator (`manage.py line_fake_server`,
`manage.py line_simulate`): point LINE_API_BASE and LINE_API_DATA_BASE at it and the
product talks HTTP to it exactly as to LINE. It behaves like LINE where it matters here:
reply tokens are single use and expire after a minute; a push whose X-Line-Retry-Key was
already accepted answers 409 and is not delivered again; message content is served with
its Content-Length. Every request is recorded for inspection.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY_TOKEN_TTL = 60.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLineState:
    requests: list[Recorded] = field(default_factory=list)
    # reply token -> (user id, issued at, used)
    tokens: dict[str, list[Any]] = field(default_factory=dict)
    retry_keys: set[str] = field(default_factory=set)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # what each user received: [(user id, text, "reply"|"push")]
    delivered: list[tuple[str, str, str]] = field(default_factory=list)
    access_token: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_reply_token(self, user_id: str, issued_at: float | None = None) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = [user_id, issued_at if issued_at is not None else time.time(), False]
        return token

    def add_content(self, message_id: str, data: bytes, content_type: str = "image/jpeg") -> None:
        with self.lock:
            self.contents[message_id] = (data, content_type)

    def sent_to(self, user_id: str) -> list[tuple[str, str]]:
        with self.lock:
            return [(text, how) for uid, text, how in self.delivered if uid == user_id]

    def paths(self) -> list[str]:
        with self.lock:
            return [f"{r.method} {r.path}" for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (keep test output quiet)
        return

    def _send(self, status: int, payload: Any = None, *, raw: bytes | None = None, ctype: str = "") -> None:
        body = raw if raw is not None else json.dumps(payload if payload is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/json") and raw:
            return json.loads(raw)
        return raw

    def _record(self, body: Any) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))

    def _authorised(self) -> bool:
        expected = self.server.state.access_token
        if expected and self.headers.get("Authorization") != f"Bearer {expected}":
            self._send(401, {"message": "Authentication failed"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802
        self._record(None)
        state = self.server.state
        parts = self.path.strip("/").split("/")
        if parts[:3] == ["v2", "bot", "message"] and len(parts) == 5 and parts[4] == "content":
            if not self._authorised():
                return
            found = state.contents.get(parts[3])
            if found is None:
                self._send(404, {"message": "Not found"})
            else:
                self._send(200, raw=found[0], ctype=found[1])
        elif self.path.startswith("/_sim/sent/"):
            self._send(200, [{"text": t, "how": h} for t, h in state.sent_to(self.path.rsplit("/", 1)[1])])
        else:
            self._send(404, {"message": "Not found"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        self._record(body)
        state = self.server.state
        if self.path == "/v2/bot/message/reply":
            if self._authorised():
                self._reply(body)
        elif self.path == "/v2/bot/message/push":
            if self._authorised():
                self._push(body)
        elif self.path == "/_sim/reply-token":
            self._send(200, {"replyToken": state.issue_reply_token(body["userId"])})
        elif self.path.startswith("/_sim/content/"):
            state.add_content(
                self.path.rsplit("/", 1)[1], body, self.headers.get("Content-Type", "image/jpeg")
            )
            self._send(200, {})
        else:
            self._send(404, {"message": "Not found"})

    def _reply(self, body: dict[str, Any]) -> None:
        state = self.server.state
        with state.lock:
            entry = state.tokens.get(body.get("replyToken", ""))
            valid = entry is not None and not entry[2] and time.time() - entry[1] < REPLY_TOKEN_TTL
            if valid and entry is not None:
                entry[2] = True
                for message in body["messages"]:
                    state.delivered.append((entry[0], message.get("text", ""), "reply"))
        if valid:
            self._send(200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]} for _m in body["messages"]]})
        else:
            self._send(400, {"message": "Invalid reply token"})

    def _push(self, body: dict[str, Any]) -> None:
        state = self.server.state
        key = self.headers.get("X-Line-Retry-Key", "")
        with state.lock:
            if key and key in state.retry_keys:
                duplicate = True
            else:
                duplicate = False
                if key:
                    state.retry_keys.add(key)
                for message in body["messages"]:
                    state.delivered.append((body["to"], message.get("text", ""), "push"))
        if duplicate:
            self._send(409, {"message": "The retry key is already accepted"})
        else:
            self._send(200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]} for _m in body["messages"]]})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: FakeLineState) -> None:
        super().__init__(address, _Handler)
        self.state = state


class FakeLine:
    """``with FakeLine() as line: settings.LINE_API_BASE = line.url`` — a server in a thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, access_token: str = "") -> None:
        self.state = FakeLineState(access_token=access_token)
        self.server = _Server((host, port), self.state)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeLine:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- building webhook bodies like LINE -------------------------------------------------------


def event_id() -> str:
    """A webhookEventId shaped like LINE's (26-character ULID-like string)."""
    return uuid.uuid4().hex[:26].upper()


def make_event(
    kind: str,
    user_id: str,
    *,
    text: str = "",
    reply_token: str = "",
    message_id: str = "",
    data: str = "",
    webhook_event_id: str = "",
    redelivery: bool = False,
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """One webhook event of ``kind``: text, sticker, image, postback, follow, unfollow, unsend."""
    event: dict[str, Any] = {
        "type": "message",
        "mode": "active",
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": webhook_event_id or event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    message_id = message_id or str(uuid.uuid4().int)[:18]
    if kind == "text":
        event["message"] = {"type": "text", "id": message_id, "text": text, "quoteToken": uuid.uuid4().hex}
    elif kind == "sticker":
        event["message"] = {
            "type": "sticker",
            "id": message_id,
            "packageId": "446",
            "stickerId": "1988",
            "stickerResourceType": "STATIC",
            "keywords": ["Please", "Thanks"],
            "quoteToken": uuid.uuid4().hex,
        }
    elif kind == "image":
        event["message"] = {
            "type": "image",
            "id": message_id,
            "contentProvider": {"type": "line"},
            "quoteToken": uuid.uuid4().hex,
        }
    elif kind == "postback":
        event["type"] = "postback"
        event["postback"] = {"data": data}
    elif kind == "follow":
        event["type"] = "follow"
        event["follow"] = {"isUnblocked": False}
    elif kind == "unfollow":
        event["type"] = "unfollow"
    elif kind == "unsend":
        event["type"] = "unsend"
        event["unsend"] = {"messageId": message_id}
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    if reply_token and kind not in ("unfollow", "unsend"):
        event["replyToken"] = reply_token
    return event


def body_of(*events: dict[str, Any], destination: str = "U" + "0" * 32) -> bytes:
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()
