"""The ``workbench`` command: start the app, show endpoint status, ask a model from the terminal.

Every command goes through the same gateway as the app, with Schutzstufe 2 as the default. German
messages go to stderr, answers to stdout. Exit codes: 0 success, 1 the model service failed,
2 refused by the policy (Schutzstufe or the organisation's privacy policy) or wrong usage, 3 the answer
broke off (partial text printed), 130 interrupted. The help and argparse's own messages are German too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from workbench.config import Endpoint, Settings, load_settings
from workbench.errors import PolicyRefused, PrivacyRefused, WorkbenchError
from workbench.gateway import ChatRequest, Gateway, logged_gateway
from workbench.policy import DEFAULT_SCHUTZSTUFE, OPTION_PSEUDONYMIZE, Schutzstufe, parse_schutzstufe
from workbench.privacy import recommend_schutzstufe, scan, summarize

EXIT_OK, EXIT_BACKEND, EXIT_REFUSED, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_USAGE = EXIT_REFUSED  # argparse's code for a wrong command line; kept so scripts see the usual 2
EXIT_INTERRUPTED = 130
LOG_LEVEL_ENV = "WORKBENCH_LOG_LEVEL"

# Gateways of this command that record into the run log; their problems are printed once at the end.
_logged: list[Gateway] = []


def app_path() -> Path:
    return Path(__file__).resolve().parent.parent / "app.py"


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _report_config(settings: Settings) -> None:
    for problem in settings.problems:
        prefix = "Warnung" if problem.severity == "warning" else "Konfigurationsfehler"
        _err(f"{prefix}: {problem}")


def _format_error(exc: WorkbenchError) -> str:
    return f"{exc.title}: {exc.display()}"


def _logged_gateway(settings: Settings) -> Gateway:
    gateway = logged_gateway(settings, session="cli")
    _logged.append(gateway)
    return gateway


def _report_run_log() -> None:
    """Say once, in German, that requests were not recorded (the log lines stay for administrators)."""
    problems = {getattr(gateway, "record_problem", None) for gateway in _logged}
    _logged.clear()
    for problem in sorted(p for p in problems if p):
        _err(f"Hinweis zum Anfrageprotokoll: {problem}")


def _configure_logging() -> None:
    """Log lines are English and meant for administrators: on the terminal only when asked for.

    Everything a person needs to know is printed in German by the commands themselves. Setting
    WORKBENCH_LOG_LEVEL (e.g. INFO or DEBUG) shows the log lines on stderr for troubleshooting.
    """
    name = os.environ.get(LOG_LEVEL_ENV, "").strip().upper()
    level = logging.getLevelName(name) if name else None
    if isinstance(level, int):
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return
    # A handler that drops everything keeps Python's last-resort handler from printing warnings.
    logging.basicConfig(handlers=[logging.NullHandler()])
    if name:
        _err(
            f"Warnung: {LOG_LEVEL_ENV}={name} ist keine gültige Protokollstufe; erlaubt sind DEBUG, INFO, "
            "WARNING und ERROR. Es werden keine Protokollzeilen angezeigt."
        )


def cmd_run(args: argparse.Namespace) -> int:
    path = app_path()
    if not path.exists():
        _err(
            "Die App-Datei app.py wurde nicht gefunden. Installieren Sie die Werkbank aus dem Quellverzeichnis "
            "mit `python3 -m pip install -e .`."
        )
        return EXIT_REFUSED
    command = [sys.executable, "-m", "streamlit", "run", str(path), "--server.port", str(args.port)]
    if args.headless:
        command += ["--server.headless", "true"]
    if os.name == "posix":
        # Replace this process so that signals (Ctrl-C, a service manager's stop) reach Streamlit itself.
        os.chdir(path.parent)
        os.execv(sys.executable, command)
    try:
        return subprocess.call(command, cwd=path.parent)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    settings = load_settings()
    _report_config(settings)
    gateway = Gateway(settings)
    print(f"Schutzstufe {args.schutzstufe}")
    if settings.config_path:
        print(f"Konfiguration: {settings.config_path}")
    for endpoint in settings.endpoints:
        status = gateway.status(endpoint.id, args.schutzstufe)
        print()
        print(f"{endpoint.label} [{endpoint.id}]")
        print(f"  Art:          {endpoint.kind.value}, {endpoint.classification.german}")
        print(f"  Adresse:      {endpoint.base_url}")
        if status.key_present is not None:
            print(
                f"  API-Schlüssel: {'vorhanden' if status.key_present else 'fehlt (' + str(endpoint.api_key_env) + ')'}"
            )
        if not status.checked:
            reason = (
                status.decision.reason
                if not status.decision.allowed
                else settings.missing_key_reason(endpoint)
            )
            print(f"  Nicht geprüft: {reason}")
            continue
        if status.error:
            print(f"  Erreichbar:   nein – {status.error.user_message}")
            print(f"  Hinweis:      {status.error.hint}")
            continue
        print(f"  Erreichbar:   ja ({status.summary})")
        names = ", ".join(m.name for m in status.models) or "keine"
        print(f"  Modelle:      {names}")
    return EXIT_OK


def _report_pseudonymize_refused(exc: PrivacyRefused, settings: Settings, gateway: Gateway) -> None:
    """Why --pseudonymize did not help, what is possible instead, and who can change the rule."""
    local = gateway.default_endpoint(Schutzstufe.TWO)
    stufe_2 = (
        f'workbench ask --schutzstufe 2 --endpoint {local.id} "…"'
        if local is not None
        else "--schutzstufe 2 mit einem lokalen Dienst (siehe workbench status)"
    )
    instead = [
        f"  - auf Schutzstufe 2 einen lokalen Dienst nutzen: {stufe_2}",
        "  - den Text bearbeiten und die personenbezogenen Angaben entfernen.",
    ]
    if OPTION_PSEUDONYMIZE in exc.options:
        # Allowed, but the placeholders did not cover everything: nothing leaves (fails closed).
        _err("Auch nach dem Ersetzen durch Platzhalter waren noch personenbezogene Angaben erkennbar;")
        _err("daher wurde nichts gesendet. Sie können stattdessen")
        for line in instead:
            _err(line)
        return
    if settings.config_path is not None:
        where = f"Nach [privacy] policy in {settings.config_path} gilt „{settings.privacy_policy}“."
    else:
        where = "Es gibt keine workbench.toml; ohne sie gilt für [privacy] policy der Standard „block“."
    _err(f"Pseudonymisiert senden (--pseudonymize) ist in Ihrer Organisation nicht erlaubt. {where}")
    _err("Es wurde nichts gesendet.")
    _err("Erlaubt ist stattdessen:")
    for line in instead:
        _err(line)
    _err(
        "Soll pseudonymisiertes Senden möglich sein, kann Ihre Administration in workbench.toml im Abschnitt "
        '[privacy] policy = "pseudonymize" eintragen.'
    )


def cmd_ask(args: argparse.Namespace) -> int:
    settings = load_settings()
    _report_config(settings)
    gateway = _logged_gateway(settings)
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        _err('Bitte geben Sie eine Frage an, z. B. workbench ask "Was ist ein Bürgerhaushalt?"')
        return EXIT_REFUSED
    endpoint_id = args.endpoint
    if endpoint_id is None:
        default = gateway.default_endpoint(args.schutzstufe)
        if default is None:
            _err(
                f"Auf Schutzstufe {args.schutzstufe} ist kein KI-Dienst nutzbar. "
                "Prüfen Sie mit `workbench status`, welche Dienste eingerichtet sind."
            )
            return EXIT_REFUSED
        endpoint_id = default.id
    elif gateway.settings.endpoint(endpoint_id) is None:
        known = ", ".join(e.id for e in gateway.settings.endpoints) or "keiner"
        _err(
            f"Einen KI-Dienst „{endpoint_id}“ gibt es in dieser Werkbank nicht (eingerichtet: {known}). "
            "Nichts wurde gesendet. `workbench status` zeigt die Dienste mit Einstufung und Erreichbarkeit."
        )
        return EXIT_REFUSED
    request = ChatRequest(
        messages=[{"role": "user", "content": prompt}],
        schutzstufe=args.schutzstufe,
        endpoint_id=endpoint_id,
        model=args.model,
        purpose="cli.ask",
        privacy_action=OPTION_PSEUDONYMIZE if args.pseudonymize else None,
    )
    try:
        response = gateway.chat(request)
        for chunk in response:
            sys.stdout.write(chunk)
            sys.stdout.flush()
        result = response.result
    except PrivacyRefused as exc:
        _err(f"{exc.title}: {exc.user_message}")
        for item in exc.findings:
            _err(f"  - {item.finding.label}: {item.finding.text}")
        if args.pseudonymize:
            _report_pseudonymize_refused(exc, settings, gateway)
        elif OPTION_PSEUDONYMIZE in exc.options:
            _err("Senden Sie mit --pseudonymize, um die Angaben durch Platzhalter zu ersetzen,")
            _err("oder verwenden Sie --schutzstufe 2 mit einem lokalen Modell.")
        else:
            _err("Verwenden Sie --schutzstufe 2 mit einem lokalen Modell oder entfernen Sie die Angaben.")
        return EXIT_REFUSED
    except PolicyRefused as exc:
        _err(_format_error(exc))
        return EXIT_REFUSED
    except WorkbenchError as exc:
        _err(_format_error(exc))
        return EXIT_BACKEND
    print()
    print()
    print(f"{result.notice.title}: {result.notice.text()}")
    if result.error:
        _err(_format_error(result.error))
        return EXIT_INCOMPLETE
    return EXIT_OK


def _side(spec: str | None, fallback: Endpoint) -> tuple[str, str | None]:
    if not spec:
        return fallback.id, None
    endpoint_id, _, model = spec.partition(":")
    return endpoint_id, model or None


def cmd_compare(args: argparse.Namespace) -> int:
    from workbench.compare import run_side_by_side

    settings = load_settings()
    _report_config(settings)
    gateway = _logged_gateway(settings)
    usable = [o.endpoint for o in gateway.options(args.schutzstufe) if o.usable]
    if not usable:
        _err(f"Auf Schutzstufe {args.schutzstufe} ist kein KI-Dienst nutzbar. Siehe `workbench status`.")
        return EXIT_REFUSED
    public = next((e for e in usable if not e.is_local), usable[-1])
    sides = (_side(args.a, usable[0]), _side(args.b, public))
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt

    def request(endpoint_id: str, model: str | None) -> ChatRequest:
        return ChatRequest(
            [{"role": "user", "content": prompt}], args.schutzstufe, endpoint_id, model, purpose="cli.compare"
        )

    requests = (request(*sides[0]), request(*sides[1]))
    results = run_side_by_side(gateway, requests)
    code = EXIT_OK
    for name, (endpoint_id, _), side in zip("AB", sides, results, strict=True):
        print(f"=== {name}: {endpoint_id} ===")
        if side.error is not None:
            _err(f"{name}: {_format_error(side.error)}")
            code = EXIT_REFUSED if isinstance(side.error, PolicyRefused) else EXIT_BACKEND
            continue
        result = side.result
        if result is None:  # not expected: run_side_by_side ends every side with a result or an error
            _err(f"{name}: Es liegt keine Antwort vor.")
            code = EXIT_BACKEND
            continue
        leaves = "nein" if result.endpoint.is_local else "ja"
        print(result.text)
        print()
        first = "nicht gemessen" if result.ttft_s is None else f"{result.ttft_s:.2f} s"
        print(
            f"Modell {result.model} über „{result.endpoint.label}“ ({result.endpoint.classification.german}; "
            f"Daten verlassen die Organisation: {leaves}); erstes Token nach {first}, gesamt "
            f"{result.total_s:.2f} s; {result.token_summary()}"
        )
        print(f"{result.notice.title}: {result.notice.text()}")
        print()
    return code


def cmd_scan(args: argparse.Namespace) -> int:
    from workbench.documents import read_document

    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            path = Path(args.file)
            if not path.is_file():
                _err(f"Die Datei „{path}“ wurde nicht gefunden.")
                return EXIT_REFUSED
            text = read_document(path.name, path.read_bytes(), max_mb=load_settings().max_upload_mb)
    except WorkbenchError as exc:
        _err(_format_error(exc))
        return EXIT_REFUSED
    findings = scan(text)
    level, reason = recommend_schutzstufe(findings)
    report = {
        "findings": [f.to_dict() for f in findings],
        "counts": summarize(findings),
        "recommended_schutzstufe": level,
        "reason": reason,
        "computed_without_ai": True,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return EXIT_OK


# --- German command line -------------------------------------------------------------------------
#
# argparse writes a few texts of its own in English. Its help texts are replaced where argparse offers
# a public hook: the usage prefix through the formatter, the group titles, and a German -h/--help.
# Its error messages all end up in `ArgumentParser.error`, already formatted; `_GermanParser.error`
# translates them there with the catalogue below. A gettext translation is deliberately not used:
# argparse has no text domain of its own but calls `gettext.gettext` of the process-wide default
# domain, so a catalogue could only reach it by installing a translation for every library in the
# process or by replacing names inside the argparse module. Both would change other programs' output
# (tests run `main` inside pytest, which uses argparse itself). A message missing from the catalogue,
# e.g. after a change in a future Python, stays English but keeps the German frame and the hint.

# argparse's message templates (identical in Python 3.11 to 3.13) and their German versions. The
# placeholders must appear in the same order in both; a "message" placeholder is translated in turn.
_ARGPARSE_GERMAN: dict[str, str] = {
    "argument %(argument_name)s: %(message)s": "Argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "Folgende Angaben fehlen: %s",
    "one of the arguments %s is required": "Eine dieser Angaben ist nötig: %s",
    "unrecognized arguments: %s": "unbekannte Argumente: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Auswahl: %(value)r (möglich: %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "unbekannter Befehl %(parser_name)r (möglich: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ungültiger Wert für %(type)s: %(value)r",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "expected %s argument": "erwartet %s Wert",
    "expected %s arguments": "erwartet %s Werte",
    "ambiguous option: %(option)s could match %(matches)s": (
        "mehrdeutige Option: %(option)s kann %(matches)s bedeuten"
    ),
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "ignored explicit argument %r": "der Wert %r ist hier nicht erlaubt",
    "unexpected option string: %s": "unerwartete Option: %s",
    "can't open '%(filename)s': %(error)s": "„%(filename)s“ lässt sich nicht öffnen: %(error)s",
}

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[rsd]")


def _placeholder_names(template: str) -> list[str]:
    return [m.group(1) or f"_{i}" for i, m in enumerate(_PLACEHOLDER.finditer(template))]


def _template_pattern(template: str) -> re.Pattern[str]:
    """The English template as a pattern that matches the formatted message and captures its values."""
    parts: list[str] = []
    position = 0
    for match, name in zip(_PLACEHOLDER.finditer(template), _placeholder_names(template), strict=True):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{name}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


# Templates with values; those without are looked up directly (before the patterns: "expected one
# argument" would otherwise also match "expected %s argument").
_ARGPARSE_PATTERNS = [
    (_template_pattern(english), german) for english, german in _ARGPARSE_GERMAN.items() if "%" in english
]


def german_usage_message(message: str) -> str:
    """argparse's English error message in German; anything unknown (e.g. our own German) unchanged."""
    if message in _ARGPARSE_GERMAN:
        return _ARGPARSE_GERMAN[message]
    for pattern, german in _ARGPARSE_PATTERNS:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = match.groupdict()
        if "message" in values:
            values["message"] = german_usage_message(values["message"])
        return _fill(german, values)
    return message


def _fill(template: str, values: dict[str, str]) -> str:
    """The template with its placeholders replaced by the already formatted values."""
    parts: list[str] = []
    position = 0
    for match, name in zip(_PLACEHOLDER.finditer(template), _placeholder_names(template), strict=True):
        parts += [template[position : match.start()], values[name]]
        position = match.end()
    return "".join(parts) + template[position:]


class _GermanHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and epilogs; "Aufruf:" instead of "usage:"."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class _GermanParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and error messages are German (used for every subcommand, too)."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _GermanHelpFormatter)
        kwargs["add_help"] = False  # argparse's own -h/--help has an English help text
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="diese Hilfe anzeigen und beenden",
            )

    def error(self, message: str) -> NoReturn:
        """Usage, the German message and where to find help on stderr; exit code 2 like argparse."""
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"{self.prog}: Fehler: {german_usage_message(message)}\nHilfe: {self.prog} --help\n",
        )


def _schutzstufe(value: str) -> Schutzstufe:
    """The Schutzstufe from the command line, parsed here, at the edge, into the enum."""
    level = parse_schutzstufe(value)
    if level is None:
        raise argparse.ArgumentTypeError(f"„{value}“ ist keine Schutzstufe; erlaubt sind 1 und 2")
    return level


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"„{value}“ ist keine Portnummer; erlaubt sind ganze Zahlen von 1 bis 65535"
        )
    return port


def _exit_codes(*codes: tuple[int, str]) -> str:
    lines = ["Exit-Codes:"]
    for code, meaning in codes:
        lines += textwrap.wrap(meaning, 78, initial_indent=f"  {code:<5}", subsequent_indent=" " * 7)
    return "\n".join(lines)


_USAGE_LINE = (EXIT_USAGE, "falscher Aufruf (Meldung auf der Fehlerausgabe)")
_INTERRUPTED_LINE = (EXIT_INTERRUPTED, "abgebrochen (Strg+C)")

MAIN_EPILOG = "\n\n".join(
    [
        "Hilfe zu einem Befehl: workbench BEFEHL --help, z. B. workbench ask --help",
        _exit_codes(
            (EXIT_OK, "Erfolg"),
            (EXIT_BACKEND, "KI-Dienst nicht erreichbar oder fehlerhaft"),
            (
                EXIT_REFUSED,
                "nicht gesendet, weil die Schutzstufe oder die Datenschutz-Richtlinie der Organisation es "
                "nicht erlaubt (Grund auf der Fehlerausgabe), oder falscher Aufruf",
            ),
            (EXIT_INCOMPLETE, "Antwort unvollständig (der empfangene Teil wurde ausgegeben)"),
            _INTERRUPTED_LINE,
        ),
    ]
)

RUN_EPILOG = _exit_codes(
    (EXIT_OK, "die App wurde beendet"),
    (EXIT_REFUSED, "app.py nicht gefunden, oder falscher Aufruf"),
    _INTERRUPTED_LINE,
)

STATUS_EPILOG = _exit_codes(
    (EXIT_OK, "Übersicht ausgegeben (auch wenn ein Dienst nicht erreichbar ist)"),
    (EXIT_BACKEND, "unerwarteter Fehler"),
    _USAGE_LINE,
)

ASK_EPILOG = "\n\n".join(
    [
        "Datenschutz: Findet der Datenschutz-Check auf Schutzstufe 1 personenbezogene\n"
        "Daten und ist ein öffentlicher Dienst gewählt, wird nichts gesendet\n"
        f"(Exit-Code {EXIT_REFUSED}). --pseudonymize ist nur möglich, wenn Ihre Organisation es\n"
        'erlaubt: policy = "pseudonymize" oder "warn" im Abschnitt [privacy] der\n'
        'workbench.toml. Beim Standard policy = "block" bleiben Schutzstufe 2 mit\n'
        "einem lokalen Dienst oder das Entfernen der Angaben.",
        _exit_codes(
            (EXIT_OK, "Antwort und Transparenzhinweis ausgegeben"),
            (EXIT_BACKEND, "KI-Dienst nicht erreichbar oder fehlerhaft"),
            (
                EXIT_REFUSED,
                "nicht gesendet: von der Schutzstufe oder der Datenschutz-Richtlinie der Organisation "
                "abgelehnt (Grund auf der Fehlerausgabe), leere Frage, oder falscher Aufruf",
            ),
            (EXIT_INCOMPLETE, "Antwort unvollständig (der empfangene Teil wurde ausgegeben)"),
            _INTERRUPTED_LINE,
        ),
    ]
)

COMPARE_EPILOG = _exit_codes(
    (EXIT_OK, "beide Antworten ausgegeben"),
    (EXIT_BACKEND, "mindestens ein KI-Dienst nicht erreichbar oder fehlerhaft"),
    (EXIT_REFUSED, "mindestens eine Anfrage von der Schutzstufe abgelehnt, oder falscher Aufruf"),
    _INTERRUPTED_LINE,
)

SCAN_EPILOG = _exit_codes(
    (EXIT_OK, "Bericht ausgegeben (auch wenn er Fundstellen enthält)"),
    (EXIT_REFUSED, "Datei nicht gefunden oder nicht lesbar, oder falscher Aufruf"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = _GermanParser(
        prog="workbench",
        description="KI-Werkbank: generative KI sicher ausprobieren (Schutzstufen nach VITAKO/KGSt).",
        epilog=MAIN_EPILOG,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL", title="Befehle")

    def command(
        name: str, func: Callable[[argparse.Namespace], int], summary: str, **kwargs: Any
    ) -> argparse.ArgumentParser:
        description = summary[0].upper() + summary[1:] + "."
        command_parser = sub.add_parser(name, help=summary, description=description, **kwargs)
        # `main` reports unknown arguments with the help of the command they were given to.
        command_parser.set_defaults(func=func, command_parser=command_parser)
        return command_parser

    run = command("run", cmd_run, "die Werkbank im Browser starten", epilog=RUN_EPILOG)
    run.add_argument("--port", type=_port, default=8501, help="Port der App (Standard: 8501)")
    run.add_argument("--headless", action="store_true", help="keinen Browser öffnen")

    def add_stufe(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--schutzstufe",
            type=_schutzstufe,
            metavar="{1,2}",
            default=DEFAULT_SCHUTZSTUFE,
            help="1: keine personenbezogenen Daten; 2: personenbezogene Daten, nur lokale Dienste (Standard: 2)",
        )

    status = command(
        "status",
        cmd_status,
        "KI-Dienste, Einstufung, Erreichbarkeit und Modelle anzeigen",
        epilog=STATUS_EPILOG,
    )
    add_stufe(status)

    ask = command(
        "ask", cmd_ask, "eine Frage an ein Modell stellen (mit Transparenzhinweis)", epilog=ASK_EPILOG
    )
    add_stufe(ask)
    ask.add_argument("--endpoint", help="Kennung des KI-Dienstes, z. B. ollama oder openai")
    ask.add_argument("--model", help="Modellname (Standard: Voreinstellung des Dienstes)")
    ask.add_argument(
        "--pseudonymize",
        action="store_true",
        help="personenbezogene Angaben vor dem Versand durch Platzhalter ersetzen (nur wenn die "
        'Richtlinie der Organisation es erlaubt: [privacy] policy = "pseudonymize" oder "warn")',
    )
    ask.add_argument("prompt", metavar="PROMPT", help="die Frage; - liest sie von der Standardeingabe")

    compare = command(
        "compare", cmd_compare, "dieselbe Frage an zwei Modelle gleichzeitig stellen", epilog=COMPARE_EPILOG
    )
    add_stufe(compare)
    compare.add_argument(
        "--a", help="Dienst A, z. B. ollama oder ollama:mistral (Standard: erster lokaler Dienst)"
    )
    compare.add_argument(
        "--b", help="Dienst B, z. B. openai:gpt-4o-mini (Standard: öffentlicher Dienst, falls erlaubt)"
    )
    compare.add_argument("prompt", metavar="PROMPT", help="die Frage; - liest sie von der Standardeingabe")

    scan_parser = command(
        "scan",
        cmd_scan,
        "Datenschutz-Check: personenbezogene Daten in einer Datei finden (JSON)",
        epilog=SCAN_EPILOG,
    )
    scan_parser.add_argument(
        "file", metavar="DATEI", help="TXT, CSV, XLSX oder DOCX; - liest von der Standardeingabe"
    )
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        reporter: argparse.ArgumentParser = getattr(args, "command_parser", parser)
        reporter.error(f"unbekannte Argumente: {' '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    _configure_logging()
    args = _parse(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except WorkbenchError as exc:
        _err(_format_error(exc))
        return EXIT_BACKEND
    except KeyboardInterrupt:
        _err("Abgebrochen.")
        return EXIT_INTERRUPTED
    finally:
        _report_run_log()


if __name__ == "__main__":
    sys.exit(main())
