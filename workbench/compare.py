"""Two models, one input: both answers stream at the same time, then a rating and a diff.

`run_side_by_side` asks the gateway for both responses first (so both policy decisions happen before
anything is sent), then builds both backends (importing a client library can take a second or more),
and only then drains the responses in two worker threads, so both requests go out together; the
caller's thread receives every chunk through a queue and may update a screen. The total wait is the
slower answer, not the sum.
"""

from __future__ import annotations

import difflib
import html
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.gateway import ChatRequest, Gateway, Response, Result

log = logging.getLogger("workbench.compare")

RATINGS = ("A besser", "B besser", "gleichwertig", "beide unbrauchbar")


@dataclass
class Side:
    result: Result | None = None
    error: WorkbenchError | None = None


def run_side_by_side(
    gateway: Gateway,
    requests: tuple[ChatRequest, ChatRequest],
    on_chunk: Callable[[int, str], None] | None = None,
) -> tuple[Side, Side]:
    sides = (Side(), Side())
    responses: list[Response | None] = []
    for side, request in zip(sides, requests, strict=True):
        try:
            responses.append(gateway.chat(request))
        except WorkbenchError as exc:
            side.error = exc
            responses.append(None)
    # Both decisions are made; now the slow part of both before either request goes out. Building a
    # backend sends nothing. Were one built in its worker thread, the other answer would already
    # stream while this one is still importing its client library.
    for index, response in enumerate(responses):
        if response is None:
            continue
        try:
            response.prepare()
        except WorkbenchError as exc:
            sides[index].error = exc
            responses[index] = None
        except Exception:  # a defect: the other side must still run; German only, details to the log
            log.exception("unexpected failure preparing side %s of a comparison", "AB"[index])
            sides[index].error = _unexpected()
            responses[index] = None
    chunks: queue.Queue[tuple[int, str | None]] = queue.Queue()

    def drain(index: int, response: Response) -> None:
        try:
            for chunk in response:
                chunks.put((index, chunk))
            sides[index].result = response.result
        except WorkbenchError as exc:
            sides[index].error = exc
        except Exception:  # a defect: the other side must still finish; German only, details to the log
            log.exception("unexpected failure on side %s of a comparison", "AB"[index])
            sides[index].error = _unexpected()
        finally:
            chunks.put((index, None))

    workers = [
        threading.Thread(target=drain, args=(i, r), daemon=True)
        for i, r in enumerate(responses)
        if r is not None
    ]
    for worker in workers:
        worker.start()
    running = len(workers)
    while running:
        index, chunk = chunks.get()
        if chunk is None:
            running -= 1
        elif on_chunk is not None:
            on_chunk(index, chunk)
    for worker in workers:
        worker.join()
    return sides


def _unexpected() -> WorkbenchError:
    return WorkbenchError(
        "Bei dieser Antwort ist ein unerwarteter Fehler aufgetreten.",
        "Versuchen Sie es erneut. Bleibt der Fehler, melden Sie ihn bitte Ihrer IT.",
    )


def verdicts(rating: str) -> tuple[str, str]:
    """The rating of the pair as each side's own verdict (for the run log)."""
    return {
        "A besser": ("besser", "schlechter"),
        "B besser": ("schlechter", "besser"),
        "gleichwertig": ("gleichwertig", "gleichwertig"),
        "beide unbrauchbar": ("unbrauchbar", "unbrauchbar"),
    }[rating]


def blind_text(text: str, labels: list[str]) -> str:
    """A message with the compared services' names taken out (blind mode must not reveal the order)."""
    for label in sorted(set(labels), key=len, reverse=True):
        text = text.replace(f"„{label}“", "dieser Dienst").replace(label, "dieser Dienst")
    return text


def diff_html(a: str, b: str) -> str:
    """Word-level differences: removed words of A struck through, added words of B highlighted."""
    left, right = a.split(), b.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(html.escape(" ".join(left[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(f'<del style="background:#ffd8d8">{html.escape(" ".join(left[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            parts.append(
                f'<ins style="background:#d3f9d8;text-decoration:underline">{html.escape(" ".join(right[j1:j2]))}</ins>'
            )
    return " ".join(parts)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False).ratio()
