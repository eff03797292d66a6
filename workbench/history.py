"""The run log: every request through the gateway, recorded in SQLite without personal data.

One row per request: time, session, page or use case, Schutzstufe, endpoint, model, local/public,
the decision (sent or refused, and why), finding kinds and counts (never values), tokens, durations,
and later a rating. Prompt and answer texts are kept only as the organisation decides
(``store_texts = "never" | "stufe1" | "always"``). The schema evolves through an append-only list of
numbered migrations. WAL mode and short transactions let many sessions write at once.

A record must never hold up an answer: every write waits at most `BUSY_TIMEOUT_S` for a lock held
elsewhere (another process, a database tool) and then gives up. What went wrong is described in German
by `describe_problem` (locked, corrupt, not writable, disk full) so the person can be told once.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from workbench.transparency import TIMEZONE

STORE_TEXTS = ("never", "stufe1", "always")
LOG_FILE = "protokoll.sqlite3"
# Long enough for the other sessions' writes (milliseconds each), short enough that a database locked by
# another program costs a request at most this long instead of SQLite's usual 5 or our former 30 seconds.
BUSY_TIMEOUT_S = 0.5

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


def run_log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_FILE


# Primary SQLite result codes (extended codes carry them in the low byte).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 3, 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def problem_kind(exc: BaseException) -> str:
    """Why the run log failed: "locked", "corrupt", "not_writable", "full" or "other"."""
    if isinstance(exc, OSError):
        return "not_writable"
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text:
        return "locked"
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "not a database" in text or "malformed" in text:
        return "corrupt"
    if primary == _SQLITE_FULL:
        return "full"
    if primary in (_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_IOERR) or "readonly" in text:
        return "not_writable"
    return "other"


def describe_problem(exc: BaseException, path: Path) -> str:
    """The German message for a run log that cannot be written; `path` is the database file."""
    path = Path(path)
    unlogged = "Ihre Anfragen werden weiter beantwortet, aber nicht protokolliert."
    kind = problem_kind(exc)
    if kind == "locked":
        return (
            f"Die Protokolldatei „{path}“ ist gerade von einem anderen Programm gesperrt. {unlogged} "
            "Schließen Sie das Programm, das die Datei geöffnet hat (zum Beispiel ein Datenbank-Werkzeug), "
            "oder wenden Sie sich an Ihre IT."
        )
    if kind == "corrupt":
        return (
            f"Die Protokolldatei „{path}“ ist beschädigt. {unlogged} Verschieben Sie die Datei in einen anderen "
            "Ordner (die Werkbank legt spätestens beim nächsten Start eine neue an) oder setzen Sie "
            "WORKBENCH_DATA_DIR auf einen anderen Ordner."
        )
    if kind == "full":
        return (
            f"Auf dem Datenträger der Protokolldatei „{path}“ ist kein Platz mehr. {unlogged} Schaffen Sie Platz "
            "oder setzen Sie WORKBENCH_DATA_DIR auf einen Ordner auf einem anderen Datenträger."
        )
    if kind == "not_writable":
        return (
            f"Der Datenordner „{path.parent}“ ist nicht beschreibbar. {unlogged} Setzen Sie WORKBENCH_DATA_DIR "
            "auf einen beschreibbaren Ordner oder bitten Sie Ihre IT um Schreibrechte."
        )
    return (
        f"Die Protokolldatei „{path}“ konnte nicht geschrieben werden. {unlogged} Wenn das so bleibt, melden Sie "
        "es bitte Ihrer IT."
    )


_OPEN: dict[tuple[str, str], RunLog] = {}
_OPEN_LOCK = threading.Lock()


def open_run_log(data_dir: Path, store_texts: str) -> RunLog:
    """One RunLog per database file and text policy in this process (it keeps per-thread connections)."""
    path = run_log_path(data_dir)
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
        # Writers of this process queue here instead of polling SQLite's busy handler, so that only a
        # lock held by another process can make a write wait (and give up after BUSY_TIMEOUT_S).
        self._write_lock = threading.Lock()
        # German description of the last failed write, None after a successful one; shared by all
        # gateways (sessions) of this process, so a new gateway can tell its person at once.
        self.problem: str | None = None
        self._raw().execute("PRAGMA journal_mode=WAL")
        # Reading the version needs no write lock: an up-to-date log opens even while another program
        # holds it locked (WAL readers are never blocked).
        if self._raw().execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            with self._connect() as db:
                self.migrate(db)

    def _raw(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections must not be shared between threads)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
        return connection

    def _connect(self) -> _Transaction:
        return _Transaction(self._raw(), self._write_lock)

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
        try:
            with self._connect() as db:
                cursor = db.execute(
                    "INSERT INTO runs (created_at, session, purpose, schutzstufe, endpoint_id, model, location, "
                    "decision, reason, findings, prompt_tokens, completion_tokens, ttft_s, total_s, complete, "
                    "prompt_text, answer_text, workshop) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
                row_id = cursor.lastrowid
                if row_id is None:  # sqlite3 sets it after every successful INSERT
                    raise sqlite3.DatabaseError("INSERT INTO runs returned no row id")
        except sqlite3.Error as exc:
            self.problem = describe_problem(exc, self.path)
            raise
        self.problem = None
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
    """`with` block = one short immediate transaction on the thread's connection.

    Waiting for this process's other writers and for SQLite's lock together takes at most
    `BUSY_TIMEOUT_S`; then it raises `sqlite3.OperationalError` ("database is locked").
    """

    def __init__(self, connection: sqlite3.Connection, write_lock: threading.Lock) -> None:
        self.connection = connection
        self.write_lock = write_lock

    def __enter__(self) -> _Transaction:
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        if not self.write_lock.acquire(timeout=BUSY_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked")
        try:
            remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
            self.connection.execute(f"PRAGMA busy_timeout = {remaining_ms}")
            self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.write_lock.release()
            raise
        return self

    def execute(self, sql: str, parameters: Sequence[object] | Mapping[str, object] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                try:
                    self.connection.execute("COMMIT")
                except sqlite3.Error:
                    self._rollback()  # never leave the thread's connection inside a transaction
                    raise
            else:
                self._rollback()
        finally:
            self.write_lock.release()

    def _rollback(self) -> None:
        # SQLite may have rolled back on its own already (e.g. after SQLITE_FULL)
        if self.connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")
