"""The run log: migrations, concurrent writers, text policy, and what the gateway records."""

import json
import sqlite3
import threading
import time

import pytest

from tests.fakes import Reply
from workbench.config import load_settings
from workbench.errors import PolicyRefused, PrivacyRefused
from workbench.gateway import ChatRequest, Gateway
from workbench.history import MIGRATIONS, RunLog, RunRecord, default_data_dir


def record(log: RunLog, level: int = 1, **extra) -> int:
    fields = dict(session="s1", purpose="chat", schutzstufe=level, endpoint_id="ollama", model="llama3.2",
                  location="lokal", decision="gesendet", prompt_text="Frage", answer_text="Antwort")  # fmt: skip
    fields.update(extra)
    return log.record(RunRecord(**fields))


def test_migrates_an_empty_database(tmp_path):
    log = RunLog(tmp_path / "log.sqlite3")
    version = sqlite3.connect(tmp_path / "log.sqlite3").execute("PRAGMA user_version").fetchone()[0]
    assert version == len(MIGRATIONS)
    assert record(log) == 1


def test_migrates_an_older_schema_without_losing_rows(tmp_path):
    path = tmp_path / "alt.sqlite3"
    old = sqlite3.connect(path)
    for number, statement in enumerate(MIGRATIONS[:2], start=1):  # a database written by an older version
        old.execute(statement)
        old.execute(f"PRAGMA user_version = {number}")
    old.execute(
        "INSERT INTO runs (created_at, session, purpose, schutzstufe, endpoint_id, decision) "
        "VALUES ('2026-01-01T10:00:00+01:00', 'alt', 'chat', 2, 'ollama', 'gesendet')"
    )
    old.commit()
    old.close()
    log = RunLog(path)
    runs = log.runs()
    assert runs["session"].tolist() == ["alt"]
    assert {"prompt_text", "rating"} <= set(runs.columns)
    record(log)
    assert len(log.runs()) == 2


def test_thirty_parallel_writers_lose_nothing(tmp_path):
    log = RunLog(tmp_path / "log.sqlite3")
    per_writer = 40
    errors = []

    def writer(number: int) -> None:
        try:
            for i in range(per_writer):
                record(log, session=f"w{number}", purpose=f"p{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(30)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    assert errors == []
    runs = log.runs()
    assert len(runs) == 30 * per_writer
    assert runs.groupby("session").size().eq(per_writer).all()
    assert runs["id"].is_unique
    print(f"\n30 Schreiber × {per_writer}: {len(runs) / elapsed:.0f} Einträge/s")


@pytest.mark.parametrize(
    ("policy", "stufe1_kept", "stufe2_kept"),
    [("never", False, False), ("stufe1", True, False), ("always", True, True)],
)
def test_store_texts_policy(tmp_path, policy, stufe1_kept, stufe2_kept):
    log = RunLog(tmp_path / "log.sqlite3", store_texts=policy)
    record(log, level=1)
    record(log, level=2)
    runs = log.runs()
    assert (runs.loc[0, "prompt_text"] == "Frage") is stufe1_kept
    assert (runs.loc[1, "answer_text"] == "Antwort") is stufe2_kept


def test_ratings_and_protocol(tmp_path):
    log = RunLog(tmp_path / "log.sqlite3")
    run_id = record(log)
    record(log, level=2, decision="abgelehnt", endpoint_id="openai", location="oeffentlich")
    log.rate(run_id, "A besser", "kürzer und klarer")
    runs = log.runs()
    assert runs.loc[0, "rating"] == "A besser" and runs.loc[0, "rating_comment"] == "kürzer und klarer"
    protocol = log.protocol()
    assert list(protocol.columns) == ["Schutzstufe", "Dienst", "Ort", "Entscheidung", "Anzahl"]
    assert protocol["Anzahl"].sum() == 2
    assert "Frage" not in protocol.to_csv()


def test_gateway_records_runs_and_refusals_without_values(workbench_env, tmp_path, fake_ollama, fake_openai):
    log = RunLog(tmp_path / "gw.sqlite3")
    gateway = Gateway(load_settings(), run_log=log, session="abc")
    fake_ollama.replies.append(Reply(chunks=["Eins ", "zwei"], prompt_tokens=9))
    result = gateway.chat(
        ChatRequest([{"role": "user", "content": "Hallo"}], 2, "ollama", purpose="chat")
    ).result
    with pytest.raises(PolicyRefused):
        gateway.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 2, "openai", purpose="chat"))
    with pytest.raises(PrivacyRefused):
        gateway.chat(
            ChatRequest([{"role": "user", "content": "IBAN DE89 3704 0044 0532 0130 00"}], 1, "openai")
        )
    runs = log.runs(session="abc")
    assert runs["decision"].tolist() == ["gesendet", "abgelehnt", "abgelehnt"]
    assert result.run_id == int(runs.loc[0, "id"])
    assert runs.loc[0, "completion_tokens"] == 2 and runs.loc[0, "prompt_tokens"] == 9
    assert runs.loc[0, "answer_text"] is None  # Schutzstufe 2: no texts under the default "stufe1"
    assert runs.loc[1, "reason"] == "public_endpoint_at_stufe_2"
    assert json.loads(runs.loc[2, "findings"]) == {"IBAN": 1}
    assert "DE89" not in runs.to_csv()
    assert fake_openai.requests == []


def test_default_data_dir(tmp_path):
    assert default_data_dir({"WORKBENCH_DATA_DIR": str(tmp_path)}) == tmp_path
    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "ki-werkbank"
