"""Shared fixtures: one fake Ollama and one fake OpenAI server per session, reset for every test,
and an environment that points the workbench at them (and nowhere else)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres
from tests.fakes import FakeOllama, FakeOpenAI
from workbench.backends import create_backend
from workbench.config import load_settings
from workbench.gateway import Gateway

# the `browser` fixture (headless Chromium) for every test module
pytest_plugins = ["tests.chromium"]

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "sk-test-1234"
OLLAMA_MODELS = ["llama3.2:latest", "mistral:latest"]
OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o"]


@pytest.fixture(scope="session")
def _ollama_server():
    with FakeOllama(models=list(OLLAMA_MODELS)) as server:
        yield server


@pytest.fixture(scope="session")
def _openai_server():
    with FakeOpenAI(models=list(OPENAI_MODELS), api_key=API_KEY) as server:
        yield server


@pytest.fixture(scope="session")
def real_server(tmp_path_factory):
    """llama-cpp-python's OpenAI-compatible server with Gemma 3 270M, once per session (see
    tests/real_server.py)."""
    from tests import real_server as llama

    server = llama.start(tmp_path_factory.mktemp("llama"))
    yield server
    llama.stop(server)


@pytest.fixture
def fake_ollama(_ollama_server):
    _ollama_server.reset()
    _ollama_server.models[:] = list(OLLAMA_MODELS)
    yield _ollama_server
    _ollama_server.reset()


@pytest.fixture
def fake_openai(_openai_server):
    _openai_server.reset()
    yield _openai_server
    _openai_server.reset()


@pytest.fixture
def workbench_env(fake_ollama, fake_openai, tmp_path, monkeypatch):
    """Environment for the app and the CLI: both built-in endpoints point at the fakes."""
    # Backends remember per process what a server accepted (formats, tools): every test starts fresh.
    create_backend.cache_clear()
    monkeypatch.chdir(tmp_path)  # no stray workbench.toml from the working directory
    for name in (
        "WORKBENCH_CONFIG",
        "OLLAMA_MODEL",
        "OPENAI_MODEL",
        "OLLAMA_API_KEY",
        "WORKBENCH_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    env = {
        "OLLAMA_HOST": fake_ollama.url,
        "OPENAI_BASE_URL": fake_openai.url,
        "OPENAI_API_KEY": API_KEY,
        "NO_PROXY": "127.0.0.1,localhost",
        "WORKBENCH_DATA_DIR": str(tmp_path / "daten"),  # the run log of each test stays in its own folder
        "no_proxy": "127.0.0.1,localhost",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return dict(os.environ)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of the real PostgreSQL (a role that may create databases); see tests/postgres.py."""
    return postgres.require_server()


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test."""
    with postgres.fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """The same storage test against both: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "protokoll.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def gateway(workbench_env) -> Gateway:
    return Gateway(load_settings())


def public_requests(server: FakeOpenAI) -> list:
    return list(server.requests)
