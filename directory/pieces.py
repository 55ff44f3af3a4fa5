"""Pieces of the search answers written once per service and reused while the directory has
not changed: a service's item of the HSDS API's list, its card on the navigator's page.

Without the answer cache (``DIRECTORY_API_CACHE_SECONDS=0``, or a search nobody asked for
yet) most of a search answer's time is spent writing the same popular services again: loading
them with their organisation, phones and schedules, ``to_json`` and the attributes and
metadata queries, the card's template. Each piece is kept in this process under what it was
made of (its kind, the service's id and what else it depends on: the scope of the API, the
language and platform of the page) *and* the directory's generation (``directory.api_cache``):
any save or delete of a directory row or a platform sets a new generation, so a changed
service, organisation, phone, schedule, location, attribute or metadata row is never served
from an older piece; the pieces of an older generation are dropped the first time a newer one
is seen. Rows changed by bulk SQL must call ``api_cache.bump()`` (as for the stored answers).
A transaction that has changed the directory neither reads nor keeps pieces until it commits
(``api_cache.changing``): it sees its own changes, and a rollback leaves nothing behind.

What depends on the hour (a card's 「今開いています」) is not part of a piece: the caller keeps
what it needs to work it out (the schedules) beside the piece and computes it per request.

At most ``DIRECTORY_PIECES`` pieces per process (least recently used dropped first); 0 turns
them off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from django.conf import settings

from directory import api_cache

_lock = threading.Lock()
_pieces: OrderedDict[Hashable, Any] = OrderedDict()
_generation: str | None = None


def enabled() -> bool:
    """Pieces may be read and kept: turned on, and this thread's transaction has not changed
    the directory (rows it reads may be rolled back; it must see its own changes)."""
    return settings.DIRECTORY_PIECES > 0 and not api_cache.changing()


def current() -> str:
    """The generation to read and keep pieces under (one cache round trip per answer)."""
    return api_cache.generation()


def get_many(generation: str, keys: Iterable[Hashable]) -> dict[Any, Any]:
    """The pieces kept under ``generation`` for ``keys`` (those found)."""
    found: dict[Any, Any] = {}
    with _lock:
        if generation != _generation:
            return found
        for key in keys:
            piece = _pieces.get(key)
            if piece is not None:
                _pieces.move_to_end(key)
                found[key] = piece
    return found


def put_many(generation: str, pieces: Mapping[Any, Any]) -> None:
    """Keep ``pieces`` (made from the rows read under ``generation``)."""
    global _generation
    if not pieces:
        return
    with _lock:
        if generation != _generation:
            _pieces.clear()
            _generation = generation
        _pieces.update(pieces)
        for key in pieces:
            _pieces.move_to_end(key)
        while len(_pieces) > settings.DIRECTORY_PIECES:
            _pieces.popitem(last=False)


def clear() -> None:
    global _generation
    with _lock:
        _pieces.clear()
        _generation = None
