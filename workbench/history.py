"""The run log: every request through the gateway, recorded in SQLite without personal data.

One row per request: time, session, page or use case, Schutzstufe, endpoint, model, local/public,
the decision (sent or refused, and why), finding kinds and counts (never values), tokens, durations,
and later a rating. Prompt and answer texts are kept only as the organisation decides
(``store_texts = "never" | "stufe1" | "always"``). The schema evolves through an append-only list of
numbered migrations. WAL mode and short transactions let many sessions write at once.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from workbench.transparency import TIMEZONE

STORE_TEXTS = ("never", "stufe1", "always")

# Append only: never edit a migration that has shipped, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        session TEXT,
        purpose TEXT,
        schutzstufe INTEGER,
        endpoint_id TEXT,
        model TEXT,
        location TEXT,
        decision TEXT NOT NULL,
        reason TEXT,
        findings TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        ttft_s REAL,
        total_s REAL,
        complete INTEGER
    )
    """,
    "CREATE INDEX runs_session ON runs(session)",
    "ALTER TABLE runs ADD COLUMN prompt_text TEXT",
    "ALTER TABLE runs ADD COLUMN answer_text TEXT",
    "ALTER TABLE runs ADD COLUMN rating TEXT",
    "ALTER TABLE runs ADD COLUMN rating_comment TEXT",
    """
    CREATE TABLE workshops (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        exercises TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    "ALTER TABLE runs ADD COLUMN workshop TEXT",
    "CREATE INDEX runs_workshop ON runs(workshop)",
)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out in a room


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """WORKBENCH_DATA_DIR, else the per-user data folder (XDG on Linux, AppData on Windows)."""
    env = os.environ if env is None else env
    if env.get("WORKBENCH_DATA_DIR"):
        return Path(env["WORKBENCH_DATA_DIR"]).expanduser()
    if os.name == "nt" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "KI-Werkbank"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ki-werkbank"


_OPEN: dict[tuple[str, str], RunLog] = {}
_OPEN_LOCK = threading.Lock()


def open_run_log(data_dir: Path, store_texts: str) -> RunLog:
    """One RunLog per database file and text policy in this process (it keeps per-thread connections)."""
    path = Path(data_dir) / "protokoll.sqlite3"
    with _OPEN_LOCK:
        key = (str(path), store_texts)
        if key not in _OPEN:
            _OPEN[key] = RunLog(path, store_texts)
        return _OPEN[key]


@dataclass(frozen=True)
class RunRecord:
    session: str
    purpose: str
    schutzstufe: int | None
    endpoint_id: str
    model: str | None
    location: str | None
    decision: str  # "gesendet" or "abgelehnt"
    reason: str = ""
    findings: dict[str, int] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    ttft_s: float | None = None
    total_s: float | None = None
    complete: bool | None = None
    prompt_text: str | None = None
    answer_text: str | None = None
    workshop: str | None = None


class RunLog:
    """A SQLite file shared by all sessions of one installation."""

    def __init__(self, path: Path, store_texts: str = "stufe1") -> None:
        self.path = Path(path)
        self.store_texts = store_texts if store_texts in STORE_TEXTS else "stufe1"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._raw().execute("PRAGMA journal_mode=WAL")
        with self._connect() as db:
            self.migrate(db)

    def _raw(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections must not be shared between threads)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
        return connection

    def _connect(self) -> _Transaction:
        return _Transaction(self._raw())

    @staticmethod
    def migrate(connection: _Transaction | sqlite3.Connection) -> int:
        """Apply the migrations not yet applied; returns the schema version."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for number, statement in enumerate(MIGRATIONS[version:], start=version + 1):
            connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        return len(MIGRATIONS)

    def _keep_texts(self, schutzstufe: int | None) -> bool:
        return self.store_texts == "always" or (self.store_texts == "stufe1" and schutzstufe == 1)

    def record(self, run: RunRecord) -> int:
        keep = self._keep_texts(run.schutzstufe)
        values = (
            datetime.now(TIMEZONE).isoformat(timespec="seconds"), run.session, run.purpose, run.schutzstufe,
            run.endpoint_id, run.model, run.location, run.decision, run.reason,
            json.dumps(run.findings or {}, sort_keys=True), run.prompt_tokens, run.completion_tokens, run.ttft_s,
            run.total_s, None if run.complete is None else int(run.complete),
            run.prompt_text if keep else None, run.answer_text if keep else None, run.workshop,
        )  # fmt: skip
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO runs (created_at, session, purpose, schutzstufe, endpoint_id, model, location, decision, "
                "reason, findings, prompt_tokens, completion_tokens, ttft_s, total_s, complete, prompt_text, answer_text, "
                "workshop) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            row_id = cursor.lastrowid
            if row_id is None:  # sqlite3 sets it after every successful INSERT
                raise sqlite3.DatabaseError("INSERT INTO runs returned no row id")
            return row_id

    def rate(self, run_id: int, rating: str, comment: str = "") -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET rating = ?, rating_comment = ? WHERE id = ?",
                (rating, comment or None, run_id),
            )

    def runs(
        self,
        *,
        session: str | None = None,
        purpose: str | None = None,
        schutzstufe: int | None = None,
        workshop: str | None = None,
    ) -> pd.DataFrame:
        query, params = "SELECT * FROM runs WHERE 1=1", []
        filters = (
            ("session", session),
            ("purpose", purpose),
            ("schutzstufe", schutzstufe),
            ("workshop", workshop),
        )
        for column, value in filters:
            if value is not None:
                query += f" AND {column} = ?"
                params.append(value)
        return pd.read_sql_query(query + " ORDER BY id", self._raw(), params=params)

    # --- workshops ------------------------------------------------------------------------------

    def create_workshop(self, name: str, exercises: list[str]) -> str:
        """A new workshop with a short join code (no names of participants are ever needed)."""
        while True:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            try:
                with self._connect() as db:
                    db.execute(
                        "INSERT INTO workshops (code, name, exercises, created_at) VALUES (?, ?, ?, ?)",
                        (
                            code,
                            name.strip(),
                            json.dumps(exercises, ensure_ascii=False),
                            datetime.now(TIMEZONE).isoformat(timespec="seconds"),
                        ),
                    )
                return code
            except sqlite3.IntegrityError:
                continue  # the rare collision: draw again

    def workshop(self, code: str) -> dict[str, Any] | None:
        row = (
            self._raw()
            .execute(
                "SELECT code, name, exercises, created_at FROM workshops WHERE code = ?",
                (code.strip().upper(),),
            )
            .fetchone()
        )
        if row is None:
            return None
        return {"code": row[0], "name": row[1], "exercises": json.loads(row[2]), "created_at": row[3]}

    def workshops(self) -> list[dict[str, Any]]:
        rows = self._raw().execute("SELECT code FROM workshops ORDER BY created_at DESC").fetchall()
        # a workshop deleted between the two queries is left out
        return [workshop for (code,) in rows if (workshop := self.workshop(code)) is not None]

    def reset_workshop(self, code: str) -> int:
        """Delete the workshop's runs (the workshop and its code stay); returns how many were removed."""
        with self._connect() as db:
            return db.execute("DELETE FROM runs WHERE workshop = ?", (code,)).rowcount

    def protocol(self) -> pd.DataFrame:
        """Counts for the data-protection officer: Schutzstufe × endpoint × location × decision, no content."""
        return pd.read_sql_query(
            "SELECT schutzstufe AS Schutzstufe, endpoint_id AS Dienst, location AS Ort, decision AS Entscheidung, "
            "COUNT(*) AS Anzahl FROM runs GROUP BY schutzstufe, endpoint_id, location, decision ORDER BY 1, 2, 4",
            self._raw(),
        )


class _Transaction:
    """`with` block = one short immediate transaction on the thread's connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> _Transaction:
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def execute(self, sql: str, parameters: Sequence[object] | Mapping[str, object] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.connection.execute("COMMIT" if exc_type is None else "ROLLBACK")
