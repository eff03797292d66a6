"""How long each page takes to rerun after the first run, with the sample data loaded.

Every click, every typed character reruns a Streamlit page from top to bottom, so this is the wait
users feel most often. Each page runs in Streamlit's AppTest against protocol-level fake model
servers on 127.0.0.1 (nothing leaves the machine); the sample data is loaded as a user would (button
clicks), then the page is rerun without any change. Printed: the first run and the median of the
reruns, beside a reference measured in the same run (an empty page rerun), so a drift in the
machine's speed shows in both.

    python bench/page_reruns.py [--reruns 5] [--pages agent,sponsors]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # see main()
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.fakes import FakeOllama, FakeOpenAI  # noqa: E402

API_KEY = "sk-bench"


def _click(label: str) -> Callable[[AppTest], None]:
    def action(at: AppTest) -> None:
        next(b for b in at.button if b.label == label).click().run()

    return action


def _sponsors(at: AppTest) -> None:
    _click("Beispieldaten der Musterstadt verwenden")(at)
    _click("Abgleich starten")(at)


def _agent(at: AppTest) -> None:
    """The sample data and all four steps in guided mode (the fake model comments each), so the
    step cards, the charts and the report are on the page."""
    _click("Beispieldaten der Musterstadt verwenden")(at)
    at.radio(key="ag_mode").set_value("Geführter Modus").run()
    for _ in range(4):
        at.button(key="ag_next").click().run()


def _nothing(at: AppTest) -> None:
    return None


# page, what a user does first (load the sample data), session state to start with
PAGES: dict[str, tuple[str, Callable[[AppTest], None]]] = {
    "start": ("views/start.py", _nothing),
    "anwendungsfaelle": ("views/usecase.py", _nothing),
    "sponsoren": ("views/sponsors.py", _sponsors),
    "agent": ("views/agent.py", _agent),
    "chat": ("views/chat.py", _nothing),
    "vergleich": ("views/compare.py", _nothing),
    "verlauf": ("views/history.py", _nothing),
    "datenschutz": ("views/privacy_check.py", _nothing),
    "workshop": ("views/workshop.py", _nothing),
    "auswertung": ("views/evaluation.py", _nothing),
    "modelle": ("views/models.py", _nothing),
}

_EMPTY_PAGE = "import streamlit as st\nst.write('Referenz')\n"


def measure(page: str | None, prepare: Callable[[AppTest], None], reruns: int) -> tuple[float, list[float]]:
    """First run (the app, then `page`, then `prepare`) and each rerun without a change; `page` None:
    the reference, a page that only writes one line."""
    if page is None:
        at = AppTest.from_string(_EMPTY_PAGE, default_timeout=120)
    else:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["schutzstufe"] = 2
    start = time.perf_counter()
    at.run()
    if page is not None:
        at.switch_page(page).run()
    prepare(at)
    first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].value}")
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return first, times


def main() -> None:
    # AppTest runs pages outside a server: Streamlit warns about a missing ScriptRunContext for
    # every cached call, which says nothing here
    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    chosen = [name.strip() for name in args.pages.split(",") if name.strip()]

    with (
        FakeOllama(models=["llama3.2:latest"]) as ollama_fake,
        FakeOpenAI(models=["gpt-4o-mini"], api_key=API_KEY) as openai_fake,
        tempfile.TemporaryDirectory() as data_dir,
    ):
        os.environ.update(
            OLLAMA_HOST=ollama_fake.url,
            OPENAI_BASE_URL=openai_fake.url,
            OPENAI_API_KEY=API_KEY,
            WORKBENCH_DATA_DIR=data_dir,
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        empty_config = Path(data_dir) / "workbench.toml"
        empty_config.write_text("", encoding="utf-8")
        os.environ["WORKBENCH_CONFIG"] = str(empty_config)  # the defaults, not a workbench.toml lying around
        os.chdir(ROOT)  # as `streamlit run app.py` does: the project's .streamlit/config.toml applies
        print(
            f"Seiten-Reruns in AppTest, Median von {args.reruns} Reruns nach dem ersten Lauf (Beispieldaten geladen)"
        )
        print(f"{'Seite':<18} {'erster Lauf':>12} {'Rerun (Median)':>15} {'Referenz':>10}")
        slowest = 0.0
        for name in chosen:
            path, prepare = PAGES[name]
            _, reference = measure(None, _nothing, args.reruns)
            first, times = measure(path, prepare, args.reruns)
            median = statistics.median(times)
            slowest = max(slowest, median)
            print(
                f"{name:<18} {first * 1000:>9.0f} ms {median * 1000:>12.0f} ms {statistics.median(reference) * 1000:>7.0f} ms"
            )
        print(f"Langsamster Rerun: {slowest * 1000:.0f} ms")


if __name__ == "__main__":
    main()
