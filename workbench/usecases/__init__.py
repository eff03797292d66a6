"""The use-case catalogue: guided exercises defined as TOML files.

Built-in exercises ship in ``workbench/usecases/builtin/``; trainers add their own in the folder named
by ``usecases_dir`` in ``workbench.toml`` (the files are read again on every call, so a new file shows
up on the next rerun of the page). A broken file is reported in German with file and key and left
out; the others still load. A trainer's file with the id of a built-in one replaces it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.config import ConfigProblem, Settings

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"

CATEGORIES = (
    "Ideen generieren",
    "Texte erstellen",
    "Zusammenfassen",
    "Einfache/Leichte Sprache",
    "Recherche",
    "Daten auswerten",
    "Agent",
)
KINDS = ("text", "plan", "table")
FIELD_TYPES = ("text", "long_text", "number", "choice", "file")
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date")
_ID_RE = re.compile(r"^[a-z0-9_]{1,60}$")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    default: str | int | float = ""  # a number for "number" fields, otherwise text
    help: str = ""
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    required: bool = True


@dataclass(frozen=True)
class FollowUp:
    label: str
    prompt: str


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str = "string"
    required: bool = True
    description: str = ""
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class UseCase:
    id: str
    title: str
    category: str
    description: str
    guideline: str
    schutzstufe: int
    schutzstufe_reason: str
    prompt: str
    kind: str = "text"
    system: str = ""
    fields: tuple[Field, ...] = ()
    followups: tuple[FollowUp, ...] = ()
    tips: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    source: str = ""  # file the definition came from
    builtin: bool = True
    max_tokens: int | None = None  # the answer's length limit; None: the endpoint's max_tokens
    readability: bool = False  # show the readability of the answer next to that of the source text

    def source_field(self) -> Field | None:
        """The field holding the text the exercise works on: the first long text or file field."""
        return next((f for f in self.fields if f.type in ("long_text", "file")), None)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def defaults(self) -> dict[str, object]:
        return {f.name: f.default for f in self.fields}

    def render(self, values: dict[str, object]) -> str:
        """The prompt with the form values filled in: exactly what will be sent."""
        return render_template(self.prompt, values)

    def render_system(self, values: dict[str, object]) -> str:
        return render_template(self.system, values) if self.system else ""

    def output_schema(self) -> dict[str, Any]:
        """JSON schema of the rows for structured output (kind "table")."""
        return rows_schema(self.columns)


def render_template(template: str, values: dict[str, object]) -> str:
    def value(match: re.Match[str]) -> str:
        item = values.get(match.group(1), "")
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        return str(item).strip()

    return _PLACEHOLDER_RE.sub(value, template)


_JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "string",
}


def rows_schema(columns: tuple[Column, ...]) -> dict[str, Any]:
    properties = {}
    for column in columns:
        prop: dict[str, Any] = {
            "type": _JSON_TYPES[column.type],
            "description": column.description or column.label,
        }
        if column.allowed:
            prop["enum"] = list(column.allowed)
        if column.type == "date":
            prop["description"] += " (Datum im Format JJJJ-MM-TT)"
        properties[column.name] = prop
    return {
        "type": "object",
        "properties": {
            "zeilen": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": [c.name for c in columns if c.required],
                },
            }
        },
        "required": ["zeilen"],
    }


@dataclass
class Catalog:
    usecases: list[UseCase] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)

    def get(self, usecase_id: str) -> UseCase | None:
        return next((u for u in self.usecases if u.id == usecase_id), None)

    def by_category(self) -> dict[str, list[UseCase]]:
        groups: dict[str, list[UseCase]] = {c: [] for c in CATEGORIES}
        for usecase in self.usecases:
            groups.setdefault(usecase.category, []).append(usecase)
        return {c: items for c, items in groups.items() if items}


def load_catalog(settings: Settings | None = None) -> list[UseCase]:
    """All valid use cases, built-in first, then the trainers' folder (public API)."""
    return read_catalog(settings).usecases


def read_catalog(settings: Settings | None = None) -> Catalog:
    """Use cases plus the problems found in broken files."""
    catalog = Catalog()
    entries: dict[str, UseCase] = {}
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        _add(path, entries, catalog.problems, builtin=True)
    folder = settings.usecases_dir if settings is not None else None
    if settings is not None and folder is not None:
        if not folder.is_dir():
            catalog.problems.append(
                ConfigProblem(
                    str(settings.config_path or "workbench.toml"),
                    "usecases_dir",
                    f"Der Ordner „{folder}“ für eigene Anwendungsfälle wurde nicht gefunden. Legen Sie ihn an "
                    "oder korrigieren Sie den Pfad.",
                )
            )
        else:
            for path in sorted(folder.glob("*.toml")):
                _add(path, entries, catalog.problems, builtin=False)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    catalog.usecases = sorted(
        entries.values(), key=lambda u: (order.get(u.category, 99), not u.builtin, u.title)
    )
    return catalog


def _add(path: Path, entries: dict[str, UseCase], problems: list[ConfigProblem], *, builtin: bool) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(
            ConfigProblem(str(path), "", "Die Datei ist nicht UTF-8-kodiert. Speichern Sie sie als UTF-8.")
        )
        return
    except tomllib.TOMLDecodeError as exc:
        problems.append(ConfigProblem(str(path), "", f"Die Datei ist kein gültiges TOML ({exc})."))
        return
    except OSError as exc:
        problems.append(
            ConfigProblem(str(path), "", f"Die Datei kann nicht gelesen werden ({exc.strerror}).")
        )
        return
    usecase = parse_usecase(data, str(path), problems, builtin=builtin)
    if usecase is not None:
        entries[usecase.id] = usecase


class _Reader:
    """Collects German problems while reading one file, naming the key each time."""

    def __init__(self, file: str, problems: list[ConfigProblem]) -> None:
        self.file = file
        self.problems = problems
        self.ok = True

    def bad(self, key: str, message: str) -> None:
        self.ok = False
        self.problems.append(ConfigProblem(self.file, key, message))

    def text(
        self, data: dict[str, Any], key: str, where: str = "", *, required: bool = True, default: str = ""
    ) -> str:
        value = data.get(key)
        name = f"{where}{key}"
        if value is None:
            if required:
                self.bad(name, "Dieser Schlüssel fehlt. Erwartet wird ein Text in Anführungszeichen.")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.bad(name, "Erwartet wird ein nicht leerer Text in Anführungszeichen.")
            return default
        return value.strip()

    def choice(
        self,
        data: dict[str, Any],
        key: str,
        allowed: tuple[str, ...],
        where: str = "",
        default: str | None = None,
    ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or value not in allowed:
            expected = ", ".join(f'"{a}"' for a in allowed)
            shown = f"„{value}“ ist ungültig" if value is not None else "Der Wert fehlt"
            self.bad(f"{where}{key}", f"{shown}. Erwartet wird einer dieser Werte: {expected}.")
            return allowed[0]
        return value

    def table_list(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.bad(key, f"Erwartet wird eine Liste von [[{key}]]-Tabellen.")
            return []
        return value


def parse_usecase(
    data: dict[str, Any], file: str, problems: list[ConfigProblem], *, builtin: bool = False
) -> UseCase | None:
    """Validate one use-case definition; None (and problems) when it cannot be used."""
    r = _Reader(file, problems)
    usecase_id = data.get("id")
    if not isinstance(usecase_id, str) or not _ID_RE.match(usecase_id):
        r.bad(
            "id",
            'Erwartet wird eine Kennung aus Kleinbuchstaben, Ziffern und _ (z. B. "einladung_schreiben").',
        )
    title = r.text(data, "title")
    category = r.choice(data, "category", CATEGORIES)
    description = r.text(data, "description")
    guideline = r.text(data, "guideline", required=False)
    level = data.get("schutzstufe")
    if level not in (1, 2) or isinstance(level, bool):
        r.bad("schutzstufe", "Erwartet wird die empfohlene Schutzstufe als Zahl: 1 oder 2.")
        level = 2
    reason = r.text(data, "schutzstufe_reason")
    kind = r.choice(data, "kind", KINDS, default="text")
    system = r.text(data, "system", required=False)
    prompt = r.text(data, "prompt")

    fields = []
    for index, raw in enumerate(r.table_list(data, "fields"), start=1):
        parsed = _parse_field(raw, f"fields[{index}].", r)
        if parsed:
            fields.append(parsed)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        r.bad("fields", "Jeder Feldname darf nur einmal vorkommen.")

    for key, template in (("prompt", prompt), ("system", system)):
        for placeholder in _PLACEHOLDER_RE.findall(template):
            if placeholder not in names:
                r.bad(
                    key,
                    f"Der Platzhalter {{{placeholder}}} gehört zu keinem Feld. Vorhandene Felder: "
                    + (", ".join(names) or "keine")
                    + ".",
                )
        stripped = _PLACEHOLDER_RE.sub("", template)
        if "{" in stripped or "}" in stripped:
            r.bad(key, "Geschweifte Klammern sind nur für Platzhalter wie {feldname} erlaubt.")

    followups = []
    for index, raw in enumerate(r.table_list(data, "followups"), start=1):
        label = r.text(raw, "label", f"followups[{index}].")
        text = r.text(raw, "prompt", f"followups[{index}].")
        if label and text:
            followups.append(FollowUp(label, text))

    tips = data.get("tips", [])
    if not isinstance(tips, list) or not all(isinstance(t, str) for t in tips):
        r.bad("tips", 'Erwartet wird eine Liste von Texten, z. B. tips = ["Fakten prüfen"].')
        tips = []

    max_tokens = data.get("max_tokens")
    if max_tokens is not None and (
        isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 16 <= max_tokens <= 200_000
    ):
        r.bad("max_tokens", "Erwartet wird eine ganze Zahl zwischen 16 und 200000, z. B. 1500.")
        max_tokens = None

    readability = data.get("readability", False)
    if not isinstance(readability, bool):
        r.bad("readability", "Erwartet wird true oder false.")
        readability = False

    columns = []
    output = data.get("output", {})
    if kind == "table":
        raw_columns = output.get("columns") if isinstance(output, dict) else None
        if not isinstance(raw_columns, list) or not raw_columns:
            r.bad("output.columns", 'Für kind = "table" werden Spalten als [[output.columns]] benötigt.')
        else:
            for index, raw in enumerate(raw_columns, start=1):
                column = _parse_column(raw, f"output.columns[{index}].", r) if isinstance(raw, dict) else None
                if column:
                    columns.append(column)

    if not r.ok or not isinstance(usecase_id, str):  # an invalid id has been reported above
        return None
    return UseCase(
        id=usecase_id,
        title=title,
        category=category,
        description=description,
        guideline=guideline,
        schutzstufe=level,
        schutzstufe_reason=reason,
        prompt=prompt,
        kind=kind,
        system=system,
        fields=tuple(fields),
        followups=tuple(followups),
        tips=tuple(tips),
        columns=tuple(columns),
        source=file,
        builtin=builtin,
        max_tokens=max_tokens,
        readability=readability,
    )


def _parse_field(raw: dict[str, Any], where: str, r: _Reader) -> Field | None:
    name = raw.get("name")
    if not isinstance(name, str) or not _ID_RE.match(name):
        r.bad(
            f"{where}name", 'Erwartet wird ein Feldname aus Kleinbuchstaben, Ziffern und _ (z. B. "anlass").'
        )
        return None
    label = r.text(raw, "label", where)
    kind = r.choice(raw, "type", FIELD_TYPES, where)
    options = raw.get("options", [])
    if kind == "choice" and (
        not isinstance(options, list) or not options or not all(isinstance(o, str) for o in options)
    ):
        r.bad(f"{where}options", 'Ein Auswahlfeld braucht options = ["…", "…"].')
        options = []
    default = raw.get("default", "")
    low, high = raw.get("min"), raw.get("max")
    if kind == "number":
        if default == "":
            default = low if isinstance(low, int | float) else 0
        if isinstance(default, bool) or not isinstance(default, int | float):
            r.bad(f"{where}default", "Erwartet wird eine Zahl.")
        for key, bound in (("min", low), ("max", high)):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
                r.bad(f"{where}{key}", "Erwartet wird eine Zahl.")
        if isinstance(default, int | float) and (
            (isinstance(low, int | float) and default < low)
            or (isinstance(high, int | float) and default > high)
        ):
            r.bad(f"{where}default", f"Der Wert {default} liegt außerhalb von min/max.")
    elif kind == "choice":
        if options and default == "":
            default = options[0]
        if options and default not in options:
            r.bad(f"{where}default", f"„{default}“ ist keine der options.")
    elif not isinstance(default, str):
        r.bad(f"{where}default", "Erwartet wird ein Text.")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        r.bad(f"{where}required", "Erwartet wird true oder false.")
        required = True
    return Field(
        name=name,
        label=label,
        type=kind,
        default=default,
        help=raw.get("help", "") if isinstance(raw.get("help", ""), str) else "",
        options=tuple(options),
        min=low if isinstance(low, int | float) else None,
        max=high if isinstance(high, int | float) else None,
        required=required,
    )


def _parse_column(raw: dict[str, Any], where: str, r: _Reader) -> Column | None:
    name = raw.get("name")
    if not isinstance(name, str) or not _ID_RE.match(name):
        r.bad(f"{where}name", "Erwartet wird ein Spaltenname aus Kleinbuchstaben, Ziffern und _.")
        return None
    allowed = raw.get("allowed", [])
    if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
        r.bad(f"{where}allowed", 'Erwartet wird eine Liste erlaubter Werte, z. B. ["niedrig", "hoch"].')
        allowed = []
    return Column(
        name=name,
        label=r.text(raw, "label", where),
        type=r.choice(raw, "type", COLUMN_TYPES, where, default="string"),
        required=raw.get("required", True) is not False,
        description=raw.get("description", "") if isinstance(raw.get("description", ""), str) else "",
        allowed=tuple(allowed),
    )
