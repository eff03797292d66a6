"""The deployment examples in deploy/ are valid: the workbench reads its configuration without a problem,
Streamlit finds every sign-in key, the reverse proxy configuration is well formed and sticky, the service
unit starts `workbench run`."""

from __future__ import annotations

import configparser
import re
import tomllib

from tests.conftest import ROOT
from workbench import storage
from workbench.config import load_settings

DEPLOY = ROOT / "deploy"


def test_the_organisation_configuration_is_read_without_problems():
    settings = load_settings(env={"LITELLM_API_KEY": "sk-intern"}, path=DEPLOY / "workbench.toml")
    assert [str(p) for p in settings.problems] == []
    assert settings.retention_days == 90 and settings.store_texts == "stufe1"
    assert storage.normalize_url(settings.database_url or "").startswith("postgresql+psycopg://werkbank@")
    assert settings.roles.claim == "roles"
    assert settings.roles.members["datenschutz"] == frozenset({"datenschutz@musterstadt.de"})
    assert [e.id for e in settings.endpoints] == ["ollama", "rechenzentrum"]
    assert settings.endpoint("rechenzentrum").is_local


def test_the_sign_in_secrets_have_every_key_streamlit_needs():
    auth = tomllib.loads((DEPLOY / "secrets.toml").read_text(encoding="utf-8"))["auth"]
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"} <= set(auth)
    assert auth["redirect_uri"].endswith("/oauth2callback")
    assert auth["server_metadata_url"].endswith("/.well-known/openid-configuration")


def nginx_blocks(text: str) -> list:
    """nginx's syntax as nested lists: a directive is a list of words, a block is (words, children)."""
    tokens = re.findall(r'"[^"]*"|[{};]|[^\s{};"]+', re.sub(r"#[^\n]*", "", text))
    stack: list[list] = [[]]
    words: list[str] = []
    for token in tokens:
        if token == "{":
            block: list = []
            stack[-1].append((words, block))
            stack.append(block)
            words = []
        elif token == "}":
            assert not words, f"directive without ';' before '}}': {words}"
            stack.pop()
            assert stack, "'}' without '{'"
        elif token == ";":
            stack[-1].append(words)
            words = []
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unclosed block or directive"
    return stack[0]


def test_the_reverse_proxy_is_well_formed_sticky_and_passes_websockets():
    tree = nginx_blocks((DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    blocks = {tuple(words): children for words, children in (n for n in tree if isinstance(n, tuple))}
    upstream = blocks[("upstream", "ki_werkbank")]
    assert ["ip_hash"] in upstream
    assert len([d for d in upstream if d[0] == "server"]) >= 2
    server = blocks[("server",)]
    location = next(
        children
        for words, children in (n for n in server if isinstance(n, tuple))
        if words == ["location", "/"]
    )
    assert ["proxy_pass", "http://ki_werkbank"] in location
    assert ["proxy_http_version", "1.1"] in location
    assert ["proxy_set_header", "Upgrade", "$http_upgrade"] in location
    assert ["proxy_set_header", "Connection", '"upgrade"'] in location


def test_nginx_reader_notices_broken_files():
    import pytest

    for broken in ("upstream x { server a:1; ", "server { listen 80 }", "a; }"):
        with pytest.raises(AssertionError):
            nginx_blocks(broken)


def test_the_service_unit_runs_one_instance_per_port():
    text = (DEPLOY / "ki-werkbank@.service").read_text(encoding="utf-8")
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read_string(text)
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    assert unit["Service"]["ExecStart"].endswith("workbench run --headless --port %i")
    environment = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("Environment=")]
    assert {entry.split("=")[0] for entry in environment} == {"WORKBENCH_CONFIG", "STREAMLIT_SECRETS_FILES"}
