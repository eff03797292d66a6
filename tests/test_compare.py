"""Side-by-side comparison: true concurrency, figures from both protocols, ratings, Schutzstufe 2."""

import subprocess
import sys
import time
from dataclasses import replace

import pytest

from tests.conftest import API_KEY, OLLAMA_MODELS, OPENAI_MODELS, ROOT
from tests.fakes import FakeOllama, FakeOpenAI, Reply
from tests.test_pages import load, no_exception, texts
from workbench.compare import diff_html, run_side_by_side, verdicts
from workbench.config import load_settings
from workbench.errors import PolicyRefused
from workbench.gateway import ChatRequest, Gateway
from workbench.history import RunLog
from workbench.policy import Schutzstufe


def requests(level=1):
    ask = [{"role": "user", "content": "Drei Ideen für ein Stadtfest"}]
    return (
        ChatRequest(ask, level, "ollama", purpose="vergleich"),
        ChatRequest(ask, level, "openai", purpose="vergleich"),
    )


def test_both_answers_stream_at_the_same_time(gateway, fake_ollama, fake_openai):
    # each answer takes about 3 s: 12 chunks, 0.25 s apart
    for server in (fake_ollama, fake_openai):
        server.chunk_delay = 0.25
        server.replies.append(Reply(chunks=[f"Teil{i} " for i in range(12)], prompt_tokens=7))
    seen = []
    start = time.perf_counter()
    a, b = run_side_by_side(gateway, requests(), lambda index, chunk: seen.append(index))
    elapsed = time.perf_counter() - start
    assert a.result.text == b.result.text == "".join(f"Teil{i} " for i in range(12))
    # Concurrent, not one after the other: each side's first chunk arrives before the other's last one.
    # (Measured by the arrival order, not by the clock, so a loaded machine cannot fail it.)
    first = [seen.index(side) for side in (0, 1)]
    last = [len(seen) - 1 - seen[::-1].index(side) for side in (0, 1)]
    assert first[0] < last[1] and first[1] < last[0], seen
    for result in (a.result, b.result):
        assert result.usage.prompt_tokens == 7 and result.usage.completion_tokens == 12
        assert result.ttft_s is not None and result.total_s >= 2.5  # 11 gaps of 0.25 s at least
        assert result.tokens_per_second and result.tokens_per_second > 0
    print(f"\nzwei 3-Sekunden-Antworten: {elapsed:.2f} s Gesamtzeit")


def test_stufe_2_locks_the_public_side(gateway, fake_ollama, fake_openai):
    a, b = run_side_by_side(gateway, requests(level=2))
    assert a.result is not None
    assert isinstance(b.error, PolicyRefused)
    assert fake_openai.requests == []


def test_ratings_land_in_the_run_log(workbench_env, tmp_path, fake_ollama, fake_openai):
    log = RunLog(tmp_path / "log.sqlite3")
    gateway = Gateway(load_settings(), run_log=log, session="s")
    a, b = run_side_by_side(gateway, requests())
    for result, verdict in zip((a.result, b.result), verdicts("B besser"), strict=True):
        log.rate(result.run_id, verdict, "B ist konkreter")
    runs = log.runs(session="s")
    assert dict(zip(runs["location"], runs["rating"], strict=True)) == {
        "lokal": "schlechter",
        "oeffentlich": "besser",
    }


def test_diff_marks_changes_and_escapes():
    html = diff_html("Das Fest <beginnt> um 18 Uhr", "Das Fest <beginnt> um 19 Uhr")
    assert "&lt;beginnt&gt;" in html and "<del" in html and ">18<" in html and ">19<" in html


def test_cli_compare(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Lokale Antwort."))
    fake_openai.replies.append(Reply(text="Öffentliche Antwort."))
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "compare", "--schutzstufe", "1", "Hallo"],
        env=workbench_env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "=== A: ollama ===\nLokale Antwort." in proc.stdout
    assert "=== B: openai ===\nÖffentliche Antwort." in proc.stdout
    assert "Daten verlassen die Organisation: ja" in proc.stdout and "erstes Token nach" in proc.stdout
    assert proc.stdout.count("Transparenzhinweis:") == 2
    refused = subprocess.run(
        [sys.executable, "-m", "workbench", "compare", "--b", "openai", "Hallo"],
        env=workbench_env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert refused.returncode == 2 and "Schutzstufe 2" in refused.stderr
    assert len(fake_openai.chat_requests) == 1


def test_a_prepared_answer_sends_nothing_and_is_still_checked_when_read(workbench_env, fake_openai):
    """Building the backend ahead sends nothing; the Schutzstufe of the moment still decides when the
    answer is read, as for any lazy answer."""
    level = [Schutzstufe.ONE]
    gateway = Gateway(load_settings(), live_schutzstufe=lambda: level[0])
    response = gateway.chat(requests()[1]).prepare()
    assert fake_openai.requests == []
    level[0] = Schutzstufe.TWO
    with pytest.raises(PolicyRefused):
        list(response)
    assert fake_openai.requests == []


class _Journal:
    """Mixed into a fake: notes in a list it shares with the other fake when its chat request arrived
    and when each text chunk of its answer went out, in the order this happened."""

    CHAT_PATH: str

    def __init__(self, side, journal, **kwargs):
        self.side, self.journal = side, journal
        super().__init__(**kwargs)

    def _stream(self, ex, content_type, events, breaking, headers=None):
        if ex.path == self.CHAT_PATH:
            self.journal.append((self.side, "request"))
            events = (self._noted(e) if e.kind == "content" else e for e in events)
        super()._stream(ex, content_type, events, breaking, headers)

    def _noted(self, event):
        def before_send():
            if event.before_send is not None:
                event.before_send()
            self.journal.append((self.side, "chunk"))

        return replace(event, before_send=before_send)


class JournalOllama(_Journal, FakeOllama):
    pass


class JournalOpenAI(_Journal, FakeOpenAI):
    pass


def test_cli_compare_sends_both_requests_before_either_answer_is_under_way(workbench_env):
    """In a new process, as a person runs it: building a client (importing its library takes a second)
    happens before either request goes out, so neither answer is ahead when the other request arrives.
    Measured by the order of events at the two servers, with the chunk pause as the only ruler."""
    journal = []
    with (
        JournalOllama("A", journal, models=list(OLLAMA_MODELS)) as fake_a,
        JournalOpenAI("B", journal, models=list(OPENAI_MODELS), api_key=API_KEY) as fake_b,
    ):
        for server in (fake_a, fake_b):
            server.chunk_delay = 0.25
            server.default_reply = Reply(chunks=[f"Teil{i} " for i in range(6)])
        env = {**workbench_env, "OLLAMA_HOST": fake_a.url, "OPENAI_BASE_URL": fake_b.url}
        proc = subprocess.run(
            [sys.executable, "-m", "workbench", "compare", "--schutzstufe", "1", "Hallo"],
            env=env, capture_output=True, text=True, timeout=60, cwd=ROOT,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Teil0 Teil1 Teil2 Teil3 Teil4 Teil5") == 2
    second = max(journal.index((side, "request")) for side in "AB")
    first_side = "B" if journal[second][0] == "A" else "A"
    ahead = journal[:second].count((first_side, "chunk"))
    # 0.25 s lie between two chunks: a request that went out with the other one finds it at most one
    # chunk ahead; one that waited for its client library finds it several chunks ahead.
    assert ahead <= 1, journal


def test_compare_page_with_rating(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Antwort vom lokalen Modell."))
    fake_openai.replies.append(Reply(text="Antwort vom öffentlichen Modell."))
    at = load("views/compare.py", schutzstufe=1)
    at.text_area[0].set_value("Drei Ideen für ein Stadtfest").run()
    next(b for b in at.button if b.label == "Beide Modelle fragen").click().run()
    no_exception(at)
    body = texts(at.markdown)
    assert "Antwort vom lokalen Modell." in body and "Antwort vom öffentlichen Modell." in body
    captions = texts(at.caption)
    assert (
        "Daten verlassen die Organisation: **nein**" in captions
        and "Daten verlassen die Organisation: **ja**" in captions
    )
    assert captions.count("Transparenzhinweis") == 2
    at.segmented_control(key="cmp_rating_choice").set_value("A besser")
    at.button(key="FormSubmitter:cmp_rating-Bewertung speichern").click().run()
    no_exception(at)
    assert "gespeichert" in texts(at.success)
    runs = at.session_state["cmp_result"]["sides"]
    log_path = workbench_env["WORKBENCH_DATA_DIR"]
    saved = RunLog(__import__("pathlib").Path(log_path) / "protokoll.sqlite3").runs()
    assert set(saved["rating"].dropna()) == {"besser", "schlechter"}
    assert runs[0].result.run_id in saved["id"].tolist()


def test_compare_page_at_stufe_2(workbench_env, fake_openai):
    at = load("views/compare.py", schutzstufe=2)
    no_exception(at)
    assert "gesperrt" in texts(at.info)
    assert at.selectbox(key="cmp_endpoint_B").options == ["Lokales Ollama"]
    assert fake_openai.requests == []


def test_blind_mode_hides_labels_until_rated(workbench_env, fake_ollama, fake_openai):
    at = load("views/compare.py", schutzstufe=1, cmp_blind=True)
    at.text_area[0].set_value("Frage").run()
    next(b for b in at.button if b.label == "Beide Modelle fragen").click().run()
    no_exception(at)
    assert [s.value for s in at.subheader] == ["Antwort A", "Antwort B"]
    captions = texts(at.caption)
    assert "gpt-4o-mini" not in captions and "llama3.2" not in captions
    assert captions.count("Modell und Dienst werden im Blindmodus erst nach Ihrer Bewertung angezeigt") == 2
    at.segmented_control(key="cmp_rating_choice").set_value("gleichwertig")
    at.button(key="FormSubmitter:cmp_rating-Bewertung speichern").click().run()
    headers = [s.value for s in at.subheader]
    assert all(":" in h for h in headers) and {"Lokales Ollama", "OpenAI (öffentliche API)"} <= {
        h.split(" · ")[-1] for h in headers
    }


def test_history_page_lists_session_runs_and_protocol(workbench_env, fake_ollama):
    chat = load("views/chat.py", schutzstufe=2)
    chat.chat_input[0].set_value("Hallo").run()
    at = load("views/history.py", _session_id=chat.session_state["_session_id"])
    no_exception(at)
    table = at.dataframe[0].value
    assert table["Seite / Übung"].tolist() == ["Freier Chat"] and table["Entscheidung"].tolist() == [
        "gesendet"
    ]
    labels = [b.label for b in at.get("download_button")]
    assert {"Verlauf (CSV)", "Verlauf (JSON)", "Protokoll für den Datenschutz (CSV)"} <= set(labels)
    protocol = at.dataframe[1].value
    assert protocol["Anzahl"].sum() == 1 and "Hallo" not in protocol.to_csv()


def test_compare_page_with_a_garbage_stream_stays_german(workbench_env, fake_ollama, fake_openai):
    """One side sends broken JSON mid-stream: its partial text stays, marked unfinished, in German;
    the other side answers normally."""
    fake_ollama.replies.append(
        Reply(chunks=["Teilantwort ", "Rest"], inject=b'{"message": {"content": "ab\n', inject_after=1)
    )
    fake_openai.replies.append(
        Reply(chunks=["x"], inject=b'data: {"choices": [{"delta": 1\n\n', inject_after=0)
    )
    at = load("views/compare.py", schutzstufe=1)
    at.text_area[0].set_value("Drei Ideen für ein Stadtfest").run()
    next(b for b in at.button if b.label == "Beide Modelle fragen").click().run()
    no_exception(at)
    shown = "\n".join([texts(at.markdown), texts(at.error), texts(at.warning), texts(at.caption)])
    assert "Teilantwort" in shown
    assert "nicht lesen" in shown
    for english in ("Unterminated", "Expecting", "Unerwarteter Fehler:", "JSONDecodeError"):
        assert english not in shown


def test_a_comparison_is_hidden_after_the_schutzstufe_changed(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Antwort vom lokalen Modell."))
    fake_openai.replies.append(Reply(text="Antwort vom öffentlichen Modell."))
    at = load("views/compare.py", schutzstufe=1)
    at.text_area[0].set_value("Drei Ideen für ein Stadtfest").run()
    next(b for b in at.button if b.label == "Beide Modelle fragen").click().run()
    assert "Antwort vom öffentlichen Modell." in texts(at.markdown)
    at.session_state["schutzstufe"] = 2
    at.run()
    no_exception(at)
    assert "Antwort vom öffentlichen Modell." not in texts(at.markdown)
    assert "Der letzte Vergleich ist ausgeblendet" in texts(at.info)
    assert not [b for b in at.button if "Bewertung speichern" in b.label]


def test_blind_mode_messages_name_no_service():
    from workbench.compare import blind_text

    message = "Die Anfrage wurde nicht an den öffentlichen Dienst „OpenAI (öffentliche API)“ gesendet."
    shown = blind_text(message, ["Lokales Ollama", "OpenAI (öffentliche API)"])
    assert "OpenAI" not in shown and "Ollama" not in shown and "dieser Dienst" in shown
