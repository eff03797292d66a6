"""Typed settings from the environment and an optional ``workbench.toml``.

Zero configuration works: a local Ollama (``OLLAMA_HOST``) and the public OpenAI API (available once
``OPENAI_API_KEY`` is set). ``workbench.toml`` (path from ``WORKBENCH_CONFIG``, else the working
directory) adds endpoints such as the data centre's gateway, overrides the built-in ones and sets the
organisation's notice wording. Loading never raises: problems are collected as German messages that
name the file and the key, and the valid rest of the file still applies. Nothing is read at import
time, and API keys are only ever read from the environment when a request is made.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
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

    @property
    def is_local(self) -> bool:
        return self.classification is Classification.LOCAL

    @property
    def host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in the configuration, phrased for the person who maintains the file."""

    file: str
    key: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.file}, Schlüssel `{self.key}`" if self.key else self.file
        return f"{where}: {self.message}"


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


# Hosts of well-known public AI APIs. An endpoint classified "lokal" that points here is almost
# certainly misclassified, and Schutzstufe-2 data would leave the organisation.
PUBLIC_API_HOSTS = (
    "api.openai.com",
    "openai.azure.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    "api.mistral.ai",
    "api.groq.com",
    "openrouter.ai",
    "api.together.xyz",
    "api.together.ai",
    "api.deepseek.com",
    "api.perplexity.ai",
    "api.cohere.ai",
    "api.cohere.com",
    "api.fireworks.ai",
    "api.x.ai",
    "ollama.com",
    "api.deepinfra.com",
    "inference.ai.azure.com",
    "api-inference.huggingface.co",
    "router.huggingface.co",
)

_ENDPOINT_KEYS = {
    "id",
    "label",
    "kind",
    "base_url",
    "model",
    "api_key_env",
    "classification",
    "timeout",
    "enabled",
}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_public_api_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PUBLIC_API_HOSTS)


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


def load_settings(env: Mapping[str, str] | None = None, path: Path | str | None = None) -> Settings:
    """Read settings; never raises. Problems end up in ``Settings.problems``."""
    env = dict(os.environ if env is None else env)
    explicit = path is not None
    if path is None:
        path, explicit = config_path_from_env(env)
    path = Path(path)
    endpoints = builtin_endpoints(env)
    settings = Settings(endpoints=tuple(endpoints), env=env)

    if not path.exists():
        if explicit:
            settings.problems.append(
                ConfigProblem(
                    str(path),
                    "",
                    "Die Konfigurationsdatei wurde nicht gefunden. Prüfen Sie den Pfad in "
                    "WORKBENCH_CONFIG. Die Werkbank arbeitet mit den Voreinstellungen weiter.",
                )
            )
        return settings

    settings.config_path = path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        settings.problems.append(
            ConfigProblem(str(path), "", "Die Datei ist nicht UTF-8-kodiert. Speichern Sie sie als UTF-8.")
        )
        return settings
    except tomllib.TOMLDecodeError as exc:
        settings.problems.append(
            ConfigProblem(
                str(path),
                "",
                f"Die Datei ist kein gültiges TOML ({exc}). Die Werkbank arbeitet mit den "
                "Voreinstellungen weiter; vergleichen Sie mit workbench.example.toml.",
            )
        )
        return settings
    except OSError as exc:
        settings.problems.append(
            ConfigProblem(str(path), "", f"Die Datei kann nicht gelesen werden ({exc.strerror}).")
        )
        return settings

    _apply_file(settings, data, str(path))
    return settings


def _apply_file(settings: Settings, data: dict[str, Any], file: str) -> None:
    problems = settings.problems

    org = data.get("organisation", {})
    if not isinstance(org, dict):
        problems.append(ConfigProblem(file, "organisation", "Erwartet wird eine Tabelle [organisation]."))
        org = {}
    for key in ("name", "notice"):
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

    raw_endpoints = data.get("endpoints", [])
    if not isinstance(raw_endpoints, list):
        problems.append(
            ConfigProblem(file, "endpoints", "Erwartet wird eine Liste von [[endpoints]]-Tabellen.")
        )
        raw_endpoints = []

    endpoints = {e.id: e for e in settings.endpoints}
    order = [e.id for e in settings.endpoints]
    for index, raw in enumerate(raw_endpoints, start=1):
        where = f"endpoints[{index}]"
        if not isinstance(raw, dict):
            problems.append(ConfigProblem(file, where, "Erwartet wird eine Tabelle [[endpoints]]."))
            continue
        parsed = _parse_endpoint(raw, where, file, endpoints, problems)
        if parsed is None:
            continue
        endpoint_id, endpoint = parsed
        if endpoint is None:
            endpoints.pop(endpoint_id, None)
            continue
        if endpoint_id not in order:
            order.append(endpoint_id)
        endpoints[endpoint_id] = endpoint

    settings.endpoints = tuple(endpoints[i] for i in order if i in endpoints)
    for endpoint in settings.endpoints:
        if endpoint.is_local and is_public_api_host(endpoint.host):
            problems.append(
                ConfigProblem(
                    file,
                    f'endpoints (id = "{endpoint.id}")',
                    f"Der Endpunkt „{endpoint.label}“ ist als „lokal“ eingestuft, zeigt aber auf den "
                    f"öffentlichen Dienst {endpoint.host}. Daten der Schutzstufe 2 würden die Organisation "
                    'verlassen. Stufen Sie ihn als "oeffentlich" ein, wenn er nicht ausdrücklich '
                    "freigegeben ist.",
                    severity="warning",
                )
            )


def _apply_privacy(settings: Settings, privacy: object, file: str) -> None:
    problems = settings.problems
    if not isinstance(privacy, dict):
        problems.append(ConfigProblem(file, "privacy", "Erwartet wird eine Tabelle [privacy]."))
        return
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
    for key in privacy:
        if key not in ("policy", "allow_override"):
            problems.append(
                ConfigProblem(
                    file,
                    f"privacy.{key}",
                    "Unbekannter Schlüssel, er wird ignoriert. Erlaubt sind: policy, allow_override.",
                    severity="warning",
                )
            )


def _parse_endpoint(
    raw: dict[str, Any],
    where: str,
    file: str,
    known: dict[str, Endpoint],
    problems: list[ConfigProblem],
) -> tuple[str, Endpoint | None] | None:
    """Validate one [[endpoints]] table. Returns (id, endpoint or None when disabled) or None if invalid."""
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.append(ConfigProblem(file, f"{where}.{key}", message))

    for key in raw:
        if key not in _ENDPOINT_KEYS:
            problems.append(
                ConfigProblem(
                    file,
                    f"{where}.{key}",
                    "Unbekannter Schlüssel, er wird ignoriert. Erlaubt sind: "
                    + ", ".join(sorted(_ENDPOINT_KEYS))
                    + ".",
                    severity="warning",
                )
            )

    endpoint_id = raw.get("id")
    if not isinstance(endpoint_id, str) or not _ID_RE.match(endpoint_id):
        bad("id", 'Erwartet wird eine Kennung aus Kleinbuchstaben, Ziffern, - oder _ (z. B. "rz-gateway").')
        return None
    where = f'{where} (id = "{endpoint_id}")'

    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        bad("enabled", "Erwartet wird true oder false.")
        return None
    if not enabled:
        return endpoint_id, None

    base = known.get(endpoint_id)
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

    if not ok:
        return None
    if base is not None:
        return endpoint_id, replace(base, **values)
    return endpoint_id, Endpoint(id=endpoint_id, **values)
