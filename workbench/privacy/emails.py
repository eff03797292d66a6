"""E-mail addresses, also written to slip past a filter: "max [at] example.de", "max @ example . de"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from workbench.privacy import keywords

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


_LOCAL_PART = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _find_emails(text: str) -> Iterator[tuple[int, int]]:
    """From each "@": the local part read backwards, the address matched forwards from its start."""
    position = text.find("@")
    while position != -1:
        start = position
        while start > max(0, position - 64) and text[start - 1] in _LOCAL_PART:
            start -= 1
        while start < position and not text[start].isalnum():
            start += 1  # the local part starts with a letter or digit
        match = _EMAIL.match(text, start) if start < position else None
        if match:
            yield match.span()
        else:  # "max @ example . de", "max@example(dot)de"
            yield from _obfuscated_around(text, position)
        position = text.find("@", match.end() if match else position + 1)
    yield from find_obfuscated_emails(text)


# --- detectors for obfuscated writing ----------------------------------------------------------------

# Written to slip past filters: "max [at] example.de", "max(at)example(dot)de", "max @ example . de".
_AT = r"(?:[ \t]*@[ \t]*|[ \t]*[\[(][ \t]*(?:at|ät|AT)[ \t]*[\])][ \t]*|[ \t]+(?:at|AT|ät|ÄT)[ \t]+)"
_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]*[\[(][ \t]*(?:dot|punkt|DOT|PUNKT)[ \t]*[\])][ \t]*|[ \t]+(?:dot|punkt|DOT|PUNKT)[ \t]+)"
_TLDS = "de|com|org|net|eu|info|at|ch|biz|io|nrw|bayern|berlin|hamburg|koeln|ruhr|online|email|gov|edu|nl|fr|it|pl|tr"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*{_AT}[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:{_DOT}[A-Za-z0-9-]+)*?{_DOT}(?:{_TLDS})(?![\w])",
    re.IGNORECASE,
)
_AT_HINT = re.compile(r"(?i)[\[(][ \t]*(?:at|ät)[ \t]*[\])]|[ \t](?:at|ät)[ \t]")


_AT_WORDS = keywords.register(
    "at_hint", [" at ", " ät ", "\tat", "(at", "[at", "(ät", "[ät", "( at", "[ at", "( ät", "[ ät"]
)


def _obfuscated_around(text: str, hint: int) -> Iterator[tuple[int, int]]:
    """Obfuscated addresses near an "@" or an "at" (the full pattern is slow: only in a window)."""
    for match in _OBFUSCATED_EMAIL.finditer(text, max(0, hint - 64), hint + 128):
        yield match.span()


def find_obfuscated_emails(text: str) -> Iterator[tuple[int, int]]:
    """E-mail addresses written with "[at]", "(at)" or " at " instead of "@" ("@" itself: `_find_emails`)."""
    for position in keywords.starts(text, _AT_WORDS):
        if _AT_HINT.match(text, position):
            yield from _obfuscated_around(text, position)
