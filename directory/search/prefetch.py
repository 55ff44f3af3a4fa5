"""Texts of an import analysed ahead, in a second process.

Sudachi's analysis of the services' texts is most of the search index's cost, and plain CPU
work that needs nothing from the database. While an import checks and writes its rows (one
core), a forked process (the other core) reads the same CSV files and analyses each distinct
text of the columns the index reads, in file order, handing the results back through a
bounded queue; ``index_services_bulk`` takes them (``Prefetch.drain``) into the analysis cache
before each chunk. Nothing depends on it for correctness: a text the worker has not reached
yet, or never reads, is analysed by the importing process as before, with the same function.
"""

from __future__ import annotations

import csv
import multiprocessing
import queue as queues
from collections.abc import Callable
from pathlib import Path
from typing import Any

from directory.search.analysis import Analysis, analyse

BATCH = 200  # analyses per message
AHEAD = 60  # messages waiting at most (the worker stops there until they are taken): memory stays flat
SEEN_MAX = 300_000  # distinct texts remembered by the worker (then it forgets and may repeat one)


def _work(files: list[tuple[str, list[str]]], out: Any) -> None:
    """The worker: each file's named columns, each distinct non-empty text once."""
    seen: set[str] = set()
    batch: list[tuple[str, Analysis]] = []
    for path, columns in files:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                at = [header.index(c) for c in columns if c in header]
                for cells in reader:
                    for i in at:
                        text = cells[i] if i < len(cells) else ""
                        if not text or text in seen:
                            continue
                        if len(seen) >= SEEN_MAX:
                            seen.clear()
                        seen.add(text)
                        batch.append((text, analyse(text)))
                        if len(batch) >= BATCH:
                            out.put(batch)
                            batch = []
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # the importer reports what it cannot read; here it is only not prefetched
    if batch:
        out.put(batch)
    out.put(None)


class Prefetch:
    """The worker process and its queue (``close`` ends it; safe to call more than once)."""

    def __init__(self, files: list[tuple[Path, list[str]]]) -> None:
        context = multiprocessing.get_context("fork")  # shares the loaded code; no Django set-up again
        self.queue: Any = context.Queue(AHEAD)
        self.process: Any = context.Process(
            target=_work, args=([(str(p), c) for p, c in files], self.queue), daemon=True
        )
        self.process.start()
        self.done = False
        self.received = 0

    def drain(
        self, store: Callable[[str, Analysis], None], wanted: set[str], limit: int, *, wait: float = 0
    ) -> int:
        """Hand the analyses that are ready to ``store``, without waiting (``wait``: seconds to
        wait for each message), until those of ``wanted`` (removed from it as they come) are
        in or ``limit`` were taken."""
        taken = 0
        while wanted and not self.done and taken < limit:
            try:
                batch = self.queue.get(timeout=wait) if wait else self.queue.get_nowait()
            except queues.Empty:
                break
            except (OSError, EOFError, ValueError):
                self.done = True
                break
            if batch is None:
                self.done = True
                break
            for text, analysis in batch:
                store(text, analysis)
                wanted.discard(text)
            taken += len(batch)
        self.received += taken
        return taken

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.queue.close()
        self.queue.cancel_join_thread()
        self.done = True
