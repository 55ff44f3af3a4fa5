"""Calls to the LINE Messaging API through line-bot-sdk v3.

The hosts come from settings (LINE_API_BASE, LINE_API_DATA_BASE) so that tests, the
benchmark and the local simulator talk to consultations/line_fake.py instead of LINE.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import urllib3
from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator

from consultations.models import Channel

# LINE's reply token is valid for about a minute; leave a margin for the call itself.
REPLY_TOKEN_TTL_SECONDS = 50
MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_CHARS = 5000


class LineApiError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"LINE API {status}: {reason}")
        self.status = status
        self.reason = reason


def _unreachable(exc: Exception) -> LineApiError:
    """LINE could not be reached or did not answer in time (refused, reset, DNS, timeout): the
    SDK lets urllib3's errors through, which are not ``ApiException``. Status 0, so the caller
    counts an attempt and retries (a push keeps its retry key: never delivered twice)."""
    return LineApiError(0, f"unreachable: {type(exc).__name__}")


class ContentTooLarge(Exception):
    pass


def signature(secret: str, body: bytes) -> str:
    """X-Line-Signature of ``body``: base64 HMAC-SHA256 with the channel secret."""
    return b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_is_valid(secret: str, body: bytes, header: str) -> bool:
    """Constant-time check (line-bot-sdk's validator uses hmac.compare_digest)."""
    if not secret or not header:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return SignatureValidator(secret).validate(text, header)


def _api(channel: Channel, host: str) -> ApiClient:
    config = Configuration(host=host, access_token=channel.line_access_token)
    return ApiClient(config)


@contextmanager
def session(channel: Channel) -> Iterator[ApiClient]:
    """One client (and its kept-alive connections) for several calls of the channel."""
    with _api(channel, settings.LINE_API_BASE) as client:
        yield client


@contextmanager
def _client(channel: Channel, client: ApiClient | None) -> Iterator[ApiClient]:
    if client is not None:
        yield client
    else:
        with session(channel) as new:
            yield new


def _texts(texts: list[str]) -> list[TextMessage]:
    return [TextMessage(text=text[:MAX_TEXT_CHARS]) for text in texts]


def reply(channel: Channel, reply_token: str, texts: list[str], *, client: ApiClient | None = None) -> None:
    """Answer with the (single-use) reply token: free of charge, up to five messages."""
    with _client(channel, client) as client:
        try:
            MessagingApi(client).reply_message(
                ReplyMessageRequest(replyToken=reply_token, messages=_texts(texts)),
                _request_timeout=settings.LINE_API_TIMEOUT,
            )
        except ApiException as exc:
            raise LineApiError(exc.status or 0, str(exc.reason)) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _unreachable(exc) from exc


def push(channel: Channel, to: str, text: str, retry_key: str, *, client: ApiClient | None = None) -> bool:
    """Push one message. False when LINE already accepted this retry key (409): not sent twice."""
    with _client(channel, client) as client:
        try:
            MessagingApi(client).push_message(
                PushMessageRequest(to=to, messages=_texts([text])),
                x_line_retry_key=retry_key,
                _request_timeout=settings.LINE_API_TIMEOUT,
            )
        except ApiException as exc:
            if exc.status == 409:
                return False
            raise LineApiError(exc.status or 0, str(exc.reason)) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _unreachable(exc) from exc
    return True


@dataclass
class Content:
    data: bytes
    content_type: str


def fetch_content(channel: Channel, message_id: str, limit: int) -> Content:
    """Download an image a person sent; stop reading (ContentTooLarge) past ``limit`` bytes."""
    url = f"{settings.LINE_API_DATA_BASE.rstrip('/')}/v2/bot/message/{message_id}/content"
    with _api(channel, settings.LINE_API_DATA_BASE) as client:
        pool = client.rest_client.pool_manager
        response = pool.request(
            "GET",
            url,
            headers={"Authorization": f"Bearer {channel.line_access_token}"},
            preload_content=False,
            timeout=settings.LINE_API_TIMEOUT,
        )
        try:
            if response.status != 200:
                raise LineApiError(response.status, response.reason or "")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limit:
                raise ContentTooLarge(declared)
            chunks, size = [], 0
            for chunk in response.stream(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ContentTooLarge(size)
                chunks.append(chunk)
            return Content(b"".join(chunks), response.headers.get("Content-Type", "application/octet-stream"))
        finally:
            response.release_conn()
