"""German forms for what people read: numbers with decimal comma, dates, plurals, yes/no."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np


def number(value: object, decimals: int | None = None) -> str:
    """1234.5 -> "1.234,5"; with `decimals` fixed places ("0,03"); integers without places; text unchanged."""
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nein"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if not isinstance(value, float):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "–"
    if decimals is None:
        if value.is_integer() and abs(value) < 1e15:
            return number(int(value))
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


PLACES = {"lokal": "lokal", "oeffentlich": "öffentlich"}


def place(location: object) -> object:
    """Where a service runs, as the record stores it ("oeffentlich"), in German ("öffentlich")."""
    return PLACES.get(str(location), location) if location is not None else None


def plural(count: int, singular: str, plural_form: str) -> str:
    """ "1 Modell", "2 Modelle", "0 Modelle"."""
    return f"{number(count)} {singular if count == 1 else plural_form}"


def when(value: object) -> str:
    """A timestamp or ISO text as 03.12.2026, 14:05 Uhr; a date as 03.12.2026; anything else unchanged."""
    if isinstance(value, str):
        try:
            parsed: object = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y, %H:%M Uhr")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


_SCALES = {"K": "Tsd.", "M": "Mio.", "B": "Mrd.", "T": "Bio."}


def parameter_count(size: object) -> object:
    """A model size as Ollama reports it ("3.2B", "270M") in German ("3,2 Mrd."); anything else unchanged."""
    text = str(size or "").strip()
    if len(text) > 1 and text[-1].upper() in _SCALES:
        try:
            value = float(text[:-1])
        except ValueError:
            return size
        return f"{number(value)} {_SCALES[text[-1].upper()]}"
    return size
