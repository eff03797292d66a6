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
def run_log(database):
    """The workshop tests run on SQLite and on PostgreSQL."""
    return RunLog(database)


def compare_and_rate(
    run_log, gateway: Gateway, rating: str, comparison: str, purpose="vergleich:neujahrsempfang"
):
    """One comparison local (A) against public (B), rated as the Vergleich page does."""
    ask = [{"role": "user", "content": "Plane den Empfang."}]
    a, b = run_side_by_side(
        gateway,
        (ChatRequest(ask, 1, "ollama", purpose=purpose), ChatRequest(ask, 1, "openai", purpose=purpose)),
    )
    sides = [
        (a.result.run_id, "lokal", verdicts(rating)[0]),
        (b.result.run_id, "oeffentlich", verdicts(rating)[1]),
    ]
    run_log.rate_comparison(comparison, rating, sides, session=gateway.session, user_id=gateway.user_id,
                            workshop=gateway.workshop, purpose=purpose)  # fmt: skip
    return sides


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
        compare_and_rate(run_log, gateway, rating, f"cmp-{session}")
    outsider = Gateway(settings, run_log=run_log, session="s9")  # not in the workshop
    assert outsider.chat(ChatRequest(ask, 2, "ollama")).result.complete
    with pytest.raises(Exception):  # noqa: B017 - refused, recorded with its findings
        Gateway(settings, run_log=run_log, session="s1", workshop=code).chat(
            ChatRequest([{"role": "user", "content": "IBAN DE89 3704 0044 0532 0130 00"}], 1, "openai")
        )
    summary = summarize_workshop(
        run_log.workshop(code), run_log.runs(workshop=code), TITLES, run_log.ratings(workshop=code)
    )
    assert summary.participants == 3
    assert summary.runs.set_index("Übung")["Anfragen"].to_dict() == {
        "Vergleich: Neujahrsempfang planen": 6,
        "Freier Chat": 1,
    }
    ratings = summary.ratings.set_index(["Übung", "Urteil"])["Anzahl"].to_dict()
    assert ratings == {
        ("Vergleich: Neujahrsempfang planen", "lokal besser"): 2,
        ("Vergleich: Neujahrsempfang planen", "öffentlich besser"): 1,
    }
    assert summary.rating_count == 3
    assert summary.findings == {"IBAN": 1}
    report = summary_markdown(summary, "22.11.2026")
    assert (
        "Teilnehmende: 3 " in report
        and "Neujahrsempfang planen" in report
        and "IBAN (Bankverbindung): 1" in report
    )
    assert "s1" not in report and "DE89" not in report
    assert run_log.reset_workshop(code) == 7
    assert run_log.runs(workshop=code).empty and len(run_log.runs()) == 1
    assert run_log.ratings(workshop=code).empty


def test_exercise_names():
    assert exercise_name("anwendungsfall:neujahrsempfang", TITLES) == "Neujahrsempfang planen"
    assert exercise_name("vergleich:freitext", TITLES) == "Vergleich: freier Text"
    assert exercise_name("agent:schritt2", TITLES) == "KI-Agent"


def test_workshop_and_evaluation_pages(workbench_env, fake_ollama):
    at = load("views/workshop.py")
    at.button(key="FormSubmitter:ws_create-Workshop anlegen").click().run()
    assert "Bitte tragen Sie Leitung ein" in texts(at.error)  # the record names who led it
    assert "ws_created" not in at.session_state
    at.text_input(key="ws_trainer").set_value("Anna Weber")
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
    assert metrics["Teilnehmende"] == "1"
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


def test_the_art4_record_of_a_workshop_with_two_participants_two_ratings_and_a_connection_test(
    workbench_env, run_log, fake_ollama, fake_openai
):
    """The exact numbers: 2 participants, 2 rated comparisons (not 4), a connection test that is no exercise."""
    titles = {**TITLES, "pressemitteilung": "Pressemitteilung entwerfen"}
    code = run_log.create_workshop(
        "KI-Werkstatt Bürgerbüro", ["neujahrsempfang", "pressemitteilung"], trainer="Anna Weber, Digitalteam",
        topics=["schutzstufen", "transparenz", "letztverantwortung", "regeln"], created_by="p-trainer",
    )  # fmt: skip
    settings = load_settings()
    anna = Gateway(settings, run_log=run_log, session="tab-1", workshop=code, user_id="p-aaaa")
    anna_second_tab = Gateway(settings, run_log=run_log, session="tab-2", workshop=code, user_id="p-aaaa")
    ben = Gateway(settings, run_log=run_log, session="tab-3", workshop=code, user_id="p-bbbb")
    compare_and_rate(run_log, anna, "gleichwertig", "cmp-1")
    sides = compare_and_rate(run_log, ben, "A besser", "cmp-2")
    again = [
        (run_id, place, verdict)
        for (run_id, place, _), verdict in zip(sides, verdicts("B besser"), strict=True)
    ]
    run_log.rate_comparison("cmp-2", "B besser", again, session="tab-3", user_id="p-bbbb", workshop=code,
                            purpose="vergleich:neujahrsempfang")  # Ben changes his mind: still one rating  # fmt: skip
    test = ChatRequest(
        [{"role": "user", "content": "Antworte nur mit OK"}], 2, "ollama", purpose="verbindungstest"
    )
    assert anna_second_tab.chat(test).result.complete
    summary = summarize_workshop(
        run_log.workshop(code), run_log.runs(workshop=code), titles, run_log.ratings(workshop=code)
    )
    assert summary.participants == 2  # Anna's two tabs are one person; the connection test adds nobody
    assert summary.rating_count == 2
    assert summary.exercises == ["Vergleich: Neujahrsempfang planen"]
    assert summary.runs.set_index("Übung")["Anfragen"].to_dict() == {"Vergleich: Neujahrsempfang planen": 4}
    report = summary_markdown(summary, "03.12.2026, 10:00 Uhr")
    today = summary.dates[0]
    assert f"- Datum: {today[8:10]}.{today[5:7]}.{today[:4]}\n" in report
    assert "- Leitung: Anna Weber, Digitalteam\n" in report
    assert "- Teilnehmende: 2 (ohne Namen erfasst)\n" in report
    assert "- Geübte Anwendungsfälle: Vergleich: Neujahrsempfang planen\n" in report
    assert "- Bewertete Vergleiche: 2\n" in report
    assert "- Vergleich: Neujahrsempfang planen: gleichwertig (1×)\n" in report
    assert "- Vergleich: Neujahrsempfang planen: öffentlich besser (1×)\n" in report
    assert "lokal besser" not in report  # the replaced rating is gone
    for topic in ("Schutzstufen", "Transparenz", "Letztverantwortung beim Menschen", "Regeln der Guideline"):
        assert topic in report
    assert "verbindungstest" not in report.lower() and "Pressemitteilung" not in report
    assert "p-aaaa" not in report and "tab-1" not in report
