"""Large texts are checked in parts, on as many processes as the machine has cores (up to four).

A whole spreadsheet or a long document export can be megabytes. The detectors are pure Python, so
one process uses one core; splitting the text lets the others help. Parts end at blank lines, where
tables and participant lists end too, and each part is scanned with some text before and after it,
so a finding near a boundary sees the same context as in one pass. A part keeps only the findings
that start inside it. The worker processes start on the first large text and stay for the next.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

PARALLEL_FROM = 200_000  # characters; below this, starting the work elsewhere costs more than it saves
CONTEXT = 2_000  # characters of context on each side of a part
MAX_WORKERS = 4

_pool: Executor | None = None


def workers() -> int:
    """How many processes a large text is split over (1: no splitting)."""
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def boundaries(text: str, parts: int) -> list[int]:
    """Where the parts start and end: at blank lines near equal shares of the text."""
    points = [0]
    for share in range(1, parts):
        target = len(text) * share // parts
        blank = text.find("\n\n", target)
        if blank == -1 or blank <= points[-1]:
            break
        points.append(blank + 2)
    points.append(len(text))
    return points


def scan_in_parts(
    text: str, scan_part: Callable[[str, int, int], list[tuple[str, int, int]]]
) -> list[list[tuple[str, int, int]]] | None:
    """(kind, start, end) of every finding, per part in text order, found on worker processes; None
    if not worth it.

    `scan_part(window, keep_from, keep_to)` scans `window` and returns the findings that start in
    `window[keep_from:keep_to]`, with offsets into `window`."""
    count = workers()
    if len(text) < PARALLEL_FROM or count < 2:
        return None
    points = boundaries(text, count)
    if len(points) < 3:
        return None  # no blank line to split at
    jobs = []
    for start, end in itertools.pairwise(points):
        window_start, window_end = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        jobs.append((window_start, text[window_start:window_end], start - window_start, end - window_start))
    futures = [
        _executor().submit(scan_part, window, keep_from, keep_to) for _, window, keep_from, keep_to in jobs
    ]
    return [
        [(kind, start + window_start, end + window_start) for kind, start, end in future.result()]
        for (window_start, *_), future in zip(jobs, futures, strict=True)
    ]


def _executor() -> Executor:
    global _pool
    if _pool is None:
        # "spawn": the app runs threads, and a forked copy of a threaded process can hang.
        context: Any = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=context)
        atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
    return _pool
