"""Stop an answer that repeats itself: a small model can loop on one sentence for minutes.

`RepetitionGuard` watches the streamed text. When its end is the same stretch of text (a line, a
sentence, a few words) repeated many times in a row, the answer is a loop: the gateway stops reading
the stream, keeps the text up to the first repetition and marks the answer unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass

# The tail that must recur, the shortest loop taken seriously, and how often it must repeat.
_PROBE = 24
_MIN_REPEATS = 5
_MIN_LOOP_CHARS = 240  # repeats times period: short lists like "- ja\n- ja\n" stay allowed
_CHECK_EVERY = 64  # characters of new text between two checks
_KEEP = 16_000  # characters of the answer's end kept for the check

EXPLANATION = (
    "Die Antwort wurde angehalten, weil das Modell denselben Text immer wieder erzeugte. Versuchen Sie "
    "es erneut, formulieren Sie die Anfrage um oder wählen Sie ein größeres Modell."
)


@dataclass
class RepetitionGuard:
    """Feed the streamed chunks; `looping` turns true once the answer repeats itself."""

    _tail: str = ""
    _since_check: int = 0
    period: int = 0  # length of the repeated stretch, once found
    repeats: int = 0

    def feed(self, chunk: str) -> bool:
        """Add a chunk; True when the answer has turned into a loop."""
        self._tail = (self._tail + chunk)[-_KEEP:]
        self._since_check += len(chunk)
        if self._since_check < _CHECK_EVERY:
            return False
        self._since_check = 0
        return self._check()

    @property
    def looping(self) -> bool:
        return self.repeats >= _MIN_REPEATS

    def _check(self) -> bool:
        tail = self._tail
        if len(tail) < _MIN_LOOP_CHARS:
            return False
        probe = tail[-_PROBE:]
        previous = tail.rfind(probe, 0, len(tail) - 1)
        while previous != -1:
            period = len(tail) - _PROBE - previous
            count = _repeats(tail, period)
            if count >= _MIN_REPEATS and count * period >= _MIN_LOOP_CHARS:
                self.period, self.repeats = period, count
                return True
            if period * _MIN_REPEATS > len(tail):
                break
            previous = tail.rfind(probe, 0, previous)
        return False

    def trimmed(self, text: str) -> str:
        """`text` without the repetitions: the loop's stretch is kept once."""
        if not self.looping:
            return text
        return text[: len(text) - (self.repeats - 1) * self.period]


def _repeats(text: str, period: int) -> int:
    """How many times the last `period` characters of `text` stand there in a row."""
    if period <= 0:
        return 0
    unit = text[-period:]
    count = 1
    while count * period + period <= len(text) and text[-(count + 1) * period : -count * period] == unit:
        count += 1
    return count
