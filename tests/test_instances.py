"""Several app instances share one PostgreSQL: workshops, requests and ratings meet across them, and
thirty writers spread over two processes lose nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.chromium import ARTIFACTS, new_page, wait_idle
from tests.processes import app_running
from workbench.history import RunLog


@pytest.fixture
def two_instances(workbench_env, tmp_path, postgres_url) -> Iterator[tuple[str, str]]:
    """Instances A and B: two `workbench run` processes on their own ports and data folders, one database."""
    config = tmp_path / "workbench.toml"
    config.write_text('[organisation]\nname = "Stadt Musterstadt"\n', encoding="utf-8")
    urls = []
    with ExitStack() as stack:
        for name in ("a", "b"):
            folder = tmp_path / f"instanz-{name}"
            folder.mkdir()
            env = {
                **workbench_env,
                "WORKBENCH_CONFIG": str(config),
                "WORKBENCH_DATABASE_URL": postgres_url,
                "WORKBENCH_DATA_DIR": str(folder / "daten"),  # nothing may be shared through a local file
                "PYTHONUNBUFFERED": "1",
            }
            urls.append(stack.enter_context(app_running(env, folder)))
        yield urls[0], urls[1]
    for folder in ("instanz-a", "instanz-b"):
        assert not (tmp_path / folder / "daten" / "protokoll.sqlite3").exists()


@pytest.mark.browser
def test_a_workshop_created_on_one_instance_is_joined_and_evaluated_across_both(
    two_instances, browser, fake_ollama, fake_openai, postgres_url
):
    """The trainer creates the workshop on B; participants work on A and on B; B's evaluation counts both,
    each comparison's rating once."""
    from playwright.sync_api import expect

    instance_a, instance_b = two_instances
    for server in (fake_ollama, fake_openai):
        server.chunk_delay = 0.02
    trainer = new_page(browser, 1400)
    trainer.goto(f"{instance_b}/workshop")
    trainer.get_by_role("tab", name="Workshop anlegen (Trainerin/Trainer)").click()
    trainer.get_by_label("Leitung (erscheint im Nachweis)").fill("Anna Weber")
    trainer.get_by_role("button", name="Workshop anlegen").click()
    expect(trainer.get_by_text("Code für die Teilnehmenden")).to_be_visible()
    code = RunLog(postgres_url).workshops()[0]["code"]

    for number, (instance, rating) in enumerate(((instance_a, "A besser"), (instance_b, "gleichwertig")), 1):
        page = new_page(browser, 1800)
        page.goto(f"{instance}/workshop")
        page.get_by_label("Code").fill(code.lower())
        page.get_by_role("button", name="Beitreten").click()
        expect(page.get_by_text("Sie nehmen am Workshop").first).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Schutzstufe 1 – ohne Personenbezug").click()
        expect(sidebar.get_by_text("Nicht verfügbar:")).to_have_count(0)
        wait_idle(page)
        sidebar.get_by_role("link", name="Vergleich lokal – öffentlich").click()
        box = page.get_by_label("Text an beide Modelle")
        box.fill(f"Drei Ideen für ein Stadtfest ({number})")
        box.press("Control+Enter")  # a text area reports its value on blur or Ctrl+Enter
        wait_idle(page)
        page.get_by_role("button", name="Beide Modelle fragen").click()
        expect(page.get_by_text("Daten verlassen die Organisation:").first).to_be_visible()
        page.get_by_test_id("stForm").get_by_text(rating, exact=True).click()
        page.get_by_role("button", name="Bewertung speichern").click()
        expect(page.get_by_text("gespeichert")).to_be_visible()
        if number == 1:
            page.screenshot(path=str(ARTIFACTS / "vergleich.png"), full_page=True)
        page.context.close()

    trainer.goto(f"{instance_b}/auswertung")
    expect(trainer.get_by_test_id("stMetric").filter(has_text="Teilnehmende")).to_contain_text("2")
    expect(trainer.get_by_test_id("stMetric").filter(has_text="Anfragen")).to_contain_text("4")
    expect(trainer.get_by_test_id("stMetric").filter(has_text="Bewertete Vergleiche")).to_contain_text("2")
    expect(trainer.get_by_text("Leitung: Anna Weber")).to_be_visible()
    expect(trainer.locator(".js-plotly-plot")).to_have_count(2)
    wait_idle(trainer)
    trainer.screenshot(path=str(ARTIFACTS / "auswertung.png"), full_page=True)
    log = RunLog(postgres_url)
    runs = log.runs(workshop=code)
    assert runs["session"].nunique() == 2 and len(runs) == 4
    assert sorted(log.ratings(workshop=code)["verdict"]) == ["A besser", "gleichwertig"]


WRITER = textwrap.dedent(
    """
    import sys, threading
    from workbench.history import RunLog, RunRecord

    log = RunLog(sys.argv[1])
    instance, threads, rows = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    barrier = threading.Barrier(threads)
    failed = []

    def write(number):
        barrier.wait()
        for row in range(rows):
            try:
                log.record(RunRecord(f"{instance}-{number}", f"chat:{row}", 1, "ollama", None, "lokal", "gesendet"))
            except Exception as exc:
                failed.append(repr(exc))

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(len(failed), failed[:3])
    sys.exit(1 if failed else 0)
    """
)


def test_thirty_writers_in_two_instances_lose_no_row(postgres_url):
    """15 writer threads in each of two processes (as two app instances), 20 rows each, at the same time."""
    RunLog(postgres_url)  # schema in place, as after the first instance started
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, postgres_url, name, "15", "20"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    runs = RunLog(postgres_url).runs()
    assert len(runs) == 600
    assert runs.groupby("session").size().eq(20).all() and runs["session"].nunique() == 30
    assert runs["id"].is_unique
