"""The run log: every request through the gateway, recorded without personal data (SQLite or PostgreSQL).

One row per request: time, session, page or use case, Schutzstufe, endpoint, model, local/public,
the decision (sent or refused, and why), finding kinds and counts (never values), tokens, durations,
and later a rating. Prompt and answer texts are kept only as the organisation decides
(``store_texts = "never" | "stufe1" | "always"``). The schema evolves through an append-only list of
Alembic migrations (see workbench.storage). Signed-in people appear only as pseudonyms; ratings are
kept once per comparison; workshops name their trainer and topics; `retention_days` deletes old rows.

A record must never hold up an answer: every write waits at most `BUSY_TIMEOUT_S` for a lock held
elsewhere (another process, a database tool) and then gives up. What went wrong is described in German
by `describe_problem` (locked, corrupt, not writable, disk full, server unreachable) so the person can
be told once.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError

from workbench import german, storage
from workbench.storage import BUSY_TIMEOUT_S, LOG_FILE, DatabaseUrlError, ratings, runs, workshops
from workbench.transparency import TIMEZONE

__all__ = ["BUSY_TIMEOUT_S", "LOG_FILE", "STORAGE_ERRORS", "RunLog", "RunRecord", "open_run_log"]
log = logging.getLogger(__name__)
# Everything opening or writing the record can raise; callers catch these and carry on without a record.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlite3.Error, OSError, DatabaseUrlError)

STORE_TEXTS = ("never", "stufe1", "always")
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
    """Why the run log failed: "locked", "corrupt", "not_writable", "full", "unreachable", "config" or "other"."""
    if isinstance(exc, DatabaseUrlError):
        return "config"
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        if type(exc.orig).__module__.startswith("psycopg"):
            return "unreachable" if isinstance(exc, OperationalError | InterfaceError) else "other"
        exc = exc.orig
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


def describe_problem(exc: BaseException, path: Path | str) -> str:
    """The German message for a run log that cannot be written; `path` is the SQLite file or the server."""
    unlogged = "Ihre Anfragen werden weiter beantwortet, aber nicht protokolliert."
    kind = problem_kind(exc)
    if kind == "config":
        return f"{exc} {unlogged} Korrigieren Sie WORKBENCH_DATABASE_URL bzw. database_url in workbench.toml."
    if isinstance(path, str) and "://" in path:  # a database server
        if kind == "unreachable":
            return (
                f"Die Protokolldatenbank „{path}“ ist nicht erreichbar oder lehnt die Anmeldung ab. {unlogged} "
                "Prüfen Sie WORKBENCH_DATABASE_URL (Rechner, Port, Benutzer, Passwort) und ob der Datenbankserver "
                "läuft, oder wenden Sie sich an Ihre IT."
            )
        return (
            f"Die Protokolldatenbank „{path}“ hat die Anfrage abgelehnt. {unlogged} Wenn das so bleibt, melden Sie "
            "es bitte Ihrer IT."
        )
    path = Path(path)
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


def open_run_log(
    data_dir: Path,
    store_texts: str,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    retention_days: int | None = None,
) -> RunLog:
    """One RunLog per database and text policy in this process (it keeps a connection pool).

    The database is WORKBENCH_DATABASE_URL, else `database_url` (workbench.toml), else the SQLite file
    in `data_dir`. With `retention_days`, old rows are deleted now and once a day from here on.
    """
    url = storage.database_url(data_dir, database_url, os.environ if env is None else env)
    with _OPEN_LOCK:
        key = (url, store_texts)
        if key not in _OPEN:
            _OPEN[key] = RunLog(url, store_texts)
        run_log = _OPEN[key]
    if retention_days:
        run_log.keep_for(retention_days)
    elif run_log.retention is not None:  # the setting was removed: nothing is deleted any more
        run_log.retention._stop.set()
        run_log.retention = None
    return run_log


def location_of(data_dir: Path, database_url: str | None, env: Mapping[str, str]) -> str:
    """Where the run log is, as a person is shown it (for messages when it cannot be opened)."""
    try:
        return storage.display_location(storage.database_url(data_dir, database_url, env))
    except DatabaseUrlError:
        return "WORKBENCH_DATABASE_URL"


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
    user_id: str | None = None  # pseudonym of the signed-in person; None in the single-person sandbox


@dataclass
class Retention:
    """The deletion policy in force and what its last pass did (shown on the protocol page)."""

    days: int
    last_run: datetime | None = None
    removed: int = 0
    problem: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)


def _timestamp() -> str:
    return datetime.now(TIMEZONE).isoformat(timespec="seconds")


class RunLog:
    """The installation's record, shared by all sessions (and, on PostgreSQL, by all instances)."""

    def __init__(self, target: Path | str, store_texts: str = "stufe1") -> None:
        raw = str(target)
        self.url = storage.normalize_url(raw) if "://" in raw else f"sqlite:///{Path(raw)}"
        self.location = storage.display_location(self.url)
        # the SQLite file (messages name it); None for a database server
        self.path: Path | None = Path(self.location) if self.url.startswith("sqlite") else None
        self.store_texts = store_texts if store_texts in STORE_TEXTS else "stufe1"
        self.engine = storage.create(self.url)
        self._writer = storage.Writer(self.engine)
        # German description of the last failed write, None after a successful one; shared by all
        # gateways (sessions) of this process, so a new gateway can tell its person at once.
        self.problem: str | None = None
        self.retention: Retention | None = None
        storage.migrate(self.engine, self._writer)

    @property
    def where(self) -> Path | str:
        """The SQLite file, or the server address without password (for `describe_problem`)."""
        return self.path if self.path is not None else self.location

    def _keep_texts(self, schutzstufe: int | None) -> bool:
        return self.store_texts == "always" or (self.store_texts == "stufe1" and schutzstufe == 1)

    def record(self, run: RunRecord) -> int:
        keep = self._keep_texts(run.schutzstufe)
        values = {
            "created_at": _timestamp(), "session": run.session, "purpose": run.purpose,
            "schutzstufe": run.schutzstufe, "endpoint_id": run.endpoint_id, "model": run.model,
            "location": run.location, "decision": run.decision, "reason": run.reason,
            "findings": json.dumps(run.findings or {}, sort_keys=True), "prompt_tokens": run.prompt_tokens,
            "completion_tokens": run.completion_tokens, "ttft_s": run.ttft_s, "total_s": run.total_s,
            "complete": None if run.complete is None else int(run.complete),
            "prompt_text": run.prompt_text if keep else None, "answer_text": run.answer_text if keep else None,
            "workshop": run.workshop, "user_id": run.user_id,
        }  # fmt: skip
        try:
            with self._writer.begin() as db:
                # the statement without values is compiled once and cached; the values are bound parameters
                key = db.execute(_INSERT_RUN, values).inserted_primary_key
                if key is None:  # every dialect here reports it after a successful INSERT
                    raise SQLAlchemyError("INSERT INTO runs returned no row id")
                row_id = key[0]
        except STORAGE_ERRORS as exc:
            self.problem = describe_problem(exc, self.where)
            raise
        self.problem = None
        return int(row_id)

    def rate(self, run_id: int, rating: str, comment: str = "") -> None:
        with self._writer.begin() as db:
            db.execute(
                update(runs).where(runs.c.id == run_id).values(rating=rating, rating_comment=comment or None)
            )

    def rate_comparison(
        self,
        comparison: str,
        verdict: str,
        sides: Sequence[tuple[int | None, str | None, str]],
        *,
        comment: str = "",
        session: str = "",
        user_id: str | None = None,
        workshop: str | None = None,
        purpose: str = "vergleich",
    ) -> None:
        """One rating of one comparison (rating it again replaces it); `sides` = (run id, location, verdict) of A, B.

        Each side's row also carries its own verdict ("besser", "schlechter", ...) for the Verlauf.
        """
        (run_a, location_a, _), (run_b, location_b, _) = sides
        with self._writer.begin() as db:
            db.execute(delete(ratings).where(ratings.c.comparison == comparison))
            db.execute(
                ratings.insert().values(
                    comparison=comparison, created_at=_timestamp(), session=session, user_id=user_id,
                    workshop=workshop, purpose=purpose, verdict=verdict, comment=comment or None,
                    location_a=location_a, location_b=location_b, run_a=run_a, run_b=run_b,
                )
            )  # fmt: skip
            for run_id, _, side_verdict in sides:
                if run_id is not None:
                    db.execute(
                        update(runs)
                        .where(runs.c.id == run_id)
                        .values(rating=side_verdict, rating_comment=comment or None, comparison=comparison)
                    )

    def runs(
        self,
        *,
        session: str | None = None,
        purpose: str | None = None,
        schutzstufe: int | None = None,
        workshop: str | None = None,
    ) -> pd.DataFrame:
        query = select(runs)
        for column, value in (
            (runs.c.session, session),
            (runs.c.purpose, purpose),
            (runs.c.schutzstufe, schutzstufe),
            (runs.c.workshop, workshop),
        ):
            if value is not None:
                query = query.where(column == value)
        return self._frame(query.order_by(runs.c.id))

    def ratings(self, *, workshop: str | None = None) -> pd.DataFrame:
        """One row per rated comparison: verdict, purpose and the two sides' locations."""
        query = select(ratings)
        if workshop is not None:
            query = query.where(ratings.c.workshop == workshop)
        return self._frame(query.order_by(ratings.c.created_at))

    def _frame(self, query: Any) -> pd.DataFrame:
        with self.engine.connect() as connection:
            result = connection.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    # --- workshops ------------------------------------------------------------------------------

    def create_workshop(
        self,
        name: str,
        exercises: list[str],
        *,
        trainer: str = "",
        topics: Sequence[str] = (),
        created_by: str | None = None,
    ) -> str:
        """A new workshop with a short join code (no names of participants are ever needed)."""
        while True:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            try:
                with self._writer.begin() as db:
                    db.execute(
                        workshops.insert().values(
                            code=code, name=name.strip(), exercises=json.dumps(exercises, ensure_ascii=False),
                            created_at=_timestamp(), trainer=trainer.strip() or None,
                            topics=json.dumps(list(topics)), created_by=created_by,
                        )
                    )  # fmt: skip
                return code
            except IntegrityError:
                continue  # the rare collision: draw again

    def workshop(self, code: str) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(workshops).where(workshops.c.code == code.strip().upper())
            ).first()
        return None if row is None else _workshop(row._mapping)

    def workshops(self) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(workshops).order_by(workshops.c.created_at.desc())).fetchall()
        return [_workshop(row._mapping) for row in rows]

    def reset_workshop(self, code: str) -> int:
        """Delete the workshop's runs and ratings (the workshop and its code stay); returns how many runs."""
        with self._writer.begin() as db:
            db.execute(delete(ratings).where(ratings.c.workshop == code))
            return db.execute(delete(runs).where(runs.c.workshop == code)).rowcount

    def protocol(self) -> pd.DataFrame:
        """Counts for the data-protection officer: Schutzstufe × endpoint × location × decision, no content."""
        columns = (runs.c.schutzstufe, runs.c.endpoint_id, runs.c.location, runs.c.decision)
        query = (
            select(
                runs.c.schutzstufe.label("Schutzstufe"),
                runs.c.endpoint_id.label("Dienst"),
                runs.c.location.label("Ort"),
                runs.c.decision.label("Entscheidung"),
                func.count().label("Anzahl"),
            )
            .group_by(*columns)
            .order_by(runs.c.schutzstufe, runs.c.endpoint_id, runs.c.decision)
        )
        counts = self._frame(query)
        return counts.assign(Ort=counts["Ort"].map(german.place)) if len(counts) else counts

    # --- retention ------------------------------------------------------------------------------

    def purge(self, days: int, now: datetime | None = None) -> int:
        """Delete runs (with their stored texts) and ratings older than `days` days; returns how many runs."""
        cutoff = ((now or datetime.now(TIMEZONE)) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._writer.begin(timeout=storage.MIGRATION_TIMEOUT_S) as db:
            db.execute(delete(ratings).where(ratings.c.created_at < cutoff))
            return db.execute(delete(runs).where(runs.c.created_at < cutoff)).rowcount

    def keep_for(self, days: int) -> Retention:
        """Apply `retention_days` now and then once a day, in a background thread of this process."""
        if self.retention is not None and self.retention.days == days:
            return self.retention
        if self.retention is not None:
            self.retention._stop.set()
        retention = self.retention = Retention(days)
        self._retention_pass(retention)
        threading.Thread(
            target=self._retention_daily, args=(retention,), name="retention", daemon=True
        ).start()
        return retention

    def _retention_pass(self, retention: Retention) -> None:
        try:
            retention.removed = self.purge(retention.days)
            retention.problem = None
        except STORAGE_ERRORS as exc:
            log.warning("retention pass failed: %s: %s", type(exc).__name__, exc)
            retention.problem = describe_problem(exc, self.where)
        retention.last_run = datetime.now(TIMEZONE)

    def _retention_daily(self, retention: Retention) -> None:
        while not retention._stop.wait(RETENTION_INTERVAL_S):
            self._retention_pass(retention)


RETENTION_INTERVAL_S = 24 * 60 * 60


def retention_text(retention: Retention | None) -> str:
    """The deletion policy in force, in German, for the protocol page."""
    if retention is None:
        return (
            "**Aufbewahrung:** Es ist keine Löschfrist eingestellt; Einträge bleiben, bis jemand sie löscht. "
            "Ihre Organisation kann in workbench.toml eine Frist festlegen, z. B. `retention_days = 90`."
        )
    text = (
        f"**Aufbewahrung:** Einträge, gespeicherte Texte und Bewertungen werden nach **{retention.days} Tagen** "
        "gelöscht – beim Start der Werkbank und danach täglich."
    )
    if retention.problem:
        return f"{text} Die letzte Löschung ist fehlgeschlagen: {retention.problem}"
    if retention.last_run is not None:
        when = retention.last_run.strftime("%d.%m.%Y, %H:%M Uhr")
        text += f" Zuletzt geprüft am {when}: {retention.removed} Einträge gelöscht."
    return text


_INSERT_RUN = runs.insert()


def _workshop(row: Any) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "exercises": json.loads(row["exercises"]),
        "created_at": row["created_at"],
        "trainer": row["trainer"] or "",
        "topics": json.loads(row["topics"]) if row["topics"] else [],
        "created_by": row["created_by"],
    }


# The Verlauf as people read it: German column names, dates and reasons (the JSON export keeps the keys).
RUN_COLUMNS = {
    "created_at": "Zeitpunkt", "purpose": "Seite / Übung", "schutzstufe": "Schutzstufe", "endpoint_id": "Dienst",
    "model": "Modell", "location": "Ort", "decision": "Entscheidung", "reason": "Grund",
    "findings": "Fundstellen", "prompt_tokens": "Tokens Eingabe", "completion_tokens": "Tokens Ausgabe",
    "ttft_s": "Erstes Token (s)", "total_s": "Dauer (s)", "rating": "Bewertung",
}  # fmt: skip
REASONS = {
    "no_findings": "keine Fundstellen",
    "findings_stay_local": "Fundstellen, Dienst lokal",
    "pseudonymized": "pseudonymisiert gesendet",
    "confirmed": "trotz Fundstellen bestätigt",
    "personal_data_at_stufe_1": "personenbezogene Daten, öffentlicher Dienst",
    "local_endpoint": "lokaler Dienst",
    "public_endpoint_at_stufe_1": "öffentlicher Dienst, Schutzstufe 1",
    "public_endpoint_at_stufe_2": "öffentlicher Dienst auf Schutzstufe 2 gesperrt",
    "invalid_schutzstufe": "keine gültige Schutzstufe",
    "unknown_endpoint": "unbekannter Dienst",
    "unclassified_endpoint": "Dienst ohne Einstufung",
}


def readable_runs(
    frame: pd.DataFrame, titles: Mapping[str, str] | None = None, services: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The run log's rows with German headings, dates, places, reasons, exercise names and finding kinds."""

    from workbench.privacy import KIND_LABELS
    from workbench.workshop import exercise_name

    def findings(raw: object) -> str:
        counts = json.loads(raw) if isinstance(raw, str) and raw else {}
        return ", ".join(f"{KIND_LABELS.get(kind, kind)}: {count}" for kind, count in counts.items())

    shown = frame[[c for c in RUN_COLUMNS if c in frame.columns]].copy()
    if "created_at" in shown:
        shown["created_at"] = shown["created_at"].map(german.when)
    if "location" in shown:
        shown["location"] = shown["location"].map(german.place)
    if "reason" in shown:
        shown["reason"] = shown["reason"].map(lambda v: REASONS.get(v, v))
    if "findings" in shown:
        shown["findings"] = shown["findings"].map(findings)
    if "endpoint_id" in shown and services:
        shown["endpoint_id"] = shown["endpoint_id"].map(lambda e: services.get(e, e))
    if "purpose" in shown:
        shown["purpose"] = shown["purpose"].map(lambda p: exercise_name(str(p), dict(titles or {})))
    for column in ("prompt_tokens", "completion_tokens"):
        if column in shown:
            shown[column] = pd.to_numeric(shown[column], errors="coerce").astype("Int64")
    for column in ("ttft_s", "total_s"):
        if column in shown:
            shown[column] = pd.to_numeric(shown[column], errors="coerce").round(2)
    return shown.rename(columns=RUN_COLUMNS)


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for JSON: missing values as null (JSON has no NaN), whole numbers as integers."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {
            str(k): int(v) if isinstance(v, float) and v.is_integer() and str(k).endswith("tokens") else v
            for k, v in r.items()
        }
        for r in records
    ]
