"""The ``workbench`` command: start the app, show endpoint status, ask a model from the terminal.

Every command goes through the same gateway as the app, with Schutzstufe 2 as the default. German
messages go to stderr, answers to stdout. Exit codes: 0 success, 1 the model service failed,
2 refused by the policy or wrong usage, 3 the answer broke off (partial text printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from workbench.config import Endpoint, Settings, load_settings
from workbench.errors import PolicyRefused, PrivacyRefused, WorkbenchError
from workbench.gateway import ChatRequest, Gateway, logged_gateway
from workbench.policy import DEFAULT_SCHUTZSTUFE, OPTION_PSEUDONYMIZE, Schutzstufe, parse_schutzstufe
from workbench.privacy import recommend_schutzstufe, scan, summarize

EXIT_OK, EXIT_BACKEND, EXIT_REFUSED, EXIT_INCOMPLETE = 0, 1, 2, 3
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
        if OPTION_PSEUDONYMIZE in exc.options:
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


def _schutzstufe(value: str) -> Schutzstufe:
    """The Schutzstufe from the command line, parsed here, at the edge, into the enum."""
    level = parse_schutzstufe(value)
    if level is None:
        raise argparse.ArgumentTypeError(f"„{value}“ ist keine Schutzstufe; erlaubt sind 1 und 2")
    return level


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="KI-Werkbank: generative KI sicher ausprobieren (Schutzstufen nach VITAKO/KGSt).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    run = sub.add_parser("run", help="die Werkbank im Browser starten")
    run.add_argument("--port", type=int, default=8501, help="Port der App (Standard: 8501)")
    run.add_argument("--headless", action="store_true", help="keinen Browser öffnen")
    run.set_defaults(func=cmd_run)

    def add_stufe(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--schutzstufe",
            type=_schutzstufe,
            metavar="{1,2}",
            default=DEFAULT_SCHUTZSTUFE,
            help="1: keine personenbezogenen Daten; 2: personenbezogene Daten, nur lokale Dienste (Standard: 2)",
        )

    status = sub.add_parser("status", help="KI-Dienste, Einstufung, Erreichbarkeit und Modelle anzeigen")
    add_stufe(status)
    status.set_defaults(func=cmd_status)

    ask = sub.add_parser("ask", help="eine Frage an ein Modell stellen (mit Transparenzhinweis)")
    add_stufe(ask)
    ask.add_argument("--endpoint", help="Kennung des KI-Dienstes, z. B. ollama oder openai")
    ask.add_argument("--model", help="Modellname (Standard: Voreinstellung des Dienstes)")
    ask.add_argument(
        "--pseudonymize",
        action="store_true",
        help="personenbezogene Angaben vor dem Versand durch Platzhalter ersetzen (wenn die Richtlinie es erlaubt)",
    )
    ask.add_argument("prompt", metavar="PROMPT", help="die Frage; - liest sie von der Standardeingabe")
    ask.set_defaults(func=cmd_ask)

    compare = sub.add_parser("compare", help="dieselbe Frage an zwei Modelle gleichzeitig stellen")
    add_stufe(compare)
    compare.add_argument(
        "--a", help="Dienst A, z. B. ollama oder ollama:mistral (Standard: erster lokaler Dienst)"
    )
    compare.add_argument(
        "--b", help="Dienst B, z. B. openai:gpt-4o-mini (Standard: öffentlicher Dienst, falls erlaubt)"
    )
    compare.add_argument("prompt", metavar="PROMPT", help="die Frage; - liest sie von der Standardeingabe")
    compare.set_defaults(func=cmd_compare)

    scan_parser = sub.add_parser(
        "scan", help="Datenschutz-Check: personenbezogene Daten in einer Datei finden (JSON)"
    )
    scan_parser.add_argument(
        "file", metavar="DATEI", help="TXT, CSV, XLSX oder DOCX; - liest von der Standardeingabe"
    )
    scan_parser.set_defaults(func=cmd_scan)
    return parser


def main(argv: list[str] | None = None) -> int:
    _configure_logging()
    args = build_parser().parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except WorkbenchError as exc:
        _err(_format_error(exc))
        return EXIT_BACKEND
    except KeyboardInterrupt:
        _err("Abgebrochen.")
        return 130
    finally:
        _report_run_log()


if __name__ == "__main__":
    sys.exit(main())
