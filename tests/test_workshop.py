"""Workshops: join with a code, runs tagged without names, aggregation, evidence export, reset."""

import pytest

from tests.test_pages import load, no_exception, texts
from workbench.compare import run_side_by_side, verdicts
from workbench.config import load_settings
from workbench.gateway import ChatRequest, Gateway
from workbench.history import RunLog
from workbench.workshop import exercise_name, summarize_workshop, summary_markdown

TITLES = {"neujahrsempfang": "Neujahrsempfang planen"}


@pytest.fixture
def run_log(tmp_path):
    return RunLog(tmp_path / "log.sqlite3")


def test_join_codes_are_short_and_readable(run_log):
    code = run_log.create_workshop("KI-Werkstatt", ["neujahrsempfang"])
    assert len(code) == 6 and not set(code) & set("01OIL")
    assert run_log.workshop(code.lower())["name"] == "KI-Werkstatt"
    assert run_log.workshop("XXXXXX") is None


def test_aggregation_over_several_sessions(workbench_env, run_log, fake_ollama, fake_openai):
    code = run_log.create_workshop("KI-Werkstatt", ["neujahrsempfang"])
    settings = load_settings()
    ask = [{"role": "user", "content": "Plane den Empfang."}]
    for session, rating in (("s1", "A besser"), ("s2", "A besser"), ("s3", "B besser")):
        gateway = Gateway(settings, run_log=run_log, session=session, workshop=code)
        a, b = run_side_by_side(
            gateway,
            (ChatRequest(ask, 1, "ollama", purpose="vergleich:neujahrsempfang"),
             ChatRequest(ask, 1, "openai", purpose="vergleich:neujahrsempfang")),
        )  # fmt: skip
        for result, verdict in zip((a.result, b.result), verdicts(rating), strict=True):
            run_log.rate(result.run_id, verdict)
    outsider = Gateway(settings, run_log=run_log, session="s9")  # not in the workshop
    assert outsider.chat(ChatRequest(ask, 2, "ollama")).result.complete
    with pytest.raises(Exception):  # noqa: B017 - refused, recorded with its findings
        Gateway(settings, run_log=run_log, session="s1", workshop=code).chat(
            ChatRequest([{"role": "user", "content": "IBAN DE89 3704 0044 0532 0130 00"}], 1, "openai")
        )
    summary = summarize_workshop(run_log.workshop(code), run_log.runs(workshop=code), TITLES)
    assert summary.participants == 3
    assert summary.runs.set_index("Übung")["Anfragen"].to_dict() == {
        "Vergleich: Neujahrsempfang planen": 6,
        "Freier Chat": 1,
    }
    ratings = summary.ratings.set_index(["Ort", "Urteil"])["Anzahl"].to_dict()
    assert ratings == {
        ("lokal", "besser"): 2,
        ("lokal", "schlechter"): 1,
        ("öffentlich", "besser"): 1,
        ("öffentlich", "schlechter"): 2,
    }
    assert summary.findings == {"IBAN": 1}
    report = summary_markdown(summary, "22.11.2026")
    assert (
        "Teilnehmende Sitzungen: 3" in report
        and "Neujahrsempfang planen" in report
        and "IBAN (Bankverbindung): 1" in report
    )
    assert "s1" not in report and "DE89" not in report
    assert run_log.reset_workshop(code) == 7
    assert run_log.runs(workshop=code).empty and len(run_log.runs()) == 1


def test_exercise_names():
    assert exercise_name("anwendungsfall:neujahrsempfang", TITLES) == "Neujahrsempfang planen"
    assert exercise_name("vergleich:freitext", TITLES) == "Vergleich: freier Text"
    assert exercise_name("agent:schritt2", TITLES) == "KI-Agent"


def test_workshop_and_evaluation_pages(workbench_env, fake_ollama):
    at = load("views/workshop.py")
    at.button(key="FormSubmitter:ws_create-Workshop anlegen").click().run()
    no_exception(at)
    code = at.session_state["ws_created"]
    assert code in texts(at.success)
    participant = load("views/workshop.py")
    participant.text_input(key="ws_join_code").set_value(code.lower())
    participant.button(key="FormSubmitter:ws_join-Beitreten").click().run()
    no_exception(participant)
    assert participant.session_state["workshop_code"] == code
    assert "Sie nehmen am Workshop" in texts(participant.success)
    chat = load("views/chat.py", schutzstufe=2, workshop_code=code)
    chat.chat_input[0].set_value("Hallo").run()
    chat.chat_input[0].set_value("Frau Dr. Claudia Vogel, Lindenstraße 12, 48143 Münster").run()
    evaluation = load("views/evaluation.py")
    no_exception(evaluation)
    metrics = {m.label: m.value for m in evaluation.metric}
    assert metrics["Teilnehmende Sitzungen"] == "1"
    kinds = evaluation.dataframe[-1].value["Art"].tolist()
    assert "Name einer Person" in kinds and "Anschrift" in kinds and "PERSON" not in kinds
    labels = [b.label for b in evaluation.get("download_button")]
    assert "Nachweis (Markdown)" in labels and "Nachweis (Word)" in labels


def test_unknown_code_is_explained(workbench_env):
    at = load("views/workshop.py")
    at.text_input(key="ws_join_code").set_value("ZZZZZZ")
    at.button(key="FormSubmitter:ws_join-Beitreten").click().run()
    assert "gibt es nicht" in texts(at.error)
    assert "workshop_code" not in at.session_state


def test_the_record_names_only_practised_exercises_and_no_technical_contacts(run_log):
    from workbench.history import RunRecord

    titles = {**TITLES, "pressemitteilung": "Pressemitteilung entwerfen", "protokoll": "Protokoll kürzen"}
    code = run_log.create_workshop("KI-Werkstatt", ["neujahrsempfang", "pressemitteilung", "protokoll"])

    def record(session: str, purpose: str, decision: str, findings: dict[str, int] | None = None) -> None:
        run_log.record(
            RunRecord(
                session, purpose, 2, "ollama", "llama3.2", "lokal", decision, findings=findings, workshop=code
            )
        )

    record("s1", "anwendungsfall:neujahrsempfang", "gesendet")
    record("s2", "anwendungsfall:neujahrsempfang", "gesendet")
    record("s2", "anwendungsfall:pressemitteilung", "abgelehnt", {"PERSON": 2})  # held back: not practised
    record("s1", "verbindungstest", "gesendet")  # a connection test is no exercise
    summary = summarize_workshop(run_log.workshop(code), run_log.runs(workshop=code), titles)
    assert summary.exercises == ["Neujahrsempfang planen"]  # "Protokoll kürzen" was configured, never run
    assert set(summary.runs["Übung"]) == {"Neujahrsempfang planen", "Pressemitteilung entwerfen"}
    assert summary.participants == 2
    report = summary_markdown(summary, "02.12.2026")
    assert "Geübte Anwendungsfälle: Neujahrsempfang planen\n" in report
    assert "verbindungstest" not in report and "Protokoll kürzen" not in report
    assert "Name einer Person: 2" in report
