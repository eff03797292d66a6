"""Typed settings from the environment and an optional ``workbench.toml``.

Zero configuration works: a local Ollama (``OLLAMA_HOST``) and the public OpenAI API (available once
``OPENAI_API_KEY`` is set). ``workbench.toml`` (path from ``WORKBENCH_CONFIG``, else the working
directory) adds endpoints such as the data centre's gateway, overrides the built-in ones and sets the
organisation's notice wording. Loading never raises: problems are collected as German messages that
name the file and the key. Nothing is read at import time, and API keys are only ever read from the
environment when a request is made.

The configuration fails closed: nothing the workbench cannot read with certainty may make a public
service usable, or let a public service pass for a local one.

- The file exists but cannot be read or parsed, or ``WORKBENCH_CONFIG`` names a missing file: none of
  it applies, and every endpoint classified ``oeffentlich`` is locked until the file is fixed (the
  broken part may be the ``enabled = false`` that switched the public API off). Local endpoints keep
  working; the run log keeps no texts meanwhile.
- The same lock applies when the file holds endpoint definitions that cannot be matched to an
  endpoint: ``[endpoints]`` instead of ``[[endpoints]]``, an entry without a valid id, an unknown
  top-level key that looks like one (``[[endpoint]]``).
- An ``[[endpoints]]`` entry with an invalid value switches its endpoint off, a built-in one too,
  instead of leaving the previous definition in force.
- An id defined twice: the first definition applies and the others are ignored, unless any of them is
  invalid or would make a public endpoint usable; then that endpoint stays off until one remains. The
  file is ambiguous exactly where a mistake is expensive, and "off" is the only reading that cannot be
  the wrong one.
- Unknown keys are reported with a close-match suggestion and ignored; on an endpoint that ends up
  public they switch it off, since the misspelt key may be the ``enabled = false`` meant for it.
- Every ``lokal`` endpoint's host is checked, whether its address comes from the file or from the
  environment. On a host of a large hosted-model provider (``PUBLIC_PROVIDER_DOMAINS``, matched by
  domain suffix) the classification is not trusted: the endpoint is treated as ``oeffentlich`` and
  no setting overrides that, because no such host is own infrastructure and Schutzstufe-2 data must
  not leave; an organisation that reaches a provider through its own gateway enters the gateway's
  address. A public IP literal only warns: data centres run their own servers on public address
  space, and refusing those would break legitimate setups. Names are never resolved.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
DEFAULT_OLLAMA_MODEL = "llama3.2"
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_CONFIG_NAME = "workbench.toml"
PRIVACY_POLICIES = ("block", "pseudonymize", "warn")


class Classification(StrEnum):
    """Where an endpoint runs, as the organisation has classified it."""

    LOCAL = "lokal"  # own infrastructure or approved service: allowed at Schutzstufe 2
    PUBLIC = "oeffentlich"  # public service: Schutzstufe 1 only

    @property
    def german(self) -> str:
        return "lokal" if self is Classification.LOCAL else "öffentlicher Dienst"


# Long enough for every built-in exercise's answer; a looping small model stops after a minute or so.
DEFAULT_MAX_TOKENS = 2048


class Kind(StrEnum):
    OLLAMA = "ollama"
    OPENAI = "openai"


@dataclass(frozen=True)
class Endpoint:
    """A model service the workbench may talk to. Holds the *name* of the key variable, never a key."""

    id: str
    label: str
    kind: Kind
    base_url: str
    default_model: str
    classification: Classification
    api_key_env: str | None = None
    requires_key: bool = False
    timeout: float = 120.0
    connect_timeout: float = 5.0
    builtin: bool = False
    # How to ask for JSON: "auto" tries json_schema, then json_object with the schema, then the
    # instruction alone, and remembers what the server accepted; or one of those fixed.
    structured_output: str = "auto"
    # Tool calling: "auto" tries it and falls back to the guided mode if the server refuses; "off";
    # "on" (tools = true) also makes the agent ask for each step's own tool first (`tool_choice`).
    tools: str = "auto"
    # The longest answer in tokens (OpenAI max_tokens, Ollama num_predict): a runaway model stops here.
    max_tokens: int = DEFAULT_MAX_TOKENS

    @property
    def is_local(self) -> bool:
        return self.classification is Classification.LOCAL

    @property
    def host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()


STRUCTURED_OUTPUT_MODES = ("auto", "json_schema", "json_object", "prompt")


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in the configuration, phrased for the person who maintains the file."""

    file: str
    key: str
    message: str
    severity: str = "error"  # "error" | "warning"
    locks_public: bool = False  # the file cannot be used, so every public endpoint is locked

    def __str__(self) -> str:
        where = f"{self.file}, Schlüssel `{self.key}`" if self.key else self.file
        return f"{where}: {self.message}"


ROLE_NAMES = ("trainer", "datenschutz", "admin")


@dataclass(frozen=True)
class Roles:
    """Who holds which role when people sign in: a token claim, and/or lists in workbench.toml [roles]."""

    claim: str = "roles"  # the ID token / userinfo claim that lists a person's roles
    # role -> e-mail addresses or subject ids (lower case)
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Settings:
    endpoints: tuple[Endpoint, ...]
    organisation: str = ""
    notice_text: str = ""
    config_path: Path | None = None
    # What happens when personal data meets Schutzstufe 1 and a public endpoint (see workbench.policy).
    privacy_policy: str = "block"
    allow_override: bool = False
    usecases_dir: Path | None = None  # trainers' own use-case files
    max_upload_mb: float = 20.0  # largest table a person may upload
    store_texts: str = (
        "stufe1"  # run log: keep prompt/answer texts "never", only at Schutzstufe 1, or "always"
    )
    # Where the run log, ratings and workshops live: a SQLAlchemy URL (PostgreSQL for several instances);
    # None: the SQLite file in WORKBENCH_DATA_DIR. WORKBENCH_DATABASE_URL takes precedence.
    database_url: str | None = field(default=None, repr=False)
    retention_days: int | None = None  # run-log rows, stored texts and ratings older than this are deleted
    roles: Roles = field(default_factory=lambda: Roles())
    problems: list[ConfigProblem] = field(default_factory=list)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[ConfigProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ConfigProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.id == endpoint_id), None)

    def api_key(self, endpoint: Endpoint) -> str | None:
        if not endpoint.api_key_env:
            return None
        return self.env.get(endpoint.api_key_env) or None

    def missing_key_reason(self, endpoint: Endpoint) -> str | None:
        """German reason why the endpoint cannot be used for lack of a key, or None."""
        if endpoint.requires_key and not self.api_key(endpoint):
            return (
                f"Kein API-Schlüssel: Setzen Sie die Umgebungsvariable {endpoint.api_key_env} "
                "und starten Sie die Werkbank neu."
            )
        return None


# Domains of large hosted-model providers, matched as a domain suffix (case-insensitive, a trailing
# dot ignored). No host under them is anybody's own infrastructure, so a "lokal" classification there
# is not trusted: the endpoint is treated as "oeffentlich" (see the module docstring).
PUBLIC_PROVIDER_DOMAINS: tuple[tuple[str, str], ...] = (
    ("openai.com", "OpenAI"),
    ("openai.azure.com", "Azure OpenAI"),
    ("cognitiveservices.azure.com", "Azure AI Services"),
    ("services.ai.azure.com", "Azure AI Foundry"),
    ("models.ai.azure.com", "Azure AI Foundry"),
    ("inference.ai.azure.com", "Azure AI Foundry"),
    ("anthropic.com", "Anthropic"),
    ("generativelanguage.googleapis.com", "Google (Gemini API)"),
    ("aiplatform.googleapis.com", "Google (Vertex AI)"),
    ("mistral.ai", "Mistral AI"),
    ("groq.com", "Groq"),
    ("together.xyz", "Together AI"),
    ("together.ai", "Together AI"),
    ("fireworks.ai", "Fireworks AI"),
    ("openrouter.ai", "OpenRouter"),
    ("deepseek.com", "DeepSeek"),
    ("perplexity.ai", "Perplexity"),
    ("cohere.ai", "Cohere"),
    ("cohere.com", "Cohere"),
    ("huggingface.co", "Hugging Face"),
    ("huggingface.cloud", "Hugging Face"),
    ("x.ai", "xAI"),
    ("deepinfra.com", "DeepInfra"),
    ("ollama.com", "Ollama (Cloud)"),
)

TOP_LEVEL_KEYS = (
    "organisation",
    "privacy",
    "store_texts",
    "max_upload_mb",
    "usecases_dir",
    "database_url",
    "retention_days",
    "roles",
    "endpoints",
)
ORGANISATION_KEYS = ("name", "notice")
PRIVACY_KEYS = ("policy", "allow_override")
ENDPOINT_KEYS = (
    "id",
    "label",
    "kind",
    "base_url",
    "model",
    "api_key_env",
    "classification",
    "timeout",
    "enabled",
    "structured_output",
    "tools",
    "max_tokens",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The forms inet_aton accepts besides dotted quads ("134744072", "0x8.0x8.0x8.0x8"): most clients
# resolve them to an IPv4 address, so they count as IP literals too.
_LEGACY_IPV4_RE = re.compile(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}")
_TOML_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_ENDPOINTS_HEADER_RE = re.compile(r"^[ \t]*\[\[[ \t]*endpoints[ \t]*\]\]", re.MULTILINE)
_PUBLIC_LOCKED = "Öffentliche KI-Dienste bleiben gesperrt, bis die Datei korrigiert ist"


def _normalize_host(host: str) -> str:
    return host.strip().strip("[]").lower().rstrip(".")


def public_provider(host: str) -> str | None:
    """The large hosted-model provider behind `host` (e.g. "OpenAI"), or None."""
    host = _normalize_host(host)
    if not host:
        return None
    for domain, provider in PUBLIC_PROVIDER_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return provider
    if host.endswith("-aiplatform.googleapis.com"):  # regional: europe-west3-aiplatform.googleapis.com
        return "Google (Vertex AI)"
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn")) and any(
        label.startswith("bedrock") for label in host.split(".")
    ):  # bedrock-runtime.eu-central-1.amazonaws.com and its FIPS and VPC variants
        return "Amazon Bedrock"
    return None


def is_public_api_host(host: str) -> bool:
    return public_provider(host) is not None


def public_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address if `host` is an IP literal on the public internet, else None. Names are not resolved."""
    host = _normalize_host(host)
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _LEGACY_IPV4_RE.fullmatch(host):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # is_global follows IANA's special-purpose registries: private, loopback, link-local, reserved,
    # shared (100.64.0.0/10) and documentation ranges are not global.
    return address if address.is_global and not address.is_multicast else None


def normalize_ollama_host(value: str | None) -> str:
    """Turn the forms OLLAMA_HOST takes (``0.0.0.0``, ``host:port``, full URL) into a base URL."""
    value = (value or "").strip()
    if not value:
        return DEFAULT_OLLAMA_HOST
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or (443 if parts.scheme == "https" else 11434)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{host}:{port}{path}"


def builtin_endpoints(env: Mapping[str, str]) -> list[Endpoint]:
    return [
        Endpoint(
            id="ollama",
            label="Lokales Ollama",
            kind=Kind.OLLAMA,
            base_url=normalize_ollama_host(env.get("OLLAMA_HOST")),
            default_model=env.get("OLLAMA_MODEL") or DEFAULT_OLLAMA_MODEL,
            classification=Classification.LOCAL,
            timeout=300.0,  # a local model may need minutes to load before the first token
            builtin=True,
        ),
        Endpoint(
            id="openai",
            label="OpenAI (öffentliche API)",
            kind=Kind.OPENAI,
            base_url=(env.get("OPENAI_BASE_URL") or DEFAULT_OPENAI_BASE_URL).rstrip("/"),
            default_model=env.get("OPENAI_MODEL") or DEFAULT_OPENAI_MODEL,
            classification=Classification.PUBLIC,
            api_key_env="OPENAI_API_KEY",
            requires_key=True,
            builtin=True,
        ),
    ]


def config_path_from_env(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file to read and whether it was named explicitly (then it must exist)."""
    explicit = env.get("WORKBENCH_CONFIG")
    if explicit:
        return Path(explicit).expanduser(), True
    return Path.cwd() / DEFAULT_CONFIG_NAME, False


@dataclass(frozen=True)
class _Origin:
    """Where an endpoint's address was set: named in the problems of the host checks."""

    file: str
    key: str
    env_var: str = ""  # set when the address came from the environment


def load_settings(env: Mapping[str, str] | None = None, path: Path | str | None = None) -> Settings:
    """Read settings; never raises. Problems end up in ``Settings.problems``."""
    env = dict(os.environ if env is None else env)
    explicit = path is not None
    if path is None:
        path, explicit = config_path_from_env(env)
    path = Path(path)
    settings = Settings(endpoints=tuple(builtin_endpoints(env)), env=env)
    origins = {
        endpoint_id: _Origin(f"Umgebungsvariable {name}", "", name)
        for endpoint_id, name in (("ollama", "OLLAMA_HOST"), ("openai", "OPENAI_BASE_URL"))
        if env.get(name)
    }

    try:
        exists = path.exists()
    except OSError:  # e.g. no permission on the folder: a file may be there, unreadable
        exists = True
    unusable: _Unusable | None = None
    unattributable = False
    if exists:
        settings.config_path = path
        read = _read_config(path)
        if isinstance(read, _Unusable):
            unusable = read
        else:
            unattributable = _apply_file(settings, *read, str(path), origins)
    elif explicit:
        unusable = _Unusable(
            "Die in WORKBENCH_CONFIG genannte Konfigurationsdatei wurde nicht gefunden.",
            "Prüfen Sie den Pfad in WORKBENCH_CONFIG, oder entfernen Sie die Variable, wenn keine Datei "
            "gelten soll.",
        )

    _check_hosts(settings, origins)  # before the lock: a host check may turn an endpoint public
    if unusable is not None:
        settings.store_texts = "never"  # the file may have said so; keeping no texts is the safe side
        _lock_public(
            settings,
            str(path),
            unusable.reason,
            unusable.fix,
            " Bis dahin gilt keine Einstellung aus der Datei, und Anfragetexte werden nicht protokolliert.",
        )
    elif unattributable:
        _lock_public(
            settings,
            str(path),
            "Die Datei enthält Angaben zu KI-Diensten, die sich keinem Dienst zuordnen lassen (siehe die "
            "weiteren Meldungen zu dieser Datei). Sie könnten einen öffentlichen Dienst abschalten sollen.",
            "Schreiben Sie jeden KI-Dienst als eigenen Abschnitt [[endpoints]] mit einer gültigen id, wie in "
            "workbench.example.toml.",
        )
    return settings


class _Unusable(NamedTuple):
    """Why the config file cannot be used at all, and how to fix it (German)."""

    reason: str
    fix: str


def _read_config(path: Path) -> tuple[dict[str, Any], str] | _Unusable:
    """The parsed file and its text, or why it cannot be used."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _Unusable(
            f"Die Datei kann nicht gelesen werden ({exc.strerror or type(exc).__name__}).",
            "Prüfen Sie, ob es eine Datei (kein Ordner) ist und ob die Werkbank sie lesen darf.",
        )
    try:
        text = raw.decode("utf-8-sig")  # Windows editors like to start a file with a byte order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _Unusable(
            f"Die Datei ist nicht UTF-8-kodiert (erstes unlesbares Zeichen in Zeile {line}).",
            "Speichern Sie die Datei in Ihrem Editor mit der Kodierung UTF-8.",
        )
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION_RE.search(message)
        detail = message[: match.start()] if match else message
        if match and match.group(1):
            where = f"Fehler in Zeile {match.group(1)}, Spalte {match.group(2)}"
        elif match:
            where = "Fehler am Ende der Datei (oft fehlt eine schließende Klammer oder ein Anführungszeichen)"
        else:
            where = "Fehler an unbekannter Stelle"
        return _Unusable(
            f"Die Datei ist kein gültiges TOML, {where} (technische Meldung: „{detail}“).",
            "Öffnen Sie die Datei und prüfen Sie die genannte Stelle – häufig fehlen Anführungszeichen "
            "um einen Text, oder zwei Schlüssel stehen in derselben Zeile (jeder Schlüssel braucht eine "
            "eigene Zeile). Vergleichen Sie mit workbench.example.toml; die Korrektur gilt beim nächsten "
            "Neuladen der Seite.",
        )


def _lock_public(settings: Settings, file: str, reason: str, fix: str, consequence: str = "") -> None:
    locked = [e for e in settings.endpoints if not e.is_local]
    settings.endpoints = tuple(e for e in settings.endpoints if e.is_local)
    names = f" (betrifft {', '.join(f'„{e.label}“' for e in locked)})" if locked else ""
    message = (
        f"{reason} {_PUBLIC_LOCKED}{names}; lokale KI-Dienste können Sie weiter nutzen.{consequence} "
        f"So beheben Sie es: {fix}"
    )
    settings.problems.insert(0, ConfigProblem(file, "", message, locks_public=True))


def _treated_as_public(endpoint: Endpoint) -> bool:
    return not endpoint.is_local or public_provider(endpoint.host) is not None


def _check_hosts(settings: Settings, origins: Mapping[str, _Origin]) -> None:
    """A "lokal" endpoint must not point at the public internet, wherever its address was set."""
    checked = []
    for endpoint in settings.endpoints:
        if endpoint.is_local:
            origin = origins.get(endpoint.id, _Origin("Voreinstellung", ""))
            host = _normalize_host(endpoint.host)
            if origin.env_var:
                fix = f"Tragen Sie in {origin.env_var} die Adresse eines Servers im eigenen Netz ein"
            else:
                fix = 'Tragen Sie im Eintrag classification = "oeffentlich" ein'
            provider = public_provider(host)
            address = public_ip(host)
            if provider is not None:
                settings.problems.append(
                    ConfigProblem(
                        origin.file,
                        origin.key,
                        f"„{endpoint.label}“ ist als „lokal“ eingestuft, die Adresse {host} gehört aber zu "
                        f"{provider}, einem öffentlichen KI-Dienst. Daten der Schutzstufe 2 würden die "
                        "Organisation verlassen. Die Werkbank behandelt den Dienst deshalb als öffentlich "
                        "(nur Schutzstufe 1); diese Einstufung lässt sich nicht überschreiben. "
                        f"{fix}. Für Schutzstufe 2 nutzen Sie einen Dienst auf eigener Infrastruktur, etwa "
                        "das KI-Gateway Ihres Rechenzentrums.",
                    )
                )
                endpoint = replace(endpoint, classification=Classification.PUBLIC)
            elif address is not None:
                settings.problems.append(
                    ConfigProblem(
                        origin.file,
                        origin.key,
                        f"„{endpoint.label}“ ist als „lokal“ eingestuft, {address} ist aber eine öffentliche "
                        "IP-Adresse im Internet. Daten der Schutzstufe 2 bleiben nur dann in der "
                        "Organisation, wenn dieser Server ihr gehört oder ausdrücklich freigegeben ist. "
                        f"Bitte prüfen Sie das. Wenn nicht: {fix}.",
                        severity="warning",
                    )
                )
        checked.append(endpoint)
    settings.endpoints = tuple(checked)


def _unknown_keys(
    table: Mapping[str, Any],
    allowed: tuple[str, ...],
    file: str,
    where: str,
    key_prefix: str,
    problems: list[ConfigProblem],
) -> list[str]:
    """Report keys not in `allowed` with a close-match suggestion; returns them.

    `where` is German ("im Abschnitt [privacy]"); an empty `key_prefix` means the top level.
    """
    unknown = [key for key in table if key not in allowed]
    for key in unknown:
        message = f"Unbekannter Schlüssel „{key}“ {where}, er wird ignoriert."
        close = difflib.get_close_matches(key.lower(), allowed, n=1)
        if key_prefix and key in TOP_LEVEL_KEYS:
            # In TOML a key belongs to the last [section] above it.
            message += (
                f" „{key}“ gehört auf die oberste Ebene: Schreiben Sie es vor den ersten Abschnitt in "
                "eckigen Klammern."
            )
        elif close:
            message += f" Meinten Sie „{close[0]}“?"
        message += " Erlaubt sind: " + ", ".join(allowed) + "."
        problems.append(ConfigProblem(file, f"{key_prefix}{key}", message, severity="warning"))
    return unknown


def _looks_like_endpoints(key: str, value: object) -> bool:
    """An unknown top-level key that may hold endpoint definitions (``[[endpoint]]``, ``[dienste]``)."""
    if difflib.get_close_matches(key.lower(), ["endpoints"], n=1):
        return True
    tables = value if isinstance(value, list) else [value]
    return any(isinstance(t, dict) and ("id" in t or "enabled" in t) for t in tables)


def _apply_file(
    settings: Settings, data: dict[str, Any], text: str, file: str, origins: dict[str, _Origin]
) -> bool:
    """Apply the parsed file. True when it holds endpoint definitions no endpoint can be matched to."""
    problems = settings.problems
    unattributable = False  # endpoint definitions that no endpoint can be matched to

    for key in _unknown_keys(data, TOP_LEVEL_KEYS, file, "auf oberster Ebene der Datei", "", problems):
        unattributable = unattributable or _looks_like_endpoints(key, data[key])

    org = data.get("organisation", {})
    if not isinstance(org, dict):
        problems.append(ConfigProblem(file, "organisation", "Erwartet wird eine Tabelle [organisation]."))
        org = {}
    _unknown_keys(org, ORGANISATION_KEYS, file, "im Abschnitt [organisation]", "organisation.", problems)
    for key in ORGANISATION_KEYS:
        value = org.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(
                ConfigProblem(file, f"organisation.{key}", "Erwartet wird ein Text in Anführungszeichen.")
            )
    settings.organisation = org.get("name", "") if isinstance(org.get("name"), str) else ""
    settings.notice_text = org.get("notice", "") if isinstance(org.get("notice"), str) else ""

    _apply_privacy(settings, data.get("privacy", {}), file)
    store_texts = data.get("store_texts")
    if store_texts is not None:
        if store_texts not in ("never", "stufe1", "always"):
            problems.append(
                ConfigProblem(
                    file,
                    "store_texts",
                    f'Wert „{store_texts}“ ist ungültig. Erwartet wird "never", "stufe1" (Standard) oder "always".',
                )
            )
        else:
            settings.store_texts = store_texts
    max_mb = data.get("max_upload_mb")
    if max_mb is not None:
        if isinstance(max_mb, bool) or not isinstance(max_mb, int | float) or not 0 < max_mb <= 200:
            problems.append(
                ConfigProblem(
                    file, "max_upload_mb", "Erwartet wird eine Zahl in Megabyte zwischen 1 und 200, z. B. 20."
                )
            )
        else:
            settings.max_upload_mb = float(max_mb)
    usecases_dir = data.get("usecases_dir")
    if usecases_dir is not None:
        if not isinstance(usecases_dir, str) or not usecases_dir.strip():
            problems.append(
                ConfigProblem(
                    file,
                    "usecases_dir",
                    'Erwartet wird ein Ordnerpfad, z. B. usecases_dir = "anwendungsfaelle".',
                )
            )
        else:
            folder = Path(usecases_dir).expanduser()
            # relative paths count from the config file, so the folder can live beside it
            settings.usecases_dir = folder if folder.is_absolute() else Path(file).parent / folder

    _apply_deployment(settings, data, file)
    raw_endpoints = data.get("endpoints", [])
    if not isinstance(raw_endpoints, list):
        problems.append(
            ConfigProblem(
                file,
                "endpoints",
                "Erwartet wird eine Liste von Tabellen: Schreiben Sie jeden KI-Dienst als eigenen Abschnitt "
                "[[endpoints]] mit doppelten eckigen Klammern.",
            )
        )
        raw_endpoints = []
        unattributable = True
    return _apply_endpoints(settings, raw_endpoints, text, file, origins) or unattributable


def _apply_deployment(settings: Settings, data: Mapping[str, Any], file: str) -> None:
    """database_url, retention_days and [roles]: how an organisation runs the workbench."""
    problems = settings.problems
    url = data.get("database_url")
    if url is not None:
        if not isinstance(url, str) or not url.strip():
            problems.append(
                ConfigProblem(
                    file,
                    "database_url",
                    'Erwartet wird eine Datenbankadresse, z. B. database_url = "postgresql://werkbank@db.intern/werkbank".',
                )
            )
        else:
            settings.database_url = url.strip()
    days = data.get("retention_days")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
            problems.append(
                ConfigProblem(
                    file,
                    "retention_days",
                    "Erwartet wird eine ganze Zahl von Tagen zwischen 1 und 3650, z. B. retention_days = 90.",
                )
            )
        else:
            settings.retention_days = days
    roles = data.get("roles")
    if roles is None:
        return
    if not isinstance(roles, dict):
        problems.append(ConfigProblem(file, "roles", "Erwartet wird eine Tabelle [roles]."))
        return
    _unknown_keys(roles, ("claim", *ROLE_NAMES), file, "im Abschnitt [roles]", "roles.", problems)
    claim = roles.get("claim", "roles")
    if not isinstance(claim, str) or not claim.strip():
        problems.append(
            ConfigProblem(file, "roles.claim", 'Erwartet wird ein Claim-Name, z. B. claim = "roles".')
        )
        claim = "roles"
    members: dict[str, frozenset[str]] = {}
    for role in ROLE_NAMES:
        listed = roles.get(role, [])
        if not isinstance(listed, list) or not all(isinstance(entry, str) for entry in listed):
            problems.append(
                ConfigProblem(
                    file,
                    f"roles.{role}",
                    f'Erwartet wird eine Liste von E-Mail-Adressen, z. B. {role} = ["name@kommune.de"].',
                )
            )
            continue
        members[role] = frozenset(entry.strip().lower() for entry in listed if entry.strip())
    settings.roles = Roles(claim=claim.strip(), members=members)


@dataclass
class _Entry:
    """One [[endpoints]] table as written, before it is applied."""

    endpoint_id: str
    position: str  # German, e.g. "Abschnitt [[endpoints]] Nr. 2 (Zeile 14)"
    endpoint: Endpoint | None  # None: switched off with enabled = false, or invalid
    valid: bool
    unknown: list[str]
    sets_base_url: bool


def _apply_endpoints(
    settings: Settings, raw_endpoints: list[Any], text: str, file: str, origins: dict[str, _Origin]
) -> bool:
    """Apply the [[endpoints]] tables. True when one of them cannot be matched to an endpoint."""
    problems = settings.problems
    unattributable = False
    lines = [text.count("\n", 0, m.start()) + 1 for m in _ENDPOINTS_HEADER_RE.finditer(text)]
    if len(lines) != len(raw_endpoints):  # e.g. written inline as endpoints = [{...}]: no reliable line
        lines = []
    builtins = {e.id: e for e in settings.endpoints}
    entries: dict[str, list[_Entry]] = {}
    for index, raw in enumerate(raw_endpoints, start=1):
        position = f"Abschnitt [[endpoints]] Nr. {index}" + (f" (Zeile {lines[index - 1]})" if lines else "")
        if not isinstance(raw, dict):
            problems.append(
                ConfigProblem(file, f"endpoints[{index}]", "Erwartet wird eine Tabelle [[endpoints]].")
            )
            unattributable = True
            continue
        entry = _parse_endpoint(raw, index, position, file, builtins, problems)
        if entry is None:
            unattributable = True
        else:
            entries.setdefault(entry.endpoint_id, []).append(entry)

    endpoints = dict(builtins)
    order = list(builtins)
    for endpoint_id, defined in entries.items():
        first = defined[0]
        key = f'endpoints (id = "{endpoint_id}")'
        if len(defined) > 1:
            where = " und ".join(f"im {e.position}" for e in defined)
            risky = any(
                not e.valid or (e.endpoint is not None and _treated_as_public(e.endpoint)) for e in defined
            )
            if risky:
                problems.append(
                    ConfigProblem(
                        file,
                        key,
                        f"Die Kennung „{endpoint_id}“ ist mehrfach definiert: {where}. Weil eine der "
                        "Definitionen fehlerhaft ist oder einen öffentlichen Dienst nutzbar machen würde, "
                        f"bleibt „{endpoint_id}“ abgeschaltet, bis es nur noch einen Eintrag mit dieser "
                        "Kennung gibt. Löschen Sie die überzähligen Einträge oder geben Sie ihnen eine "
                        "eigene id.",
                    )
                )
                endpoints.pop(endpoint_id, None)
                continue
            problems.append(
                ConfigProblem(
                    file,
                    key,
                    f"Die Kennung „{endpoint_id}“ ist mehrfach definiert: {where}. Es gilt nur der erste "
                    "Eintrag, die weiteren werden ignoriert. Löschen Sie die überzähligen Einträge oder "
                    "geben Sie ihnen eine eigene id.",
                )
            )
        if not first.valid:
            # Keeping the previous definition could keep alive what the entry meant to restrict.
            if endpoint_id in builtins:
                problems.append(
                    ConfigProblem(
                        file,
                        key,
                        f"Der eingebaute Dienst „{builtins[endpoint_id].label}“ bleibt abgeschaltet, bis "
                        f"sein {first.position} korrigiert ist.",
                    )
                )
            endpoints.pop(endpoint_id, None)
            continue
        if first.endpoint is None:
            endpoints.pop(endpoint_id, None)
            continue
        if first.unknown and _treated_as_public(first.endpoint):
            problems.append(
                ConfigProblem(
                    file,
                    key,
                    f"„{first.endpoint.label}“ ist ein öffentlicher Dienst, und sein {first.position} "
                    f"enthält unbekannte Schlüssel ({', '.join(first.unknown)}). "
                    "Vielleicht sollte einer davon den Dienst abschalten (richtig wäre enabled = false). "
                    f"Bis der Eintrag korrigiert ist, bleibt „{first.endpoint.label}“ gesperrt.",
                )
            )
            endpoints.pop(endpoint_id, None)
            continue
        endpoints[endpoint_id] = first.endpoint
        if endpoint_id not in order:
            order.append(endpoint_id)
        if first.sets_base_url:
            origins[endpoint_id] = _Origin(file, f"{key}.base_url")

    settings.endpoints = tuple(endpoints[i] for i in order if i in endpoints)
    return unattributable


def _apply_privacy(settings: Settings, privacy: object, file: str) -> None:
    problems = settings.problems
    if not isinstance(privacy, dict):
        problems.append(ConfigProblem(file, "privacy", "Erwartet wird eine Tabelle [privacy]."))
        return
    _unknown_keys(privacy, PRIVACY_KEYS, file, "im Abschnitt [privacy]", "privacy.", problems)
    policy = privacy.get("policy", "block")
    if policy not in PRIVACY_POLICIES:
        problems.append(
            ConfigProblem(
                file,
                "privacy.policy",
                f'Wert „{policy}“ ist ungültig. Erwartet wird "block" (Standard), "pseudonymize" oder "warn". '
                'Bis zur Korrektur gilt "block".',
            )
        )
    else:
        settings.privacy_policy = policy
    override = privacy.get("allow_override", False)
    if not isinstance(override, bool):
        problems.append(ConfigProblem(file, "privacy.allow_override", "Erwartet wird true oder false."))
    else:
        settings.allow_override = override


def _parse_endpoint(
    raw: dict[str, Any],
    index: int,
    position: str,
    file: str,
    builtins: Mapping[str, Endpoint],
    problems: list[ConfigProblem],
) -> _Entry | None:
    """Validate one [[endpoints]] table on its own. None when it names no valid id."""
    where = f"endpoints[{index}]"
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.append(ConfigProblem(file, f"{where}.{key}", message))

    endpoint_id = raw.get("id")
    if not isinstance(endpoint_id, str) or not _ID_RE.match(endpoint_id):
        _unknown_keys(raw, ENDPOINT_KEYS, file, f"im {position}", f"{where}.", problems)
        bad("id", 'Erwartet wird eine Kennung aus Kleinbuchstaben, Ziffern, - oder _ (z. B. "rz-gateway").')
        return None
    where = f'{where} (id = "{endpoint_id}")'
    unknown = _unknown_keys(raw, ENDPOINT_KEYS, file, f"im {position}", f"{where}.", problems)

    def entry(endpoint: Endpoint | None) -> _Entry:
        return _Entry(endpoint_id, position, endpoint, ok, unknown, "base_url" in raw)

    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        bad("enabled", "Erwartet wird true oder false. Bis zur Korrektur bleibt dieser Dienst abgeschaltet.")
        return entry(None)
    if not enabled:
        return entry(None)

    base = builtins.get(endpoint_id)
    values: dict[str, Any] = {}

    def text(key: str, required: bool) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                bad(key, "Dieser Schlüssel fehlt. Erwartet wird ein Text in Anführungszeichen.")
            return None
        if not isinstance(value, str) or not value.strip():
            bad(key, "Erwartet wird ein nicht leerer Text in Anführungszeichen.")
            return None
        return value.strip()

    new = base is None
    label = text("label", required=new)
    kind = text("kind", required=new)
    base_url = text("base_url", required=new)
    model = text("model", required=new)
    classification = text("classification", required=new)
    api_key_env = raw.get("api_key_env")
    timeout = raw.get("timeout")

    if label:
        values["label"] = label
    if kind is not None:
        if kind not in {k.value for k in Kind}:
            bad("kind", f'Wert „{kind}“ ist ungültig. Erwartet wird "ollama" oder "openai".')
        else:
            values["kind"] = Kind(kind)
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            bad(
                "base_url",
                f'„{base_url}“ ist keine gültige Adresse. Erwartet wird z. B. "https://ki.example.de/v1".',
            )
        else:
            values["base_url"] = base_url.rstrip("/")
    if model:
        values["default_model"] = model
    if classification is not None:
        if classification not in {c.value for c in Classification}:
            bad(
                "classification",
                f'Wert „{classification}“ ist ungültig. Erwartet wird "lokal" (eigene Infrastruktur, '
                'freigegeben für Schutzstufe 2) oder "oeffentlich" (nur Schutzstufe 1).',
            )
        else:
            values["classification"] = Classification(classification)
    if api_key_env is not None:
        if not isinstance(api_key_env, str) or not _ENV_NAME_RE.match(api_key_env):
            # Someone may have pasted the key itself here: never echo the value.
            bad(
                "api_key_env",
                'Erwartet wird der *Name* einer Umgebungsvariable (z. B. "RZ_GATEWAY_KEY"), '
                "nicht der Schlüssel selbst. Der eingetragene Wert wird aus Sicherheitsgründen nicht angezeigt.",
            )
        else:
            values["api_key_env"] = api_key_env
            values["requires_key"] = True
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            bad("timeout", "Erwartet wird eine positive Zahl in Sekunden, z. B. 120.")
        else:
            values["timeout"] = float(timeout)

    structured = raw.get("structured_output")
    if structured is not None:
        if structured not in STRUCTURED_OUTPUT_MODES:
            bad(
                "structured_output",
                'Erwartet wird "auto" (die Werkbank probiert aus, was der Dienst kann), "json_schema", '
                '"json_object" oder "prompt".',
            )
        else:
            values["structured_output"] = structured
    tools = raw.get("tools")
    if tools is not None:
        if tools is True or tools is False or tools == "auto":
            values["tools"] = {True: "on", False: "off"}.get(tools, "auto")
        else:
            bad("tools", 'Erwartet wird true, false oder "auto" (ausprobieren, sonst geführter Modus).')
    max_tokens = raw.get("max_tokens")
    if max_tokens is not None:
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 16 <= max_tokens <= 200_000:
            bad("max_tokens", "Erwartet wird eine ganze Zahl zwischen 16 und 200000, z. B. 2048.")
        else:
            values["max_tokens"] = max_tokens

    if not ok:
        return entry(None)
    if base is not None:
        return entry(replace(base, **values))
    return entry(Endpoint(id=endpoint_id, **values))
