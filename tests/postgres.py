"""The real PostgreSQL of the tests: a fresh database per test on the server `.ci/run` starts.

WORKBENCH_TEST_DATABASE_URL names a role that may create databases (default: the one `.ci/run` creates,
postgresql://werkbank:werkbank@127.0.0.1:5432/werkbank). In CI an unreachable server fails the tests;
on a developer machine without PostgreSQL they are skipped with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_URL = "postgresql://werkbank:werkbank@127.0.0.1:5432/werkbank"


def server_url() -> str:
    url = make_url(os.environ.get("WORKBENCH_TEST_DATABASE_URL") or DEFAULT_URL)
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def require_server() -> str:
    """The server's URL, or skip (fail in CI) when no PostgreSQL answers."""
    url = server_url()
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        message = f"PostgreSQL unter {make_url(url).render_as_string()} nicht erreichbar: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run startet den Server; WORKBENCH_TEST_DATABASE_URL prüfen)")
        pytest.skip(message)
    return url


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards (with anything still connected to it)."""
    name = "werkbank_test_" + secrets.token_hex(6)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
