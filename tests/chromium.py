"""Headless Chromium for the browser tests: launching it, a page per session, waiting for the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
# How long an expectation may wait for the app to reach a state. The tests wait for what the app shows
# (a text, a test id, the script state), never for a fixed time; on a loaded two-core machine a chart
# can take a good while, and an expectation that is met returns at once.
STATE_TIMEOUT_MS = 60_000


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = "Chromium fehlt: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message)  # in CI the browser test must run, never skip
    pytest.skip(message)


@pytest.fixture
def browser():
    """Headless Chromium for one test; screenshots go to test-artifacts/."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=STATE_TIMEOUT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser, height: int):
    """A page in a browser context of its own: its own cookies, so its own Streamlit session."""
    page = browser.new_page(viewport={"width": 1400, "height": height}, locale="de-DE")
    page.set_default_timeout(STATE_TIMEOUT_MS)
    return page


def wait_idle(page) -> None:
    """Wait until the app reports that no script run is going on.

    Right after a click the report may still be the old one, so callers first wait for something the
    click changes on the screen; this then makes sure the run that drew it has ended.
    """
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
