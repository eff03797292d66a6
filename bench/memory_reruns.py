"""The app's memory over many reruns of the agent page, in a real server driven by headless Chromium.

`workbench run` starts the app on a free port against fake model servers on 127.0.0.1; Chromium opens
the agent page, loads the sample data (130,000 GPS points) and then switches the agent's working mode
back and forth, each switch a full rerun of the page. Printed: the server's resident memory (RSS,
from /proc) after loading, every tenth rerun, after the last one and after the browser has closed
(the session ends then), and the growth over the reruns. For reference: the same server's RSS after
its first page, before any data was loaded.

    python bench/memory_reruns.py [--reruns 50]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeOllama, FakeOpenAI  # noqa: E402
from tests.processes import free_port, start_app, stop, wait_until_answering  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
API_KEY = "sk-bench"
MODES = ("Geführter Modus", "Werkzeugaufrufe")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS fehlt")


def wait_idle(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=120_000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=50)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit("Chromium fehlt: apt-get install -y chromium")
    from playwright.sync_api import expect, sync_playwright

    with (
        FakeOllama(models=["llama3.2:latest"]) as ollama_fake,
        FakeOpenAI(models=["gpt-4o-mini"], api_key=API_KEY) as openai_fake,
        tempfile.TemporaryDirectory() as folder,
    ):
        config = Path(folder) / "workbench.toml"
        config.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "OLLAMA_HOST": ollama_fake.url,
            "OPENAI_BASE_URL": openai_fake.url,
            "OPENAI_API_KEY": API_KEY,
            "WORKBENCH_CONFIG": str(config),
            "WORKBENCH_DATA_DIR": str(Path(folder) / "daten"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        port = free_port()
        log_path = Path(folder) / "streamlit.log"
        with log_path.open("w") as log:
            server = start_app(port, env, Path(folder), log)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{url}/_stcore/health", server, "streamlit", 90, log_path)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
                page.goto(f"{url}/agent")
                expect(page.get_by_text("Laden Sie die vier Dateien hoch")).to_be_visible(timeout=120_000)
                wait_idle(page)
                empty = rss_mb(server.pid)
                page.get_by_role("button", name="Beispieldaten der Musterstadt verwenden").click()
                expect(page.get_by_text("Ergebnis der Berechnung")).to_be_visible(timeout=120_000)
                wait_idle(page)
                loaded = rss_mb(server.pid)
                print(f"Agentenseite, {args.reruns} Reruns (Wechsel der Arbeitsweise), RSS des Servers:")
                print(f"  erste Seite ohne Daten (Referenz): {empty:7.1f} MB")
                print(f"  Beispieldaten geladen:             {loaded:7.1f} MB")
                for rerun in range(1, args.reruns + 1):
                    page.get_by_text(MODES[rerun % 2], exact=True).click()
                    wait_idle(page)
                    if rerun % 10 == 0:
                        print(f"  nach {rerun:3d} Reruns:                 {rss_mb(server.pid):7.1f} MB")
                final = rss_mb(server.pid)
                browser.close()
            time.sleep(3)  # the server notices the closed connection and ends the session
            closed = rss_mb(server.pid)
            print(f"  Browser geschlossen:               {closed:7.1f} MB")
            print(f"Zuwachs über {args.reruns} Reruns: {final - loaded:+.1f} MB")
        finally:
            stop(server)


if __name__ == "__main__":
    main()
