"""Where the workbench keeps its records: one SQLAlchemy Core schema over SQLite or PostgreSQL.

SQLite (a file in WORKBENCH_DATA_DIR) is the zero-configuration default for one machine. An
organisation that runs several app instances points all of them at one PostgreSQL database with
WORKBENCH_DATABASE_URL (or `database_url` in workbench.toml). The schema is versioned by Alembic
(`workbench/migrations`); every instance brings the database up to date when it opens it, and
several instances starting at once take turns (a PostgreSQL advisory lock, SQLite's write lock).

SQLite specifics kept from the single-file days: WAL mode, one writer of this process at a time,
and a write waits at most `BUSY_TIMEOUT_S` for a lock held elsewhere, so a record never holds up
an answer.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"
LOG_FILE = "protokoll.sqlite3"
# Long enough for the other sessions' writes (milliseconds each), short enough that a database locked by
# another program costs a request at most this long.
BUSY_TIMEOUT_S = 0.5
# Schema changes wait longer: they happen once, when an instance starts.
MIGRATION_TIMEOUT_S = 30.0
# The newest Alembic revision in workbench/migrations/versions (a test keeps the two equal). A database
# already at this revision is opened without loading Alembic at all.
SCHEMA_REVISION = "0002"
# Any fixed number: instances that start together serialise their schema upgrades on it.
_MIGRATION_LOCK_KEY = 0x5745524B  # "WERK"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

metadata = MetaData()

# The tables as the newest revision leaves them (the migrations are the history; this is for queries).
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", Text, nullable=False),  # ISO 8601, Europe/Berlin
    Column("session", Text),
    Column("purpose", Text),
    Column("schutzstufe", Integer),
    Column("endpoint_id", Text),
    Column("model", Text),
    Column("location", Text),
    Column("decision", Text, nullable=False),
    Column("reason", Text),
    Column("findings", Text),  # JSON: kind -> count, never values
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("ttft_s", Float),
    Column("total_s", Float),
    Column("complete", Integer),
    Column("prompt_text", Text),
    Column("answer_text", Text),
    Column("rating", Text),
    Column("rating_comment", Text),
    Column("workshop", Text),
    Column("user_id", Text),  # pseudonym of the signed-in person, never a name
    Column("comparison", Text),  # the two sides of one comparison share it
    sqlite_autoincrement=True,
)
workshops = Table(
    "workshops",
    metadata,
    Column("code", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("exercises", Text, nullable=False),  # JSON list of use-case ids
    Column("created_at", Text, nullable=False),
    Column("trainer", Text),  # as the trainer wants to appear in the record
    Column("topics", Text),  # JSON list of topic keys
    Column("created_by", Text),  # pseudonym
)
ratings = Table(
    "ratings",
    metadata,
    Column("comparison", Text, primary_key=True),  # one rating per comparison; rating again replaces it
    Column("created_at", Text, nullable=False),
    Column("session", Text),
    Column("user_id", Text),
    Column("workshop", Text),
    Column("purpose", Text),
    Column("verdict", Text, nullable=False),  # "A besser", "B besser", "gleichwertig", "beide unbrauchbar"
    Column("comment", Text),
    Column("location_a", Text),
    Column("location_b", Text),
    Column("run_a", Integer),
    Column("run_b", Integer),
)
Index("runs_session", runs.c.session)
Index("runs_workshop", runs.c.workshop)
Index("runs_created_at", runs.c.created_at)
Index("ratings_workshop", ratings.c.workshop)


class DatabaseUrlError(ValueError):
    """The configured database address cannot be used; the message is German."""


def database_url(data_dir: Path, configured: str | None, env: Mapping[str, str]) -> str:
    """WORKBENCH_DATABASE_URL, else `database_url` from workbench.toml, else the SQLite file in data_dir."""
    raw = (env.get(DATABASE_URL_ENV) or configured or "").strip()
    if not raw:
        return f"sqlite:///{Path(data_dir) / LOG_FILE}"
    return normalize_url(raw)


def normalize_url(raw: str) -> str:
    """Accept the usual spellings (postgres://, postgresql://) and use the psycopg 3 driver for them."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"„{_redact(raw)}“ ist keine Datenbankadresse. Erwartet wird zum Beispiel "
            "postgresql://benutzer:passwort@datenbank.intern:5432/werkbank oder sqlite:////pfad/protokoll.sqlite3."
        ) from exc
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        return url.render_as_string(hide_password=False)
    raise DatabaseUrlError(
        f"Die Datenbank „{url.drivername}“ wird nicht unterstützt. Die Werkbank speichert in SQLite (Standard) "
        "oder PostgreSQL (postgresql://…)."
    )


def _redact(raw: str) -> str:
    """Never repeat what may be a password: everything before the last @ is hidden."""
    head, at, tail = raw.rpartition("@")
    if not at:
        return raw
    scheme = head.split("://")[0] + "://" if "://" in head else ""
    return f"{scheme}***@{tail}"


def display_location(url: str) -> str:
    """What a person is shown: the SQLite file's path, or the server address without the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create(url: str) -> Engine:
    """An engine for the workbench's database; SQLite files get WAL mode and short, explicit locks."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pre_ping: a connection broken by a database restart is replaced instead of failing a record
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10)
    if parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event below issues BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # WAL: readers never wait for the writer. Already set in an existing file (then this only reads);
        # a file locked by another program stays as it is, and its writes report the lock.
        with contextlib.suppress(sqlite3.Error):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        deadline = connection.get_execution_options().get("workbench_deadline")
        if deadline is None:
            connection.exec_driver_sql("BEGIN")  # a reader: WAL never blocks it
            return
        # a writer takes the write lock at once, waiting only as long as its deadline allows
        remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {remaining_ms}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class FairLock:
    """A lock that serves waiting threads first come, first served, each waiting at most its timeout.

    `threading.Lock` may let a thread that just released it take it again, so under thirty busy writers one
    can starve past its timeout; here the releasing thread hands the lock straight to the oldest waiter.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over between the timeout and here
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # stays held: it passes to the oldest waiter
            else:
                self._held = False


class Writer:
    """Short write transactions; on SQLite one writer of this process at a time, bounded waiting."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = FairLock() if is_sqlite(engine) else None

    @contextmanager
    def begin(self, timeout: float = BUSY_TIMEOUT_S) -> Iterator[Connection]:
        if self._lock is None:
            with self.engine.begin() as connection:
                yield connection
            return
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            with self.engine.connect() as connection:
                connection.execution_options(workbench_deadline=deadline)
                with connection.begin():
                    yield connection
        finally:
            self._lock.release()


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, writer: Writer | None = None) -> str:
    """Bring the schema to `SCHEMA_REVISION` (Alembic); returns the revision. Safe with several instances."""
    with engine.connect() as connection:
        if current_revision(connection) == SCHEMA_REVISION:
            return SCHEMA_REVISION
    writer = writer or Writer(engine)
    with writer.begin(timeout=MIGRATION_TIMEOUT_S) as connection:
        if not is_sqlite(engine):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        if current_revision(connection) != SCHEMA_REVISION:  # another instance may have done it meanwhile
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return current_revision(connection) or ""
