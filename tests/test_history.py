"""The run log: migrations, concurrent writers, text policy, ratings, workshops, retention and what the
gateway records – the storage tests run against SQLite and a real PostgreSQL alike (`database` fixture)."""

import json
import sqlite3
import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from tests.fakes import Reply
from workbench import storage
from workbench.config import load_settings
from workbench.errors import PolicyRefused, PrivacyRefused
from workbench.gateway import ChatRequest, Gateway
from workbench.history import RunLog, RunRecord, default_data_dir
from workbench.transparency import TIMEZONE

# The first two steps of the single-file version (PRAGMA user_version 2): what an old install has on disk.
LEGACY_V2 = (
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, session TEXT, "
    "purpose TEXT, schutzstufe INTEGER, endpoint_id TEXT, model TEXT, location TEXT, decision TEXT NOT NULL, "
    "reason TEXT, findings TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, ttft_s REAL, total_s REAL, "
    "complete INTEGER)",
    "CREATE INDEX runs_session ON runs(session)",
)


def record(log: RunLog, level: int = 1, **extra) -> int:
    fields = dict(session="s1", purpose="chat", schutzstufe=level, endpoint_id="ollama", model="llama3.2",
                  location="lokal", decision="gesendet", prompt_text="Frage", answer_text="Antwort")  # fmt: skip
    fields.update(extra)
    return log.record(RunRecord(**fields))


def revision(log: RunLog) -> str | None:
    with log.engine.connect() as connection:
        return storage.current_revision(connection)


def test_migrates_an_empty_database(database):
    log = RunLog(database)
    assert revision(log) == storage.SCHEMA_REVISION
    assert record(log) == 1
    assert RunLog(database).record(RunRecord("s2", "chat", 1, "ollama", None, "lokal", "gesendet")) == 2


def test_schema_revision_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(storage.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == storage.SCHEMA_REVISION


def test_the_tables_match_what_the_migrations_build(database):
    """The Core tables used in queries and the migrated database have the same columns."""
    from sqlalchemy import inspect

    log = RunLog(database)
    found = inspect(log.engine)
    for table in storage.metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys()), table.name


def test_instances_starting_together_migrate_once(database):
    """Several app instances opening a new database at the same moment: one upgrades, the others wait."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_log() -> None:
        barrier.wait()
        try:
            RunLog(database).record(RunRecord("s", "chat", 1, "ollama", None, "lokal", "gesendet"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_log) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(RunLog(database).runs()) == 6


def test_migrates_an_older_schema_without_losing_rows(tmp_path):
    path = tmp_path / "alt.sqlite3"
    old = sqlite3.connect(path)
    for number, statement in enumerate(LEGACY_V2, start=1):  # a database written by an older version
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
    assert {"prompt_text", "rating", "user_id", "comparison"} <= set(runs.columns)
    assert revision(log) == storage.SCHEMA_REVISION
    record(log)
    assert len(log.runs()) == 2


def test_thirty_parallel_writers_lose_nothing(database):
    log = RunLog(database)
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
def test_store_texts_policy(database, policy, stufe1_kept, stufe2_kept):
    log = RunLog(database, store_texts=policy)
    record(log, level=1)
    record(log, level=2)
    runs = log.runs()
    assert (runs.loc[0, "prompt_text"] == "Frage") is stufe1_kept
    assert (runs.loc[1, "answer_text"] == "Antwort") is stufe2_kept


def test_ratings_and_protocol(database):
    log = RunLog(database)
    run_id = record(log)
    record(log, level=2, decision="abgelehnt", endpoint_id="openai", location="oeffentlich")
    log.rate(run_id, "A besser", "kürzer und klarer")
    runs = log.runs()
    assert runs.loc[0, "rating"] == "A besser" and runs.loc[0, "rating_comment"] == "kürzer und klarer"
    protocol = log.protocol()
    assert list(protocol.columns) == ["Schutzstufe", "Dienst", "Ort", "Entscheidung", "Anzahl"]
    assert protocol["Anzahl"].sum() == 2
    assert "Frage" not in protocol.to_csv()


def test_gateway_records_runs_and_refusals_without_values(workbench_env, database, fake_ollama, fake_openai):
    log = RunLog(database)
    gateway = Gateway(load_settings(), run_log=log, session="abc", user_id="p-4f1a")
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
    assert runs["user_id"].tolist() == ["p-4f1a"] * 3  # the pseudonym, on every row
    assert fake_openai.requests == []


def test_a_comparison_is_rated_once_and_rating_again_replaces_it(database):
    log = RunLog(database)
    local = record(log, purpose="vergleich:neujahrsempfang", workshop="W1")
    public = record(log, purpose="vergleich:neujahrsempfang", workshop="W1", endpoint_id="openai",
                    location="oeffentlich")  # fmt: skip
    sides = [(local, "lokal", "besser"), (public, "oeffentlich", "schlechter")]
    log.rate_comparison("cmp-1", "A besser", sides, workshop="W1", purpose="vergleich:neujahrsempfang")
    log.rate_comparison("cmp-1", "gleichwertig", [(local, "lokal", "gleichwertig"), (public, "oeffentlich", "gleichwertig")],
                        workshop="W1", purpose="vergleich:neujahrsempfang", comment="beide gut")  # fmt: skip
    rated = log.ratings(workshop="W1")
    assert rated[["comparison", "verdict", "location_a", "location_b", "comment"]].values.tolist() == [
        ["cmp-1", "gleichwertig", "lokal", "oeffentlich", "beide gut"]
    ]
    runs = log.runs()
    assert runs["rating"].tolist() == ["gleichwertig", "gleichwertig"]
    assert runs["comparison"].tolist() == ["cmp-1", "cmp-1"]
    assert log.ratings(workshop="anderer").empty


def test_workshops_keep_trainer_and_topics_and_reset_removes_runs_and_ratings(database):
    log = RunLog(database)
    code = log.create_workshop(" KI im Bürgeramt ", ["pressemitteilung"], trainer="Frau Weber",
                               topics=["schutzstufen", "transparenz"], created_by="p-77")  # fmt: skip
    other = log.create_workshop("Anderer", [])
    assert len(code) == 6 and code != other
    shown = log.workshop(code.lower())
    assert shown is not None
    assert (shown["name"], shown["trainer"], shown["topics"], shown["created_by"]) == (
        "KI im Bürgeramt",
        "Frau Weber",
        ["schutzstufen", "transparenz"],
        "p-77",
    )
    assert {w["code"] for w in log.workshops()} == {code, other}
    first = record(log, workshop=code)
    record(log, workshop=other)
    log.rate_comparison("c", "A besser", [(first, "lokal", "besser"), (None, "oeffentlich", "schlechter")],
                        workshop=code)  # fmt: skip
    assert log.reset_workshop(code) == 1
    assert log.runs(workshop=code).empty and log.ratings(workshop=code).empty
    assert len(log.runs(workshop=other)) == 1 and log.workshop(code) is not None


def age(log: RunLog, run_id: int, days: float) -> None:
    """Backdate a row as if it had been written `days` ago."""
    when = (datetime.now(TIMEZONE) - timedelta(days=days)).isoformat(timespec="seconds")
    with log.engine.begin() as connection:
        connection.execute(text("UPDATE runs SET created_at = :w WHERE id = :i"), {"w": when, "i": run_id})
        connection.execute(
            text("UPDATE ratings SET created_at = :w WHERE run_a = :i"), {"w": when, "i": run_id}
        )


def test_retention_deletes_rows_texts_and_ratings_older_than_the_policy(database):
    log = RunLog(database, store_texts="always")
    old, fresh, edge = record(log, workshop="W"), record(log, workshop="W"), record(log)
    log.rate_comparison(
        "alt", "A besser", [(old, "lokal", "besser"), (None, None, "schlechter")], workshop="W"
    )
    age(log, old, 91)
    age(log, edge, 89.9)
    assert log.purge(90) == 1
    runs = log.runs()
    assert runs["id"].tolist() == [fresh, edge]
    assert "Frage" in runs["prompt_text"].tolist()  # younger texts stay
    assert log.ratings().empty
    with log.engine.connect() as connection:  # nothing of the old row is left anywhere
        assert connection.execute(text("SELECT COUNT(*) FROM runs WHERE id = :i"), {"i": old}).scalar() == 0


def test_retention_runs_on_start_and_reports_what_it_did(database):
    log = RunLog(database)
    old = record(log)
    record(log)
    age(log, old, 40)
    retention = log.keep_for(30)
    assert retention.days == 30 and retention.removed == 1 and retention.last_run is not None
    assert retention.problem is None
    assert len(log.runs()) == 1
    assert log.keep_for(30) is retention  # the same policy is not started twice
    retention._stop.set()


def test_retention_runs_again_every_interval(database, monkeypatch):
    from workbench import history

    monkeypatch.setattr(history, "RETENTION_INTERVAL_S", 0.2)
    log = RunLog(database)
    retention = log.keep_for(7)
    first_pass = retention.last_run
    old = record(log)
    age(log, old, 8)  # written after the first pass: only a later pass can remove it
    deadline = time.monotonic() + 10
    while len(log.runs()) and time.monotonic() < deadline:
        time.sleep(0.05)
    retention._stop.set()
    assert log.runs().empty
    assert retention.last_run is not None and retention.last_run > first_pass


def test_retention_setting_is_read_and_checked(tmp_path):
    good = tmp_path / "gut.toml"
    good.write_text(
        'retention_days = 90\ndatabase_url = "postgresql://w@db.intern/werkbank"\n', encoding="utf-8"
    )
    settings = load_settings(env={}, path=good)
    assert settings.retention_days == 90 and settings.database_url == "postgresql://w@db.intern/werkbank"
    assert settings.errors == []
    bad = tmp_path / "falsch.toml"
    bad.write_text('retention_days = "90 Tage"\n', encoding="utf-8")
    settings = load_settings(env={}, path=bad)
    assert settings.retention_days is None
    assert any("retention_days" in str(p) and "ganze Zahl" in str(p) for p in settings.problems)


def test_database_url_spellings_and_unsupported_databases(tmp_path):
    assert storage.database_url(tmp_path, None, {}) == f"sqlite:///{tmp_path / storage.LOG_FILE}"
    assert storage.database_url(tmp_path, "postgres://a:b@h/d", {}).startswith("postgresql+psycopg://a:b@h/d")
    assert storage.database_url(
        tmp_path, "sqlite:////x/y.db", {"WORKBENCH_DATABASE_URL": "postgresql://h/e"}
    ) == ("postgresql+psycopg://h/e")
    with pytest.raises(storage.DatabaseUrlError, match="nicht unterstützt"):
        storage.normalize_url("mysql://a:geheim@h/d")
    with pytest.raises(storage.DatabaseUrlError) as refused:
        storage.normalize_url("kein url mit geheim@host")
    assert "geheim" not in str(refused.value)
    assert storage.display_location("postgresql+psycopg://a:geheim@h/d") == "postgresql+psycopg://a:***@h/d"


def test_an_unreachable_database_server_is_explained_and_answers_still_come(
    workbench_env, fake_ollama, monkeypatch
):
    from workbench.gateway import logged_gateway

    monkeypatch.setenv("WORKBENCH_DATABASE_URL", "postgresql://werkbank:geheim@127.0.0.1:9/werkbank")
    gw = logged_gateway(load_settings(), session="x")
    assert gw.run_log is None
    problem = gw.record_problem or ""
    assert "nicht erreichbar" in problem and "WORKBENCH_DATABASE_URL" in problem and "geheim" not in problem
    fake_ollama.replies.append(Reply(text="Trotzdem."))
    result = gw.chat(ChatRequest([{"role": "user", "content": "Hallo"}], 2, "ollama")).result
    assert result.text == "Trotzdem." and result.run_id is None


def test_default_data_dir(tmp_path):
    assert default_data_dir({"WORKBENCH_DATA_DIR": str(tmp_path)}) == tmp_path
    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "ki-werkbank"


def test_the_protocol_page_shows_the_retention_policy_in_force(workbench_env, tmp_path, monkeypatch):
    from tests.test_pages import load, no_exception, texts

    config = tmp_path / "frist.toml"
    config.write_text("retention_days = 30\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    at = load("views/history.py")
    no_exception(at)
    shown = texts(at.markdown)
    assert "nach **30 Tagen**" in shown and "beim Start der Werkbank und danach täglich" in shown
    assert "Zuletzt geprüft am" in shown and "0 Einträge gelöscht" in shown
    monkeypatch.delenv("WORKBENCH_CONFIG")
    assert "keine Löschfrist eingestellt" in texts(load("views/history.py").markdown)
