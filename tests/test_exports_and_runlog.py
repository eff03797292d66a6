"""The run log when its database is locked, corrupt or unwritable, and formula-safe CSV/XLSX exports.

Everything runs against real files: a second SQLite connection holds ``BEGIN EXCLUSIVE`` like another
program would, corrupt databases are real bytes on disk, and every export is read back with the csv
module or openpyxl and checked cell by cell.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fakes import Reply
from workbench.cli import main
from workbench.config import Classification, load_settings
from workbench.exports import neutralize, to_csv, to_docx, to_xlsx
from workbench.gateway import ChatRequest, Gateway, logged_gateway
from workbench.history import BUSY_TIMEOUT_S, STORAGE_ERRORS, RunLog, RunRecord, problem_kind, run_log_path
from workbench.transparency import Notice, computed_notice

EVIL = '=HYPERLINK("http://x","klick")'
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@contextlib.contextmanager
def held_exclusive(path: Path) -> Iterator[None]:
    """Another program holding the database: a second connection inside BEGIN EXCLUSIVE."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def ask(gw: Gateway, fake_ollama, text: str = "Guten Tag.") -> tuple[str, int | None, float]:
    fake_ollama.replies.append(Reply(text=text))
    start = time.perf_counter()
    result = gw.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 2, "ollama")).result
    return result.text, result.run_id, time.perf_counter() - start


def data_dir() -> Path:
    return Path(os.environ["WORKBENCH_DATA_DIR"])


def write_corrupt_pages(path: Path) -> None:
    """A real run log whose pages after the header were overwritten: "database disk image is malformed"."""
    log = RunLog(path)
    for _ in range(100):
        log.record(RunRecord("s", "p" * 300, 1, "ollama", "llama3.2", "lokal", "gesendet"))
    log.engine.dispose()  # the last connection closes: SQLite folds the WAL back into the file
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


# --- Task A: a locked run log -----------------------------------------------------------------


def test_busy_timeout_is_short():
    assert 0 < BUSY_TIMEOUT_S <= 1.0


def test_locked_run_log_never_stalls_an_answer_and_is_reported_once(workbench_env, fake_ollama):
    gw = logged_gateway(load_settings(), session="gesperrt")
    assert gw.run_log is not None and gw.record_problem is None
    with held_exclusive(gw.run_log.path):
        timings = []
        for number in range(3):
            text, run_id, elapsed = ask(gw, fake_ollama, f"Antwort {number}")
            assert text == f"Antwort {number}" and run_id is None  # the answer arrives, unrecorded
            timings.append(elapsed)
            if number == 0:
                first = gw.record_problem
        print(f"\nAntwortzeiten bei gesperrtem Protokoll: {', '.join(f'{t:.2f} s' for t in timings)}")
        assert max(timings) < 5  # instead of ~30 s; generous for a loaded machine
        assert first is not None and "gesperrt" in first and str(gw.run_log.path) in first
        assert gw.record_problem is first  # the first problem stays: told once, not per request
        # a new gateway of the same process (the app's next script run) knows it at once
        assert logged_gateway(load_settings(), session="gesperrt").record_problem == first
    _, run_id, _ = ask(gw, fake_ollama)
    assert run_id is not None  # the lock is gone: recorded again
    assert logged_gateway(load_settings(), session="gesperrt").record_problem is None


def test_every_thread_gives_up_within_the_busy_timeout(tmp_path):
    path = tmp_path / "log.sqlite3"
    log = RunLog(path)
    record = RunRecord("s", "chat", 2, "ollama", "llama3.2", "lokal", "gesendet")
    with held_exclusive(path):
        start = time.perf_counter()
        assert RunLog(path).path == path  # an up-to-date log opens although it is locked
        assert time.perf_counter() - start < 1.0
        durations: list[float] = []
        errors: list[BaseException] = []

        def write() -> None:
            begin = time.perf_counter()
            try:
                log.record(record)
            except STORAGE_ERRORS as exc:
                errors.append(exc)
            durations.append(time.perf_counter() - begin)

        threads = [threading.Thread(target=write) for _ in range(4)]
        for thread in threads:
            thread.start()
        write()
        for thread in threads:
            thread.join()
    assert len(errors) == 5 and all(problem_kind(e) == "locked" for e in errors)
    assert max(durations) < BUSY_TIMEOUT_S + 2.0, durations  # far from the old 30 s, robust under load
    assert log.problem is not None and "gesperrt" in log.problem
    assert log.record(record) > 0 and log.problem is None


# --- Task A: corrupt and unwritable ------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected", "wrong"),
    [
        ("random_bytes", "ist beschädigt", "nicht beschreibbar"),
        ("malformed_pages", "ist beschädigt", "nicht beschreibbar"),
        ("folder_is_a_file", "ist nicht beschreibbar", "beschädigt"),
    ],
)
def test_run_log_problem_is_named_accurately(workbench_env, fake_ollama, monkeypatch, tmp_path, damage, expected, wrong):  # fmt: skip
    folder = tmp_path / f"daten-{damage}"
    if damage == "folder_is_a_file":
        folder.write_text("kein Ordner")
    else:
        folder.mkdir()
        if damage == "random_bytes":
            run_log_path(folder).write_bytes(os.urandom(8192))
        else:
            write_corrupt_pages(run_log_path(folder))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    gw = logged_gateway(load_settings(), session="kaputt")
    text, run_id, elapsed = ask(gw, fake_ollama, "Trotzdem eine Antwort.")
    assert text == "Trotzdem eine Antwort." and run_id is None and elapsed < 5
    problem = gw.record_problem
    assert problem is not None and expected in problem and wrong not in problem
    assert "WORKBENCH_DATA_DIR" in problem
    if damage != "folder_is_a_file":
        assert str(run_log_path(folder)) in problem and "Verschieben Sie die Datei" in problem


def test_app_shows_the_run_log_problem_once_per_session(workbench_env):
    run_log_path(data_dir()).parent.mkdir(parents=True, exist_ok=True)
    run_log_path(data_dir()).write_bytes(os.urandom(8192))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [w.value for w in at.warning if "Anfrageprotokoll" in str(w.value)]
    assert len(shown) == 1 and "beschädigt" in shown[0]
    at.run()  # the next script run builds a new gateway with the same problem
    assert not [w.value for w in at.warning if "Anfrageprotokoll" in str(w.value)]


# --- Task A: the terminal speaks German ---------------------------------------------------------


def test_cli_reports_a_corrupt_log_in_german_and_no_log_lines(workbench_env, fake_ollama):
    run_log_path(data_dir()).parent.mkdir(parents=True, exist_ok=True)
    run_log_path(data_dir()).write_bytes(os.urandom(8192))
    fake_ollama.replies.append(Reply(text="Guten Tag!"))
    env = {k: v for k, v in workbench_env.items() if k != "WORKBENCH_LOG_LEVEL"}
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "Hallo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Guten Tag!\n\nTransparenzhinweis:")
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Hinweis zum Anfrageprotokoll: Die Protokolldatei")
    assert "beschädigt" in lines[0]
    for english in ("WARNING", "workbench.gateway", "run log", "DatabaseError", "Traceback"):
        assert english not in proc.stderr


def test_cli_shows_log_lines_only_when_asked(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text="Guten Tag!"))
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "ask", "Hallo"],
        env={**workbench_env, "WORKBENCH_LOG_LEVEL": "info"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "INFO workbench.gateway: decision" in proc.stderr


def test_cli_compare_with_a_locked_log_answers_and_warns_once(workbench_env, fake_ollama, capsys):
    path = run_log_path(data_dir())
    RunLog(path)  # an existing, up-to-date log that another program then locks
    fake_ollama.replies.extend([Reply(text="Antwort A"), Reply(text="Antwort B")])
    with held_exclusive(path):
        start = time.perf_counter()
        code = main(["compare", "--a", "ollama", "--b", "ollama:mistral", "Eine Frage"])
        elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Antwort A" in out and "Antwort B" in out
    assert elapsed < 5  # two answers in parallel, each record gives up after BUSY_TIMEOUT_S
    assert err.count("Hinweis zum Anfrageprotokoll") == 1 and "gesperrt" in err


# --- Task B: formulas in exports ---------------------------------------------------------------

ATTACKS = [
    EVIL,
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "  \t@SUM(A1)",
    "\u00a0=1+1",  # no-break space
]


def is_dangerous(cell: object) -> bool:
    return isinstance(cell, str) and (
        cell.startswith(DANGEROUS_START) or cell.lstrip().startswith(DANGEROUS_START)
    )


@pytest.mark.parametrize("value", ATTACKS)
def test_neutralize_covers_leading_whitespace_and_control_characters(value):
    safe = neutralize(value)
    assert isinstance(safe, str) and safe == "'" + value and not is_dangerous(safe)


@pytest.mark.parametrize("value", ["Text", "Müll – 3 t", "E-Mail", "a=b", 5, -3.5, None])
def test_neutralize_leaves_harmless_values(value):
    assert neutralize(value) == value


def evil_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            EVIL: ATTACKS,  # a column name from untrusted input
            "Kategorie": pd.Categorical(["@a", "b", "=c", "d", "e", "f", "g", "h", "i", "j"]),
            "Text": pd.Series(["+x", "ok", None, "-", "y", "z", "\x07=1", "w", "v", "u"], dtype="string"),
            "Menge": range(10),
        }
    )


def evil_notice() -> Notice:
    return Notice(
        ai_generated=True,
        model=EVIL,
        endpoint_id="@ollama",
        endpoint_label="+Lokales Ollama",
        classification=Classification.LOCAL,
        schutzstufe=2,
        organisation="-Musterstadt",
        organisation_notice="=1+1",
    )


def csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for German Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def assert_inert_csv(data: bytes) -> list[list[str]]:
    rows = csv_cells(data)
    dangerous = [cell for row in rows for cell in row if is_dangerous(cell)]
    assert dangerous == []
    return rows


@pytest.mark.parametrize("notice", [evil_notice(), computed_notice("=Methode", "@Orga")])
def test_csv_export_has_no_formula_cell(notice):
    rows = assert_inert_csv(to_csv(evil_frame(), notice))
    assert rows[0][0] == "'" + EVIL and rows[0][1:] == ["Kategorie", "Text", "Menge"]
    assert rows[6][0] == "'\r=1+1" and rows[7][0] == "'\n=1+1"  # quoted: still one cell each
    assert len(rows) == 1 + len(ATTACKS) + 2
    assert rows[-1][0].startswith(f"{notice.title}: ")  # the notice still travels with the copy


def test_xlsx_export_has_no_formula_cell_anywhere():
    data = to_xlsx(evil_frame(), evil_notice(), sheet="=Bürger: Anfragen [2026]/März?")
    book = load_workbook(io.BytesIO(data))
    assert [s.title for s in book.worksheets] == ["=Bürger- Anfragen -2026--März-", "Transparenzhinweis"]
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.parent.title, c.coordinate, c.value) for c in cells if is_dangerous(c.value)] == []
    notice_sheet = book["Transparenzhinweis"]
    fields = {row[0].value: row[1].value for row in notice_sheet.iter_rows(min_row=3) if row[0].value}
    assert fields["model"] == "'" + EVIL and fields["endpoint_label"] == "'+Lokales Ollama"
    assert fields["organisation"] == "'-Musterstadt"
    assert not is_dangerous(book.properties.title)
    assert json.loads(book.properties.description)["model"] == EVIL  # machine-readable, never a cell
    assert book.worksheets[0]["C8"].value == "'=1"  # the control character XML cannot hold is dropped


def _verlauf_page(page: str) -> None:
    """Runs the Verlauf page and keeps the media store, so the test can read what the buttons serve."""
    import runpy

    import streamlit as st
    from streamlit.runtime import Runtime

    st.session_state["_test_media"] = Runtime.instance().media_file_mgr
    runpy.run_path(page, run_name="__main__")


def downloads(at: AppTest) -> dict[str, bytes]:
    store = at.session_state["_test_media"]
    files = {}
    for button in at.get("download_button"):
        file_id = re.sub(r"\.\w+$", "", button.proto.url.rsplit("/", 1)[-1])
        files[button.proto.label] = store.read_file(file_id).content
    return files


def test_verlauf_page_csv_exports_are_neutralised(workbench_env):
    log = RunLog(run_log_path(data_dir()))
    for purpose in (EVIL, "\t=chat", " +cmd"):
        log.record(
            RunRecord(
                "verlauf", purpose, 1, "@ollama", EVIL, "lokal", "gesendet", reason="-x", prompt_tokens=3
            )
        )
    at = AppTest.from_function(_verlauf_page, args=(str(ROOT / "views/history.py"),), default_timeout=30)
    at.session_state["_session_id"] = "verlauf"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    files = downloads(at)
    verlauf = assert_inert_csv(files["Verlauf (CSV)"])
    assert verlauf[0][:5] == ["Zeitpunkt", "Seite / Übung", "Schutzstufe", "Dienst", "Modell"]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", verlauf[1][0])  # German, not ISO
    assert verlauf[1][7] == "'-x" and verlauf[1][9] == "3"  # reason code kept when unknown, neutralised
    assert [row[4] for row in verlauf[1:]] == ["'" + EVIL] * 3
    protocol = assert_inert_csv(files["Protokoll für den Datenschutz (CSV)"])
    assert protocol[0] == ["Schutzstufe", "Dienst", "Ort", "Entscheidung", "Anzahl"]
    assert protocol[1] == ["1", "'@ollama", "lokal", "gesendet", "3"]
    assert protocol[-1][0].startswith("Hinweis: Berechnet ohne KI")


SPREADSHEET_WRITERS = re.compile(
    r"\.to_csv\(|\.to_excel\(|csv\.(writer|DictWriter)\(|ExcelWriter\(|Workbook\("
)


def test_every_spreadsheet_is_written_by_the_exports_module():
    """One place neutralises formulas: no page or helper writes CSV/XLSX on its own."""
    sources = [ROOT / "app.py", *(ROOT / "views").rglob("*.py"), *(ROOT / "workbench").rglob("*.py")]
    writers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        if path != ROOT / "workbench" / "exports.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SPREADSHEET_WRITERS.search(line)
    ]
    assert writers == []


def test_csv_for_german_excel_has_decimal_commas_yes_no_and_german_dates():
    notice = computed_notice("Zählung.", "Stadt Musterstadt")
    import pandas as pd

    frame = pd.DataFrame(
        {
            "Dauer (s)": [0.03, 9524.2],
            "Rückmeldung": [True, False],
            "Datum": pd.to_datetime(["2026-03-09 07:30", "2026-04-06 12:00"]),
            "Anzahl": [1, 2],
        }
    )
    rows = list(csv.reader(io.StringIO(to_csv(frame, notice).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["0,03", "ja", "09.03.2026 07:30", "1"]
    assert rows[2] == ["9524,2", "nein", "06.04.2026 12:00", "2"]
    assert "True" not in rows[1] + rows[2]


def test_csv_and_word_carry_remarks_after_the_table():
    notice = computed_notice("Zählung.", "Stadt Musterstadt")
    import docx
    import pandas as pd

    frame = pd.DataFrame({"Programmpunkt": ["Begrüßung"], "Dauer (Min.)": [15]})
    text = to_csv(frame, notice, ["Der Plan dauert 75 statt 60 Minuten."], "Offene Punkte:").decode(
        "utf-8-sig"
    )
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r]
    assert rows[2:4] == [["Offene Punkte:"], ["Der Plan dauert 75 statt 60 Minuten."]]
    assert rows[-1][0].startswith(notice.title)
    document = docx.Document(
        io.BytesIO(
            to_docx("Plan", "", notice, frame, "## Offene Punkte\n- Der Plan dauert 75 statt 60 Minuten.")
        )
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.index("Offene Punkte") < paragraphs.index("Der Plan dauert 75 statt 60 Minuten.")
    assert paragraphs.index("Der Plan dauert 75 statt 60 Minuten.") < paragraphs.index(notice.title)


def test_word_files_have_real_tables_german_language_and_the_workbench_as_author():
    import docx

    notice = computed_notice("Zählung.", "Stadt Musterstadt")
    content = (
        "## Auffällige Touren\n\n| Tour | Bezirk |\n|:-----|:-------|\n| T05 | Altstadt |\n| T12 | Nord |\n\n"
        "> **Transparenzhinweis:** Erstellt mit KI.\n"
    )
    document = docx.Document(io.BytesIO(to_docx("Bericht", content, notice)))
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Tour", "Bezirk"],
        ["T05", "Altstadt"],
        ["T12", "Nord"],
    ]
    texts_ = [p.text for p in document.paragraphs]
    assert not any(t.startswith(("|", ">")) for t in texts_)
    assert "Transparenzhinweis: Erstellt mit KI." in texts_
    assert [p.style.name for p in document.paragraphs if p.text == "Auffällige Touren"] == ["Heading 2"]
    properties = document.core_properties
    assert properties.author == "KI-Werkbank" and properties.language == "de-DE"
    assert properties.created.year >= 2026
    lang = document.styles["Normal"].element.rPr.find(docx.oxml.ns.qn("w:lang"))
    assert lang.get(docx.oxml.ns.qn("w:val")) == "de-DE"
