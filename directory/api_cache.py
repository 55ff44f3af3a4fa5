"""Answers of the public HSDS API kept in the shared cache until the directory changes.

The API serves public, read-only data that changes a few times a day and is read far more
often (navigators of other systems, open-data harvesters, the same popular searches). Each
successful JSON answer is stored under its host and full path (query string included) together
with the directory's current *generation*; any save or delete of a directory row or of a
platform sets a new generation when its transaction commits (see ``bump``), which retires every
stored answer at once. Generation and answer are read in one cache round trip (``get_many``).
Answers carry an ETag, and a request with a matching ``If-None-Match`` gets 304 without a body.

Not cached: errors (400/404), streamed NDJSON, answers larger than ``MAX_BYTES``; nothing at
all when ``DIRECTORY_API_CACHE_SECONDS`` is 0. Data changed by a bulk SQL statement that sends
no signals must call ``bump()`` itself.

``lookup``/``store`` keep other things under the same generation: directory.search keeps the
number of services a very common word matches (counting 70,000 matches costs PostgreSQL ~30
ms, every page of the same search needs it, and it changes only with the directory).
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified

GENERATION_KEY = "hsds-api:generation"
MAX_BYTES = 256 * 1024
CONTENT_TYPE = "application/json; charset=utf-8"
_thread = threading.local()


def _key(request: HttpRequest) -> str:
    where = f"{request.get_host()}{request.get_full_path()}".encode()
    return "hsds-api:" + hashlib.sha256(where).hexdigest()


def _respond(request: HttpRequest, body: bytes, etag: str) -> HttpResponse:
    response: HttpResponse
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    return response


def cached(
    request: HttpRequest, compute: Callable[[], Any], render: Callable[[HttpRequest, Any], bytes]
) -> Any:
    """The stored answer to this request, or ``compute()``'s (rendered, stored when cacheable)."""
    timeout = settings.DIRECTORY_API_CACHE_SECONDS  # the generation retires answers; this bounds space
    if request.method != "GET" or timeout <= 0:
        return compute()
    key = _key(request)
    generation, entry = lookup(key)
    if entry is not None:
        return _respond(request, entry[0], entry[1])
    result = compute()
    if isinstance(result, HttpResponseBase):
        return result  # an error or a stream: answered as is, never stored
    body = render(request, result)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if len(body) <= MAX_BYTES:
        store(key, generation, (body, etag))
    return _respond(request, body, etag)


def lookup(key: str) -> tuple[str, Any]:
    """The current generation and what is stored under ``key`` for it (None if nothing, or
    only something of an older generation), in one cache round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return generation, entry[1]
    return generation, None  # nothing, an older generation's, or a shape of an older release


def generation() -> str:
    """The directory's current generation (one cache round trip; made when there is none)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, current, timeout=None):
            current = cache.get(GENERATION_KEY, current)
    return current


def changing() -> bool:
    """This thread's transaction has changed the directory and not committed yet (its new
    generation waits for the commit): what it reads now must not be kept or taken from what
    others keep (directory.pieces)."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        func is _new_generation for _ids, func, _robust in connection.run_on_commit
    )


def store(key: str, generation: str, value: Any) -> None:
    """Keep ``value`` under ``key`` while ``generation`` is current (see ``bump``)."""
    cache.set(key, (generation, value), timeout=settings.DIRECTORY_API_CACHE_SECONDS)
    _thread.stored = True


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Retire every stored answer once the current transaction commits (one new generation per
    transaction, however many rows it saves), and at once if this thread stored an answer
    since its last change: a thread that writes and then reads in the same transaction (a
    test, a management command) must not be answered from before its own change. Answers
    other processes store meanwhile come from the old, committed rows and are retired at the
    commit."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _new_generation()
        return
    if getattr(_thread, "stored", False):
        _new_generation()
        _thread.stored = False
    if not any(func is _new_generation for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_new_generation, robust=True)


def _changed(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        bump()


def connect() -> None:
    from django.apps import apps

    from platforms.models import Platform

    models: list[type[Model]] = [*apps.get_app_config("directory").get_models(), Platform]
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"hsds-api-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"hsds-api-delete-{model.__name__}")
