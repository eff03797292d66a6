"""Structured model output: pull the JSON out of an answer and check table rows against a schema.

A use case of kind "table" asks the model for ``{"zeilen": [...]}``. Every row is checked against the
column definitions (required, type, allowed values); problems are reported per cell so the page can
mark them and the person can correct them before exporting.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.usecases import Column


class StructuredFormatError(ValueError):
    """The answer holds no usable JSON in the requested shape."""


def extract_json(text: str) -> object:
    """The JSON object in an answer, also when a model wraps it in a code fence or adds a sentence."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.DOTALL)
    block = fenced.group(1) if fenced else None
    if block is None:
        start, end = text.find("{"), text.rfind("}")
        if start == -1 or end <= start:
            raise StructuredFormatError("Die Antwort enthält kein JSON-Objekt.")
        block = text[start : end + 1]
    try:
        return json.loads(block)
    except json.JSONDecodeError as exc:
        raise StructuredFormatError(f"Das JSON ist fehlerhaft ({exc.msg}, Zeichen {exc.pos}).") from exc


@dataclass(frozen=True)
class CellIssue:
    row: int  # 0-based row position
    column: str
    message: str


def rows_frame(text: str, columns: tuple[Column, ...]) -> pd.DataFrame:
    """The rows of a structured answer as a table with exactly the defined columns, in order."""
    data = extract_json(text)
    rows = data.get("zeilen") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise StructuredFormatError("Im JSON fehlt die Liste „zeilen“.")
    records = [row if isinstance(row, dict) else {} for row in rows]
    names = [c.name for c in columns]
    frame = pd.DataFrame([{name: record.get(name) for name in names} for record in records], columns=names)
    return frame.astype(object)


def _empty(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and pd.isna(value))
        or (isinstance(value, str) and not value.strip())
    )


def _type_problem(value: object, column: Column) -> str | None:
    kind = column.type
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int)
            or (isinstance(value, float) and value.is_integer())
            or str(value).strip().lstrip("-").isdigit()
        ):
            return f"„{value}“ ist keine ganze Zahl."
    elif kind == "number":
        try:
            float(str(value).replace(",", "."))
        except ValueError:
            return f"„{value}“ ist keine Zahl."
    elif kind == "boolean":
        if not isinstance(value, bool) and str(value).strip().lower() not in ("ja", "nein", "true", "false"):
            return f"„{value}“ ist weder ja noch nein."
    elif kind == "date":
        try:
            dt.date.fromisoformat(str(value).strip())
        except ValueError:
            return f"„{value}“ ist kein Datum im Format JJJJ-MM-TT."
    return None


def check_rows(frame: pd.DataFrame, columns: tuple[Column, ...]) -> list[CellIssue]:
    issues: list[CellIssue] = []
    for position, (_, row) in enumerate(frame.iterrows()):
        for column in columns:
            value = row.get(column.name)
            if _empty(value):
                if column.required:
                    issues.append(CellIssue(position, column.name, f"„{column.label}“ fehlt."))
                continue
            problem = _type_problem(value, column)
            if problem:
                issues.append(CellIssue(position, column.name, problem))
            elif column.allowed and str(value).strip() not in column.allowed:
                allowed = ", ".join(column.allowed)
                issues.append(
                    CellIssue(position, column.name, f"„{value}“ ist nicht erlaubt (erlaubt: {allowed}).")
                )
    return issues


def labelled(frame: pd.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    """The table with German column headers, for display and export."""
    return frame.rename(columns={c.name: c.label for c in columns})


def _plain(value: object) -> object:
    """A cell as plain Python: numpy/pandas scalars unwrapped, every kind of missing value as None."""
    if isinstance(value, str):
        return value if value.strip() else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two tables hold the same values, whatever dtypes a round trip through the browser gave them.

    Comparing with `DataFrame.equals` would count an int64 column that came back as Int64, or None that came
    back as NaN, as a change a person made.
    """
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    return all(
        _plain(x) == _plain(y) for column in a.columns for x, y in zip(a[column], b[column], strict=True)
    )
