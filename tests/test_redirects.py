"""No client follows a redirect: a `lokal` endpoint that answers 3xx cannot carry Stufe-2 data elsewhere.

The `lokal` endpoint is a fake server that answers every request with a redirect to another fake
server standing in for a public host. Through the real clients, for both protocols, for chats,
status checks, model lists and downloads: the target must receive nothing, and the person gets a
German error that names the host the endpoint pointed to.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fakes import FakeOpenAI
from workbench.cli import EXIT_BACKEND
from workbench.config import load_settings
from workbench.errors import RedirectRefused
from workbench.gateway import ChatRequest, Gateway

SECRET = "Vertraulich: Projekt Falke 4711"


@pytest.fixture(scope="module")
def _public_host():
    with FakeOpenAI(models=["gpt-4o"]) as server:
        yield server


@pytest.fixture
def public_host(_public_host):
    """Where the redirect points: any request it records is a request that left the building."""
    _public_host.reset()
    yield _public_host
    _public_host.reset()


@pytest.fixture
def lokal_gateway_config(workbench_env, fake_openai, tmp_path, monkeypatch):
    """An OpenAI-compatible in-house gateway, approved as `lokal` (the OpenAI fake plays it)."""
    config = tmp_path / "workbench.toml"
    config.write_text(
        f'[[endpoints]]\nid = "rz"\nlabel = "RZ-Gateway"\nkind = "openai"\nbase_url = "{fake_openai.url}"\n'
        'model = "gpt-4o-mini"\nclassification = "lokal"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    return config


def _redirecting(server, target, status: int) -> None:
    server.fault, server.redirect_to, server.redirect_status = "redirect", target.base_url, status


def _host(server) -> str:
    return f"127.0.0.1:{server.port}"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_ollama_chat_is_not_redirected(workbench_env, fake_ollama, public_host, status):
    _redirecting(fake_ollama, public_host, status)
    gateway = Gateway(load_settings())
    with pytest.raises(RedirectRefused) as info:
        list(gateway.chat(ChatRequest([{"role": "user", "content": SECRET}], 2, "ollama")))
    assert f"„{_host(public_host)}“" in info.value.user_message
    assert f"HTTP {status}" in info.value.user_message
    assert [r.path for r in fake_ollama.requests] == ["/api/chat"]
    assert public_host.requests == []


@pytest.mark.parametrize("status", [302, 307, 308])
def test_openai_compatible_chat_is_not_redirected(lokal_gateway_config, fake_openai, public_host, status):
    _redirecting(fake_openai, public_host, status)
    gateway = Gateway(load_settings())
    with pytest.raises(RedirectRefused) as info:
        list(gateway.chat(ChatRequest([{"role": "user", "content": SECRET}], 2, "rz")))
    assert _host(public_host) in info.value.user_message
    assert [r.path for r in fake_openai.requests] == ["/v1/chat/completions"]  # no retry either
    assert public_host.requests == []


def test_status_model_list_and_download_are_not_redirected(
    lokal_gateway_config, fake_ollama, fake_openai, public_host
):
    _redirecting(fake_ollama, public_host, 307)
    _redirecting(fake_openai, public_host, 307)
    gateway = Gateway(load_settings())
    for endpoint_id in ("ollama", "rz"):
        status = gateway.status(endpoint_id, 2)
        assert not status.reachable
        assert isinstance(status.error, RedirectRefused)
        with pytest.raises(RedirectRefused):
            gateway.list_models(endpoint_id, 2)
    with pytest.raises(RedirectRefused):
        list(gateway.pull("ollama", "llama3.2", 2))
    with pytest.raises(RedirectRefused):
        gateway.capabilities("ollama", "llama3.2", 2)
    assert fake_ollama.requests and fake_openai.requests
    assert public_host.requests == []


@pytest.mark.parametrize("endpoint", ["ollama", "rz"])
def test_cli_ask_refuses_the_redirect(
    lokal_gateway_config, workbench_env, fake_ollama, fake_openai, public_host, endpoint
):
    """As a person would try it: exit code for a backend error, a German message, no traceback."""
    for server in (fake_ollama, fake_openai):
        _redirecting(server, public_host, 307)
    env = {**workbench_env, "WORKBENCH_CONFIG": str(lokal_gateway_config)}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "--schutzstufe", "2", "--endpoint", endpoint, SECRET],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == EXIT_BACKEND
    assert done.stdout == ""  # no answer, so no notice claiming the data stayed in-house
    assert "umgeleitet" in done.stderr and _host(public_host) in done.stderr
    assert "Traceback" not in done.stderr
    assert public_host.requests == []
