"""Settings from environment and workbench.toml: zero configuration, validation, warnings, no key leaks."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.config import (
    Classification,
    Kind,
    load_settings,
    normalize_ollama_host,
    public_ip,
    public_provider,
)
from workbench.errors import PolicyRefused
from workbench.gateway import ChatRequest, Gateway
from workbench.policy import decide

ROOT = Path(__file__).resolve().parent.parent
LOCKED = "Öffentliche KI-Dienste bleiben gesperrt, bis die Datei korrigiert ist"


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


# --- a file that cannot be used locks every public endpoint -------------------------------------

UNUSABLE = [
    # (file content as bytes, or None: the path is a folder; words the message must contain)
    (b'[[endpoints]] id = "openai" enabled = false\n', "Zeile 1, Spalte 15"),
    (
        b'[[endpoints]]\nid = "openai"\nenabled = false\n\n[organisation]\nname = Musterstadt\n',
        "Zeile 6, Spalte 8",
    ),
    (b'[[endpoints]]\nid = "openai"\nenabled = false\nlabel = "offen', "Ende der Datei"),
    (
        b'[[endpoints]]\nid = "openai"\nenabled = false\n# M\xfcnchen\n',
        "nicht UTF-8-kodiert (erstes unlesbares Zeichen in Zeile 4)",
    ),
    (None, "kann nicht gelesen werden"),
]


@pytest.mark.parametrize(("content", "words"), UNUSABLE)
def test_unusable_file_locks_public_endpoints_and_keeps_local_ones(tmp_path, content, words):
    path = tmp_path / "workbench.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    settings = load_settings(env={"OPENAI_API_KEY": "sk-test"}, path=path)
    assert [e.id for e in settings.endpoints] == ["ollama"]  # the public API stays off ...
    assert settings.endpoint("ollama").classification is Classification.LOCAL  # ... local keeps working
    assert len(settings.errors) == 1
    problem = settings.errors[0]
    assert problem.locks_public
    assert str(path) in str(problem)
    assert words in problem.message
    assert LOCKED in problem.message and "„OpenAI (öffentliche API)“" in problem.message
    assert "So beheben Sie es:" in problem.message
    assert settings.store_texts == "never"  # the file may have said so


def test_missing_explicit_file_locks_public_endpoints(tmp_path):
    settings = load_settings(env={"WORKBENCH_CONFIG": str(tmp_path / "fehlt.toml")})
    assert len(settings.errors) == 1
    assert "nicht gefunden" in settings.errors[0].message and LOCKED in settings.errors[0].message
    assert [e.id for e in settings.endpoints] == ["ollama"]


def test_missing_implicit_file_is_zero_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.problems == [] and [e.id for e in settings.endpoints] == ["ollama", "openai"]


def test_unusable_file_also_locks_a_local_endpoint_on_a_provider_host(tmp_path):
    path = write(tmp_path, "[[endpoints]\n")
    settings = load_settings(env={"OLLAMA_HOST": "https://api.openai.com"}, path=path)
    assert settings.endpoints == ()
    assert settings.errors[0].locks_public


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "workbench.toml"
    path.write_bytes(b'\xef\xbb\xbf[organisation]\nname = "Kreis Beispiel"\n')
    settings = load_settings(env={}, path=path)
    assert settings.problems == []
    assert settings.organisation == "Kreis Beispiel"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[endpoints]\nid = "openai"\nenabled = false\n', "endpoints"),  # single brackets
        ('[[endpoint]]\nid = "openai"\nenabled = false\n', "endpoint"),
        ('[[dienste]]\nid = "openai"\nenabled = false\n', "dienste"),
        ('[[endpoints]]\nid = "OpenAI"\nenabled = false\n', "endpoints[1].id"),
        ('endpoints = ["openai"]\n', "endpoints[1]"),
    ],
)
def test_endpoint_definitions_that_match_no_endpoint_lock_public_ones(tmp_path, body, key):
    settings = load_settings(env={}, path=write(tmp_path, body))
    assert [e.id for e in settings.endpoints] == ["ollama"]
    assert settings.problems[0].locks_public and LOCKED in settings.problems[0].message
    assert key in [p.key for p in settings.problems]


def test_broken_file_refuses_public_request_at_the_gateway(workbench_env, fake_ollama, fake_openai, tmp_path):
    # The organisation had switched the public API off; a typo must not switch it back on.
    (tmp_path / "workbench.toml").write_text(
        '[[endpoints]] id = "openai" enabled = false\n', encoding="utf-8"
    )
    gateway = Gateway(load_settings())
    question = [{"role": "user", "content": "Wie beantrage ich einen Bewohnerparkausweis?"}]
    with pytest.raises(PolicyRefused):
        gateway.chat(ChatRequest(question, 1, "openai", purpose="test"))
    assert fake_openai.requests == []
    assert not any(o.endpoint.id == "openai" for o in gateway.options(1))
    assert gateway.chat(ChatRequest(question, 2, "ollama", purpose="test")).result.complete


def test_broken_file_is_shown_first_on_every_page(workbench_env, fake_openai, tmp_path):
    (tmp_path / "workbench.toml").write_text(
        '[privacy]\npolcy = "warn"\n[[endpoints]] id = "openai" enabled = false\n', encoding="utf-8"
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["schutzstufe"] = 1  # the level at which the public API would be offered
    at.run()
    assert not at.exception
    first = at.error[0].value
    assert first.startswith("**Öffentliche KI-Dienste gesperrt:**")
    assert LOCKED in first and "Zeile 3, Spalte 15" in first and "workbench.toml" in first
    assert at.sidebar.selectbox(key="endpoint_id").options == ["Lokales Ollama"]
    assert fake_openai.requests == []


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


# --- "lokal" on a public host --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "provider"),
    [
        ("api.openai.com", "OpenAI"),
        ("API.OpenAI.com.", "OpenAI"),  # case and a trailing dot do not hide it
        ("eu.api.openai.com", "OpenAI"),
        ("musterstadt.openai.azure.com", "Azure OpenAI"),
        ("musterstadt.cognitiveservices.azure.com", "Azure AI Services"),
        ("api.anthropic.com", "Anthropic"),
        ("generativelanguage.googleapis.com", "Google (Gemini API)"),
        ("aiplatform.googleapis.com", "Google (Vertex AI)"),
        ("europe-west3-aiplatform.googleapis.com", "Google (Vertex AI)"),
        ("api.mistral.ai", "Mistral AI"),
        ("api.groq.com", "Groq"),
        ("api.together.xyz", "Together AI"),
        ("api.fireworks.ai", "Fireworks AI"),
        ("openrouter.ai", "OpenRouter"),
        ("api.deepseek.com", "DeepSeek"),
        ("api.perplexity.ai", "Perplexity"),
        ("api.cohere.com", "Cohere"),
        ("api-inference.huggingface.co", "Hugging Face"),
        ("xyz.eu-west-1.aws.endpoints.huggingface.cloud", "Hugging Face"),
        ("bedrock-runtime.eu-central-1.amazonaws.com", "Amazon Bedrock"),
        ("bedrock-runtime-fips.us-east-1.amazonaws.com", "Amazon Bedrock"),
        ("ki-gateway.rz-musterland.example", None),
        ("notopenai.com", None),  # a suffix match respects the dot
        ("api.openai.com.musterstadt.example", None),
        ("ec2-3-121-0-1.eu-central-1.compute.amazonaws.com", None),  # own server in a cloud: not a provider
        ("localhost", None),
        ("", None),
    ],
)
def test_public_provider_hosts(host, provider):
    assert public_provider(host) == provider


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2001:4860:4860::8888", True),
        ("[2606:4700::1111]", True),
        ("::ffff:8.8.8.8", True),  # IPv4-mapped
        ("134744072", True),  # 8.8.8.8 as one number, as inet_aton reads it
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.178.20", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),  # link-local
        ("100.64.0.7", False),  # shared address space (carrier-grade NAT, VPN meshes)
        ("0.0.0.0", False),
        ("::1", False),
        ("fd12:3456::1", False),  # unique local
        ("fe80::1", False),
        ("::ffff:10.0.0.1", False),
        ("224.0.0.1", False),  # multicast
        ("gpu-server", False),  # names are never resolved
        ("ki.musterstadt.example", False),
    ],
)
def test_public_ip_literals(host, public):
    assert (public_ip(host) is not None) is public


def entry(endpoint_id: str, base_url: str, classification: str = "lokal", kind: str = "openai") -> str:
    return (
        f'[[endpoints]]\nid = "{endpoint_id}"\nlabel = "Dienst {endpoint_id}"\nkind = "{kind}"\n'
        f'base_url = "{base_url}"\nmodel = "m"\nclassification = "{classification}"\n'
    )


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.openai.com/v1",
        "https://musterstadt.openai.azure.com/openai/v1",
        "https://API.ANTHROPIC.COM./v1",
        "https://bedrock-runtime.eu-central-1.amazonaws.com",
        "https://openrouter.ai/api/v1",
    ],
)
def test_local_endpoint_on_provider_host_is_treated_as_public(tmp_path, base_url):
    settings = load_settings(env={}, path=write(tmp_path, entry("angeblich-lokal", base_url)))
    endpoint = settings.endpoint("angeblich-lokal")
    assert endpoint.classification is Classification.PUBLIC
    assert not decide(2, endpoint).allowed and decide(1, endpoint).allowed
    assert len(settings.errors) == 1
    problem = settings.errors[0]
    assert problem.key == 'endpoints (id = "angeblich-lokal").base_url'
    assert public_provider(endpoint.host) in problem.message
    assert "nicht überschreiben" in problem.message and 'classification = "oeffentlich"' in problem.message


@pytest.mark.parametrize(
    ("base_url", "shown"),
    [
        ("http://8.8.8.8:8000/v1", "8.8.8.8"),
        ("http://[2001:4860:4860::8888]:8000/v1", "2001:4860:4860::8888"),
    ],
)
def test_local_endpoint_on_public_ip_warns(tmp_path, base_url, shown):
    settings = load_settings(env={}, path=write(tmp_path, entry("rz", base_url)))
    assert settings.endpoint("rz").classification is Classification.LOCAL
    assert settings.errors == []
    assert [p.key for p in settings.warnings] == ['endpoints (id = "rz").base_url']
    assert shown in settings.warnings[0].message and "öffentliche IP-Adresse" in settings.warnings[0].message


@pytest.mark.parametrize(
    "base_url", ["http://10.20.30.40:11434", "http://[fd00::5]:11434", "http://ki-server.intern"]
)
def test_local_endpoint_in_own_network_is_quiet(tmp_path, base_url):
    settings = load_settings(env={}, path=write(tmp_path, entry("gpu", base_url, kind="ollama")))
    assert settings.problems == []
    assert settings.endpoint("gpu").classification is Classification.LOCAL


@pytest.mark.parametrize(
    ("ollama_host", "classification", "severity"),
    [
        ("https://api.openai.com", Classification.PUBLIC, "error"),
        ("https://api.mistral.ai", Classification.PUBLIC, "error"),
        ("8.8.8.8:11434", Classification.LOCAL, "warning"),
        ("http://[2001:4860:4860::8888]:11434", Classification.LOCAL, "warning"),
        ("http://192.168.1.50:11434", Classification.LOCAL, None),
        ("gpu-server:11434", Classification.LOCAL, None),
    ],
)
def test_environment_alone_is_checked_too(tmp_path, monkeypatch, ollama_host, classification, severity):
    monkeypatch.chdir(tmp_path)  # no workbench.toml anywhere
    settings = load_settings(env={"OLLAMA_HOST": ollama_host})
    assert settings.config_path is None
    assert settings.endpoint("ollama").classification is classification
    if severity is None:
        assert settings.problems == []
        return
    assert [(p.file, p.severity) for p in settings.problems] == [("Umgebungsvariable OLLAMA_HOST", severity)]
    assert settings.endpoint("ollama").host in settings.problems[0].message
    assert "OLLAMA_HOST" in settings.problems[0].message  # how to fix it


def test_file_override_of_the_local_builtin_is_checked(tmp_path):
    path = write(tmp_path, '[[endpoints]]\nid = "ollama"\nbase_url = "https://api.groq.com/openai/v1"\n')
    settings = load_settings(env={"OLLAMA_HOST": "http://10.0.0.2:11434"}, path=path)
    assert settings.endpoint("ollama").classification is Classification.PUBLIC
    assert [p.key for p in settings.errors] == ['endpoints (id = "ollama").base_url']
    assert "Groq" in settings.errors[0].message


# --- entries that are invalid, defined twice, or carry unknown keys ----------------------------------


@pytest.mark.parametrize(
    ("body", "endpoint_id"),
    [
        ('[[endpoints]]\nid = "openai"\nenabled = "false"\n', "openai"),
        ('[[endpoints]]\nid = "openai"\nenabled = "nein"\nmodel = "gpt-4o"\n', "openai"),
        ('[[endpoints]]\nid = "ollama"\nclassification = "öffentlich"\n', "ollama"),
        ('[[endpoints]]\nid = "ollama"\ntimeout = "lang"\n', "ollama"),
    ],
)
def test_invalid_entry_switches_a_builtin_off(tmp_path, body, endpoint_id):
    settings = load_settings(env={}, path=write(tmp_path, body))
    assert settings.endpoint(endpoint_id) is None
    assert any("bleibt abgeschaltet" in p.message for p in settings.errors)


OFF = None

DUPLICATES = [
    # (id, entries, base_url of the endpoint afterwards or OFF, whether the public rule switched it off)
    (
        "openai",
        ['[[endpoints]]\nid = "openai"\nenabled = false\n', '[[endpoints]]\nid = "openai"\nmodel = "x"\n'],
        OFF,
        True,
    ),
    (
        "openai",
        ['[[endpoints]]\nid = "openai"\nmodel = "x"\n', '[[endpoints]]\nid = "openai"\nenabled = false\n'],
        OFF,
        True,
    ),
    (
        "rz",
        [entry("rz", "http://10.0.0.1/v1"), entry("rz", "https://rz.example/v1", "oeffentlich")],
        OFF,
        True,
    ),
    ("rz", [entry("rz", "http://10.0.0.1/v1"), entry("rz", "https://api.openai.com/v1")], OFF, True),
    ("rz", [entry("rz", "http://10.0.0.1/v1"), '[[endpoints]]\nid = "rz"\nkind = "azure"\n'], OFF, True),
    (
        "rz",
        [entry("rz", "http://10.0.0.1/v1"), entry("rz", "http://10.0.0.2/v1")],
        "http://10.0.0.1/v1",
        False,
    ),
    ("rz", ['[[endpoints]]\nid = "rz"\nenabled = false\n', entry("rz", "http://10.0.0.2/v1")], OFF, False),
    (
        "ollama",
        ['[[endpoints]]\nid = "ollama"\nmodel = "a"\n', '[[endpoints]]\nid = "ollama"\nmodel = "b"\n'],
        "http://127.0.0.1:11434",
        False,
    ),
]


@pytest.mark.parametrize(("endpoint_id", "entries", "expected", "switched_off"), DUPLICATES)
def test_duplicate_id_first_wins_unless_public(tmp_path, endpoint_id, entries, expected, switched_off):
    text = "\n".join(entries)
    settings = load_settings(env={}, path=write(tmp_path, text))
    endpoint = settings.endpoint(endpoint_id)
    assert (endpoint.base_url if endpoint else OFF) == expected
    if endpoint_id == "ollama":
        assert endpoint.default_model == "a"  # the first definition, not the second
    duplicate = [p for p in settings.errors if "mehrfach definiert" in p.message]
    assert len(duplicate) == 1
    assert duplicate[0].key == f'endpoints (id = "{endpoint_id}")'
    assert f"„{endpoint_id}“" in duplicate[0].message
    second_line = text.split("\n").index("[[endpoints]]", 1) + 1
    assert (
        f"Nr. 1 (Zeile 1) und im Abschnitt [[endpoints]] Nr. 2 (Zeile {second_line})" in duplicate[0].message
    )
    assert ("bleibt „" in duplicate[0].message and "abgeschaltet" in duplicate[0].message) is switched_off
    assert ("Es gilt nur der erste Eintrag" in duplicate[0].message) is not switched_off


def test_duplicate_id_names_every_position(tmp_path):
    text = "\n".join(entry("rz", f"http://10.0.0.{i}/v1") for i in (1, 2, 3))
    settings = load_settings(env={}, path=write(tmp_path, text))
    (problem,) = settings.errors
    assert "Zeile 1" in problem.message and "Zeile 9" in problem.message and "Zeile 17" in problem.message
    assert settings.endpoint("rz").base_url == "http://10.0.0.1/v1"


UNKNOWN_KEYS = [
    # (file content, problem key, where, suggestion or None)
    ('stor_texts = "never"\n', "stor_texts", "auf oberster Ebene", "Meinten Sie „store_texts“?"),
    ("max_upload = 10\n", "max_upload", "auf oberster Ebene", "Meinten Sie „max_upload_mb“?"),
    ('farbe = "blau"\n', "farbe", "auf oberster Ebene", None),
    (
        '[organisation]\nnmae = "Stadt"\n',
        "organisation.nmae",
        "im Abschnitt [organisation]",
        "Meinten Sie „name“?",
    ),
    ('[privacy]\npolcy = "warn"\n', "privacy.polcy", "im Abschnitt [privacy]", "Meinten Sie „policy“?"),
    (
        "[privacy]\nallow_overide = true\n",
        "privacy.allow_overide",
        "im Abschnitt [privacy]",
        "Meinten Sie „allow_override“?",
    ),
    (
        '[[endpoints]]\nid = "ollama"\nclasification = "lokal"\n',
        'endpoints[1] (id = "ollama").clasification',
        "im Abschnitt [[endpoints]] Nr. 1 (Zeile 1)",
        "Meinten Sie „classification“?",
    ),
    (
        '[[endpoints]]\nid = "ollama"\nClassification = "lokal"\n',
        'endpoints[1] (id = "ollama").Classification',
        "im Abschnitt [[endpoints]] Nr. 1",
        "Meinten Sie „classification“?",
    ),
    (
        '[organisation]\nname = "Stadt"\nstore_texts = "never"\n',
        "organisation.store_texts",
        "im Abschnitt [organisation]",
        "gehört auf die oberste Ebene",  # a top-level key written below a section
    ),
]


@pytest.mark.parametrize(("body", "key", "where", "suggestion"), UNKNOWN_KEYS)
def test_unknown_keys_name_file_section_key_and_a_close_match(tmp_path, body, key, where, suggestion):
    path = write(tmp_path, body)
    settings = load_settings(env={}, path=path)
    assert settings.errors == []
    (problem,) = settings.warnings
    assert problem.key == key
    assert str(path) in str(problem) and where in problem.message and "ignoriert" in problem.message
    if suggestion:
        assert suggestion in problem.message
    else:
        assert "Meinten Sie" not in problem.message
    assert [e.id for e in settings.endpoints] == ["ollama", "openai"]


@pytest.mark.parametrize("typo", ["enable = false", "enabeld = false", 'notiz = "bitte abschalten"'])
def test_unknown_key_on_a_public_endpoint_locks_it(tmp_path, typo):
    settings = load_settings(env={}, path=write(tmp_path, f'[[endpoints]]\nid = "openai"\n{typo}\n'))
    assert settings.endpoint("openai") is None
    assert settings.endpoint("ollama") is not None
    assert [p.key for p in settings.errors] == ['endpoints (id = "openai")']
    assert "enabled = false" in settings.errors[0].message


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
