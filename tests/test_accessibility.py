"""Accessibility (BITV 2.0 / WCAG 2.1 AA): axe-core on every page of the running app, and a keyboard walk.

The app runs once for the whole module; every test opens its own browser session on it. axe-core checks
the rules tagged WCAG 2.0/2.1 A and AA; a "serious" or "critical" violation fails the test and is
printed with its rule, help text and the first elements it was found on. Each page and state is saved
as test-artifacts/a11y-<page>.png, and the counts per page go to test-artifacts/a11y-summary.txt.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass

import pytest

from tests.chromium import ARTIFACTS, new_page, wait_idle
from tests.conftest import API_KEY
from tests.fakes import Reply
from tests.processes import app_running

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Exclusion:
    """A violation axe-core reports for markup the app cannot change, or cannot see through.

    It applies to one rule and only to elements inside `container`; no rule is switched off. With
    `named`, the element is let through only if Chromium's own accessibility tree gives it a name.
    """

    rule: str
    container: str
    reason: str
    named: bool = False


EXCLUSIONS = [
    # st.navigation with sections: Streamlit puts each section's <li> items into a <div> directly inside
    # the <ul>. The links themselves are named and reachable by keyboard.
    Exclusion("list", '[data-testid="stSidebarNavItems"]', "Streamlit's section markup in the navigation"),
    Exclusion(
        "listitem", '[data-testid="stSidebarNavItems"]', "Streamlit's section markup in the navigation"
    ),
    # The file uploader's button says "Upload" in Streamlit; the app shows German text there through CSS
    # generated content, which browsers use for the accessible name but axe-core does not read. Let
    # through only while Chromium really names the button.
    Exclusion(
        "button-name",
        '[data-testid="stFileUploaderDropzone"]',
        "German button text from CSS, named in Chromium's accessibility tree",
        named=True,
    ),
]

# page name -> (address, its main heading); the start page is the default page at "/".
PAGES = {
    "start": ("", "KI-Werkbank"),
    "anwendungsfaelle": ("anwendungsfaelle", "Neujahrsempfang planen"),
    "sponsoren": ("sponsoren", "Sponsorenliste abgleichen"),
    "agent": ("agent", "KI-Agent in Schritten: Abfalltouren prüfen"),
    "chat": ("chat", "Freier Chat"),
    "vergleich": ("vergleich", "Vergleich lokal – öffentlich"),
    "verlauf": ("verlauf", "Verlauf"),
    "datenschutz": ("datenschutz", "Datenschutz-Check"),
    "workshop": ("workshop", "Workshop"),
    "auswertung": ("auswertung", "Auswertung"),
    "modelle": ("modelle", "Modelle & Status"),
}


@dataclass
class Scan:
    """What axe-core found on one page in one state."""

    name: str
    passes: int
    violated: list[str]  # "rule (impact)", every impact
    undecided: list[str]  # rules axe-core could not decide on its own ("incomplete")
    blocking: list[dict]  # serious and critical violations, without the excluded elements
    excluded: list[str]

    @property
    def rules(self) -> int:
        return self.passes + len(self.violated) + len(self.undecided)


SCANS: list[Scan] = []


@pytest.fixture(scope="module")
def app_url(_ollama_server, _openai_server, tmp_path_factory, request):
    """The app with an organisation, on a free port, for all tests of this module."""
    folder = tmp_path_factory.mktemp("a11y")
    config = folder / "workbench.toml"
    config.write_text('[organisation]\nname = "Stadt Musterstadt"\n', encoding="utf-8")
    unset = ("OLLAMA_MODEL", "OPENAI_MODEL", "OLLAMA_API_KEY", "WORKBENCH_DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env.update(
        OLLAMA_HOST=_ollama_server.url,
        OPENAI_BASE_URL=_openai_server.url,
        OPENAI_API_KEY=API_KEY,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        WORKBENCH_DATA_DIR=str(folder / "daten"),
        WORKBENCH_CONFIG=str(config),
        PYTHONUNBUFFERED="1",
    )
    with app_running(env, folder) as url:
        try:
            yield url
        finally:
            _write_summary(request)


def _write_summary(request) -> None:
    """Rules checked per page and state (passed + violated + undecided), on screen and as a file."""
    if not SCANS:
        return
    header = ("Seite/Zustand", "Regeln", "bestanden", "verletzt", "unklar", "schwer", "ausgenommen")
    lines = [f"{header[0]:<26}" + "".join(f"{h:>12}" for h in header[1:])]
    for scan in SCANS:
        counts = (scan.rules, scan.passes, len(scan.violated), len(scan.undecided), len(scan.blocking))
        lines.append(f"{scan.name:<26}" + "".join(f"{n:>12}" for n in (*counts, len(scan.excluded))))
    lines += ["", "verletzt (alle Schweregrade) / unklar (von Hand zu prüfen):"]
    lines += [f"{s.name}: {', '.join(s.violated) or '–'} / {', '.join(s.undecided) or '–'}" for s in SCANS]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "a11y-summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    title = "axe-core, WCAG 2.0/2.1 A und AA, je Seite und Zustand (schwer: serious/critical):"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown also when every test passed
        print("\n" + title, *lines, sep="\n")


def _excluded(page, rule: str, node: dict) -> str | None:
    """Why this element of a violation is let through, or None."""
    if len(node["target"]) != 1:  # an element in a frame or shadow root is never excluded
        return None
    target = node["target"][0]
    for exclusion in EXCLUSIONS:
        if exclusion.rule != rule or not page.evaluate(
            "([target, container]) => !!document.querySelector(target)?.closest(container)",
            [target, exclusion.container],
        ):
            continue
        if exclusion.named and not re.search(r'"[^"]*\S[^"]*"', page.locator(target).aria_snapshot()):
            return None  # no name for screen readers either
        return exclusion.reason
    return None


def settled(page) -> None:
    """The script run has ended and every widget is drawn: Streamlit loads the code of some widgets
    (file uploader, charts, tables) only when they first appear and shows a placeholder until then."""
    from playwright.sync_api import expect

    wait_idle(page)
    expect(page.locator('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')).to_have_count(0)


def check(page, name: str) -> Scan:
    """Run axe-core on the page as it is now, save a screenshot, record the counts, return the scan."""
    from axe_playwright_python.sync_playwright import Axe

    settled(page)
    page.screenshot(path=str(ARTIFACTS / f"a11y-{name}.png"), full_page=True)
    response = Axe().run(page, options=AXE_OPTIONS).response
    blocking, excluded = [], []
    for violation in response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        nodes = []
        for node in violation["nodes"]:
            reason = _excluded(page, violation["id"], node)
            if reason:
                excluded.append(f"{violation['id']} {node['target'][0]}: {reason}")
            else:
                nodes.append(node)
        if nodes:
            blocking.append({**violation, "nodes": nodes})
    scan = Scan(
        name,
        passes=len(response["passes"]),
        violated=[f"{v['id']} ({v['impact']})" for v in response["violations"]],
        undecided=[v["id"] for v in response["incomplete"]],
        blocking=blocking,
        excluded=excluded,
    )
    SCANS.append(scan)
    return scan


def describe(scan: Scan) -> str:
    """Rule, impact, help and the first elements of every serious or critical violation."""
    parts = [f"{scan.name}: {len(scan.blocking)} schwere oder kritische Verstöße"]
    for violation in scan.blocking:
        first = violation["nodes"][0]
        targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
        messages = [c["message"] for c in first.get("any", []) + first.get("all", []) + first.get("none", [])]
        parts.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {len(violation['nodes'])} Stellen, z. B. {json.dumps(targets, ensure_ascii=False)}\n"
            f"  {first.get('html', '')[:200]}\n"
            f"  {' / '.join(messages)[:300]}"
        )
    return "\n".join(parts)


class States:
    """The states one test scans: every one is checked, then all serious findings are reported at once."""

    def __init__(self):
        self.scans: list[Scan] = []

    def check(self, page, name: str) -> None:
        self.scans.append(check(page, name))

    def assert_accessible(self) -> None:
        assert self.scans
        failed = [describe(scan) for scan in self.scans if scan.blocking]
        assert not failed, "\n\n".join(failed)


def go(page, address: str, heading: str) -> None:
    """Load an address in `page`, wait for its heading, the end of the script run and the page setup
    (German page language, focus ring)."""
    from playwright.sync_api import expect

    page.goto(address)
    main = page.get_by_test_id("stMainBlockContainer")  # the sidebar has a "KI-Werkbank" heading too
    expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.wait_for_function("document.documentElement.lang === 'de'")
    settled(page)


def open_page(browser, app_url: str, name: str, height: int = 1400):
    """A fresh session (its own browser context) on one of the app's pages."""
    path, heading = PAGES[name]
    page = new_page(browser, height)
    go(page, f"{app_url}/{path}", heading)
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_when_empty(app_url, browser, fake_ollama, name):
    states = States()
    page = open_page(browser, app_url, name)
    states.check(page, name)
    states.assert_accessible()


def test_chat_with_an_answer_and_the_history(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    answer = "Für den Neujahrsempfang empfehle ich eine kurze Begrüßung und einen Zukunftstalk."
    fake_ollama.replies.append(Reply(text=answer))
    page = open_page(browser, app_url, "chat")
    chat_box = page.get_by_placeholder("Ihre Frage oder Aufgabe …")
    chat_box.fill("Plane einen Neujahrsempfang für 250 Gäste.")
    chat_box.press("Enter")
    expect(page.get_by_text(answer).first).to_be_visible()
    expect(page.get_by_text("Transparenzhinweis:").first).to_be_visible()
    states.check(page, "chat-antwort")
    page.get_by_text("Kopieren, herunterladen, Kennzahlen").first.click()
    expect(page.get_by_role("button", name="JSON", exact=True)).to_be_visible()
    states.check(page, "chat-antwort-details")

    # the same session: the history now lists the request
    page.get_by_test_id("stSidebar").get_by_role("link", name="Verlauf").click()
    expect(page.get_by_role("heading", name="Verlauf", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Verlauf (CSV)")).to_be_visible()
    states.check(page, "verlauf-eintraege")
    states.assert_accessible()


def test_sponsor_page_with_sample_data_and_result(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    page = open_page(browser, app_url, "sponsoren", height=3000)
    page.get_by_role("button", name="Beispieldaten der Musterstadt verwenden").click()
    expect(page.get_by_role("button", name="Abgleich starten")).to_be_visible()
    states.check(page, "sponsoren-beispieldaten")
    page.get_by_role("button", name="Abgleich starten").click()
    expect(page.get_by_role("tab", name="Noch keine Sponsoren")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    states.check(page, "sponsoren-ergebnis")
    states.assert_accessible()


def test_agent_page_with_sample_data_and_a_step(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    fake_ollama.replies.extend(
        [
            Reply(tool_calls=[{"name": "daten_zusammenfuehren", "arguments": {}}]),
            Reply(text="Schritt eins erledigt: Daten zusammengeführt."),
        ]
    )
    page = open_page(browser, app_url, "agent", height=2400)
    page.get_by_role("button", name="Beispieldaten der Musterstadt verwenden").click()
    start = page.get_by_role("button", name="Agent starten: Schritt 1 ausführen")
    expect(start).to_be_visible()
    states.check(page, "agent-beispieldaten")
    start.click()
    expect(page.get_by_text("Schritt eins erledigt").first).to_be_visible()
    expect(page.get_by_role("button", name="Weiter: Schritt 2 ausführen")).to_be_visible()
    states.check(page, "agent-schritt-1")
    states.assert_accessible()


def test_text_use_case_with_a_result(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    answer = "Neue Mobilstation am Bahnhof eröffnet: Die Bürgermeisterin übergibt am Freitag die Station."
    fake_ollama.replies.append(Reply(text=answer))
    page = new_page(browser, 2000)
    go(page, f"{app_url}/anwendungsfaelle?id=pressemitteilung", "Pressemitteilung entwerfen")
    page.get_by_role("button", name="An das Modell senden").click()
    expect(page.get_by_text(answer).first).to_be_visible()
    expect(page.get_by_text("Transparenzhinweis:").first).to_be_visible()
    states.check(page, "anwendungsfall-text")
    states.assert_accessible()


def test_plan_and_table_use_cases_with_results(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    from tests.test_plan import GOOD, plan_json

    states = States()
    rows = {
        "zeilen": [
            {"nr": 1, "anliegen": "Schlagloch", "ort": "Hauptstraße", "kategorie": "Straße und Verkehr",
             "dringlichkeit": "hoch", "rueckmeldung_erwuenscht": True},
            {"nr": 2, "anliegen": "Laterne defekt", "ort": "Am Markt", "kategorie": "Licht",
             "dringlichkeit": "mittel", "rueckmeldung_erwuenscht": False},
        ]
    }  # fmt: skip
    fake_ollama.replies.extend([Reply(text=plan_json(*GOOD)), Reply(text=json.dumps(rows))])
    page = new_page(browser, 2400)
    go(page, f"{app_url}/anwendungsfaelle?id=neujahrsempfang", "Neujahrsempfang planen")
    page.get_by_role("button", name="An das Modell senden").click()
    expect(page.get_by_text("Der Plan erfüllt alle Vorgaben")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    states.check(page, "anwendungsfall-plan")

    go(page, f"{app_url}/anwendungsfaelle?id=buergermeldungen_tabelle", "Bürgermeldungen strukturieren")
    page.get_by_role("button", name="An das Modell senden").click()
    expect(page.get_by_role("button", name="Tabelle (CSV)")).to_be_visible()
    states.check(page, "anwendungsfall-tabelle")
    states.assert_accessible()


def test_privacy_check_with_findings(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    page = open_page(browser, app_url, "datenschutz", height=2400)
    page.get_by_role("button", name="Beispieltext laden").click()
    expect(page.locator("mark", has_text="DE89 3704 0044 0532 0130 00")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    states.check(page, "datenschutz-fundstellen")
    states.assert_accessible()


def test_comparison_with_two_answers(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    fake_ollama.replies.extend(
        [
            Reply(text="Erste Antwort: Der Empfang beginnt um 18 Uhr mit einer Begrüßung."),
            Reply(text="Zweite Antwort: Der Empfang beginnt um 19 Uhr mit Musik."),
        ]
    )
    page = open_page(browser, app_url, "vergleich", height=2000)
    page.get_by_role("textbox", name="Text an beide Modelle").fill("Wann beginnt der Neujahrsempfang?")
    page.get_by_role("textbox", name="Text an beide Modelle").press("Control+Enter")
    wait_idle(page)
    page.get_by_role("button", name="Beide Modelle fragen").click()
    expect(page.get_by_text("Erste Antwort:").or_(page.get_by_text("Zweite Antwort:")).first).to_be_visible()
    expect(page.get_by_role("button", name="Bewertung speichern")).to_be_visible()
    states.check(page, "vergleich-antworten")
    page.get_by_text("Unterschiede (Übereinstimmung").click()
    expect(page.locator("ins").first).to_be_visible()
    states.check(page, "vergleich-unterschiede")
    states.assert_accessible()


def test_workshop_created_and_evaluated(app_url, browser, fake_ollama):
    from playwright.sync_api import expect

    states = States()
    page = open_page(browser, app_url, "workshop")
    page.get_by_role("tab", name="Workshop anlegen (Trainerin/Trainer)").click()
    page.get_by_label("Leitung (erscheint im Nachweis)").fill("Anna Weber")
    page.get_by_role("button", name="Workshop anlegen").click()
    expect(page.get_by_text("Code für die Teilnehmenden")).to_be_visible()
    states.check(page, "workshop-angelegt")
    page.get_by_role("link", name="Zur Auswertung").click()
    expect(page.get_by_role("heading", name="Auswertung", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Nachweis (Markdown)")).to_be_visible()
    states.check(page, "auswertung-workshop")
    states.assert_accessible()


FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        label: (element.getAttribute("aria-label") || element.innerText || "").trim().slice(0, 60),
        href: element.getAttribute("href") || "",
        focusVisible: element.matches(":focus-visible"),
        size: box.width * box.height,
    };
}"""


class KeyboardWalk:
    """Tab stops one after another, each checked for focus and for a visible focus indicator.

    After every Tab some element must hold the focus, match :focus-visible and have a size. Whether the
    indicator can be seen is checked by looking: the focused element and a few pixels around it (rings
    are drawn outside the box) are photographed with focus and again once focus has moved on. Some pixel
    must change with a contrast of at least 3:1 (WCAG 1.4.11 for the focus state); a faint tint is not
    enough. Keys that change the page (Enter, Space, typing) end such a comparison.
    """

    MARGIN = 6

    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []
        self._last = None  # (element handle, its stop, its picture with focus)

    def _picture(self, handle) -> bytes | None:
        box = handle.bounding_box()
        if box is None:
            return None
        viewport = self.page.viewport_size
        left, top = max(box["x"] - self.MARGIN, 0), max(box["y"] - self.MARGIN, 0)
        right = min(box["x"] + box["width"] + self.MARGIN, viewport["width"])
        bottom = min(box["y"] + box["height"] + self.MARGIN, viewport["height"])
        if right - left < 2 or bottom - top < 2:
            return None
        clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        return self.page.screenshot(clip=clip, animations="disabled")

    def tab(self, backwards: bool = False, then=None) -> dict:
        """One Tab (or Shift+Tab); `then` waits for what leaving a field sets off before looking."""
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if then is not None:
            then()
        stop = self.page.evaluate(FOCUSED)
        assert stop is not None, (
            f"Nach dem Tastendruck hat kein Element den Fokus (zuvor: {self.stops[-1:]})."
        )
        assert stop["focusVisible"] and stop["size"] > 0, f"Fokus nicht sichtbar: {stop}"
        handle = self.page.evaluate_handle("document.activeElement")
        if self._last is not None:
            previous, previous_stop, with_focus = self._last
            without_focus = self._picture(previous)
            if with_focus is not None and without_focus is not None:
                previous_stop["indicator"] = strongest_change(with_focus, without_focus)
        self._last = (handle, stop, self._picture(handle))
        self.stops.append(stop)
        return stop

    def until(self, matches, what: str, backwards: bool = False, limit: int = 150) -> dict:
        """Tab (or Shift+Tab) until the focused element `matches`."""
        for _ in range(limit):
            stop = self.tab(backwards)
            if matches(stop):
                return stop
        raise AssertionError(f"{what} nach {limit} Tabulatorschritten nicht erreicht: {self.stops[-limit:]}")

    def press(self, key: str) -> None:
        """A key that acts (Enter, Space, Backspace): the page may change, no comparison across it."""
        self._last = None
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self._last = None
        self.page.keyboard.type(text)

    def without_indicator(self) -> list[dict]:
        """Stops whose focus could be compared and changed nothing by 3:1 or more."""
        return [stop for stop in self.stops if stop.get("indicator") is not None and stop["indicator"] < 3]


def strongest_change(first: bytes, second: bytes) -> float | None:
    """The highest contrast ratio between the same pixel in two pictures (1.0: nothing changed)."""
    import numpy as np
    from PIL import Image

    a, b = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=float) / 255 for p in (first, second))
    if a.shape != b.shape:  # the element changed its size: not comparable
        return None
    linear = [np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4) for c in (a, b)]
    la, lb = (lin @ np.array([0.2126, 0.7152, 0.0722]) for lin in linear)
    ratio = (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)
    return round(float(ratio.max()), 2)


def test_use_case_by_keyboard_only(app_url, browser, fake_ollama):
    """From the start page to a use case's result with Tab, Shift+Tab, Enter, Space and typing only."""
    from playwright.sync_api import expect

    answer = "Mobilstation am Bahnhof eröffnet: Fahrradboxen, Leihräder und Carsharing an einem Ort."
    fake_ollama.replies.append(Reply(text=answer))
    page = open_page(browser, app_url, "start")  # its language is German: read out with German rules
    walk = KeyboardWalk(page)
    try:
        walk.until(lambda stop: "id=pressemitteilung" in stop["href"], "Die Übung „Pressemitteilung“")
        walk.press("Enter")
        expect(page.get_by_role("heading", name="Pressemitteilung entwerfen", exact=True)).to_be_visible()
        wait_idle(page)

        # empty the required "Thema": the send button is locked and the form says what is missing
        is_topic = lambda stop: stop["tag"] == "input" and stop["label"] == "Thema"  # noqa: E731
        walk.until(is_topic, "Das Feld „Thema“")
        walk.press("Control+A")
        walk.press("Backspace")
        missing = page.get_by_text("Bitte ausfüllen: Thema")
        walk.tab(then=lambda: (expect(missing).to_be_visible(), wait_idle(page)))
        send = page.get_by_role("button", name="An das Modell senden")
        expect(send).to_be_disabled()
        walk.until(is_topic, "Das Feld „Thema“ (rückwärts)", backwards=True)
        walk.type("Mobilstation am Bahnhof eröffnet")
        walk.tab(then=lambda: (expect(missing).to_have_count(0), wait_idle(page)))
        expect(send).to_be_enabled()

        walk.until(
            lambda stop: stop["label"].endswith("An das Modell senden"), "Der Knopf „An das Modell senden“"
        )
        walk.press("Space")
        expect(page.get_by_text(answer).first).to_be_visible()
        notice = page.locator("[data-testid=stCaptionContainer]", has_text="Transparenzhinweis").first
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Letztverantwortung")
        page.screenshot(path=str(ARTIFACTS / "a11y-tastatur-ergebnis.png"), full_page=True)
    finally:
        (ARTIFACTS / "a11y-tastatur-weg.json").write_text(
            json.dumps(walk.stops, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    sent = fake_ollama.chat_requests[-1].body["messages"][-1]["content"]
    assert "Thema: Mobilstation am Bahnhof eröffnet" in sent  # what was typed, not the default
    compared = [stop for stop in walk.stops if stop.get("indicator") is not None]
    assert len(compared) >= 20, walk.stops
    assert not walk.without_indicator(), f"Fokus ohne deutliche Markierung: {walk.without_indicator()}"
