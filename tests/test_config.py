"""Settings from environment and workbench.toml: zero configuration, validation, warnings, no key leaks."""

from pathlib import Path

import pytest

from workbench.config import Classification, Kind, load_settings, normalize_ollama_host

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workbench.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_zero_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert [e.id for e in settings.endpoints] == ["ollama", "openai"]
    ollama, openai = settings.endpoints
    assert ollama.base_url == "http://127.0.0.1:11434"
    assert ollama.classification is Classification.LOCAL
    assert openai.classification is Classification.PUBLIC
    assert openai.base_url == "https://api.openai.com/v1"
    assert settings.missing_key_reason(openai) is not None
    assert "OPENAI_API_KEY" in settings.missing_key_reason(openai)
    assert settings.problems == []
    assert settings.config_path is None


def test_environment_variables(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "OLLAMA_HOST": "0.0.0.0:11500",
        "OPENAI_API_KEY": "sk-test-geheim",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1/",
        "OLLAMA_MODEL": "mistral",
    }
    settings = load_settings(env=env)
    ollama, openai = settings.endpoints
    assert ollama.base_url == "http://127.0.0.1:11500"
    assert ollama.default_model == "mistral"
    assert openai.base_url == "http://127.0.0.1:9/v1"
    assert settings.missing_key_reason(openai) is None
    assert settings.api_key(openai) == "sk-test-geheim"
    assert "sk-test-geheim" not in repr(openai)  # the endpoint holds the variable name only


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "http://127.0.0.1:11434"),
        ("", "http://127.0.0.1:11434"),
        ("localhost", "http://localhost:11434"),
        ("http://gpu-server:11434/", "http://gpu-server:11434"),
        ("https://ollama.intern.example", "https://ollama.intern.example:443"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
    ],
)
def test_normalize_ollama_host(value, expected):
    assert normalize_ollama_host(value) == expected


def test_example_file_is_valid():
    settings = load_settings(env={}, path=ROOT / "workbench.example.toml")
    assert settings.problems == []
    gateway = settings.endpoint("rz-gateway")
    assert gateway.kind is Kind.OPENAI
    assert gateway.classification is Classification.LOCAL
    assert gateway.api_key_env == "RZ_GATEWAY_KEY"
    assert settings.organisation == "Stadt Musterstadt"
    assert settings.endpoint("openai").classification is Classification.PUBLIC


def test_config_path_from_environment(tmp_path):
    path = write(tmp_path, '[organisation]\nname = "Kreis Beispiel"\n')
    settings = load_settings(env={"WORKBENCH_CONFIG": str(path)})
    assert settings.organisation == "Kreis Beispiel"
    assert settings.config_path == path


def test_missing_explicit_file_is_reported(tmp_path):
    settings = load_settings(env={"WORKBENCH_CONFIG": str(tmp_path / "fehlt.toml")})
    assert len(settings.errors) == 1
    assert "nicht gefunden" in settings.errors[0].message
    assert [e.id for e in settings.endpoints] == ["ollama", "openai"]


def test_toml_syntax_error_names_file_and_keeps_defaults(tmp_path):
    path = write(tmp_path, "[[endpoints]]\nid = \n")
    settings = load_settings(env={}, path=path)
    assert len(settings.errors) == 1
    assert str(path) in str(settings.errors[0])
    assert "kein gültiges TOML" in str(settings.errors[0])
    assert [e.id for e in settings.endpoints] == ["ollama", "openai"]


@pytest.mark.parametrize(
    ("body", "key", "expected"),
    [
        ('classification = "public"', "classification", '"lokal"'),
        ('kind = "azure"', "kind", '"ollama" oder "openai"'),
        ('base_url = "ki-gateway"', "base_url", "keine gültige Adresse"),
        ("timeout = -5", "timeout", "positive Zahl"),
        ('timeout = "lang"', "timeout", "positive Zahl"),
    ],
)
def test_invalid_values_name_key_and_expectation(tmp_path, body, key, expected):
    base = {
        "label": '"RZ"',
        "kind": '"openai"',
        "base_url": '"https://rz.example/v1"',
        "model": '"m"',
        "classification": '"lokal"',
    }
    base.pop(key, None)
    lines = ["[[endpoints]]", 'id = "rz"', *(f"{k} = {v}" for k, v in base.items()), body]
    settings = load_settings(env={}, path=write(tmp_path, "\n".join(lines)))
    assert len(settings.errors) == 1, settings.problems
    problem = settings.errors[0]
    assert problem.key == f'endpoints[1] (id = "rz").{key}'
    assert expected in problem.message
    assert "workbench.toml" in str(problem)
    assert settings.endpoint("rz") is None  # an invalid entry is not used
    assert settings.endpoint("ollama") is not None  # the rest still works


def test_missing_required_key(tmp_path):
    path = write(
        tmp_path,
        '[[endpoints]]\nid = "rz"\nlabel = "RZ"\nkind = "openai"\nmodel = "m"\nbase_url = "https://rz.example/v1"\n',
    )
    settings = load_settings(env={}, path=path)
    assert [p.key for p in settings.errors] == ['endpoints[1] (id = "rz").classification']
    assert "fehlt" in settings.errors[0].message


def test_pasted_key_is_never_echoed(tmp_path):
    secret = "sk-proj-ABCDEF1234567890abcdef"
    path = write(
        tmp_path,
        f'[[endpoints]]\nid = "rz"\nlabel = "RZ"\nkind = "openai"\nmodel = "m"\nbase_url = "https://rz.example/v1"\n'
        f'classification = "lokal"\napi_key_env = "{secret}"\n',
    )
    settings = load_settings(env={}, path=path)
    assert len(settings.errors) == 1
    assert secret not in str(settings.errors[0])
    assert "Name" in settings.errors[0].message


def test_local_endpoint_on_public_host_warns(tmp_path):
    path = write(
        tmp_path,
        '[[endpoints]]\nid = "fake-local"\nlabel = "Angeblich lokal"\nkind = "openai"\nmodel = "gpt-4o"\n'
        'base_url = "https://api.openai.com/v1"\nclassification = "lokal"\n',
    )
    settings = load_settings(env={}, path=path)
    assert settings.errors == []
    assert len(settings.warnings) == 1
    assert "api.openai.com" in settings.warnings[0].message
    assert settings.endpoint("fake-local") is not None


def test_override_and_disable_builtins(tmp_path):
    path = write(
        tmp_path,
        '[[endpoints]]\nid = "openai"\nenabled = false\n\n[[endpoints]]\nid = "ollama"\nmodel = "qwen2.5"\nlabel = "Ollama im Amt"\n',
    )
    settings = load_settings(env={}, path=path)
    assert settings.problems == []
    assert [e.id for e in settings.endpoints] == ["ollama"]
    assert settings.endpoint("ollama").default_model == "qwen2.5"
    assert settings.endpoint("ollama").label == "Ollama im Amt"
    assert settings.endpoint("ollama").classification is Classification.LOCAL


def test_unknown_key_is_a_warning(tmp_path):
    path = write(tmp_path, '[[endpoints]]\nid = "ollama"\nclasification = "lokal"\n')
    settings = load_settings(env={}, path=path)
    assert settings.errors == []
    assert "clasification" in settings.warnings[0].key
