"""End to end in a real browser: `streamlit run` on a free port, driven by headless Chromium.

Covers what AppTest cannot: the sidebar of the st.navigation shell across reruns, page switching,
typing into the chat and watching the streamed answer arrive with its notice.
"""

from __future__ import annotations

import time

import pytest

from tests.chromium import ARTIFACTS, STATE_TIMEOUT_MS, new_page, wait_idle
from tests.fakes import Reply
from tests.processes import app_running

pytestmark = pytest.mark.browser


def _wait_until(condition, what: str, timeout: float = STATE_TIMEOUT_MS / 1000) -> None:
    """Poll a condition on the fake servers' records (they are not on the screen)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _start_app(workbench_env, tmp_path, config_text: str):
    config = tmp_path / "browser.toml"
    config.write_text(config_text, encoding="utf-8")
    env = {**workbench_env, "WORKBENCH_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
    with app_running(env, tmp_path) as url:
        yield url


@pytest.fixture
def running_app(workbench_env, tmp_path):
    yield from _start_app(workbench_env, tmp_path, '[organisation]\nname = "Stadt Musterstadt"\n')


@pytest.fixture
def app_with_real_server(workbench_env, tmp_path, real_server):
    from tests.real_server import CHAT_MODEL, endpoint_toml

    organisation = '[organisation]\nname = "Stadt Musterstadt"\n\n'
    config = organisation + endpoint_toml(real_server.url, CHAT_MODEL, max_tokens=128)
    yield from _start_app(workbench_env, tmp_path, config)


def test_chat_at_schutzstufe_2_in_chromium(running_app, browser, fake_ollama, fake_openai):
    from playwright.sync_api import expect

    answer = "Der Neujahrsempfang beginnt mit einer kurzen Begrüßung durch die Landrätin."
    fake_ollama.chunk_delay = 0.05
    fake_ollama.replies.append(Reply(text=answer))

    page = new_page(browser, 1000)
    page.goto(running_app)
    expect(page.get_by_role("heading", name="Die Schutzstufen")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
    assert fake_openai.requests == []  # a new session starts at Schutzstufe 2

    # Switch to 1 and back to 2: the public API becomes selectable, then locked again.
    sidebar.get_by_text("Schutzstufe 1 – ohne Personenbezug").click()
    wait_idle(page)
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_have_count(0)
    sidebar.get_by_text("Schutzstufe 2 – mit Personenbezug").click()
    wait_idle(page)
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
    expect(sidebar.get_by_text("ist ein öffentlicher Dienst").first).to_be_visible()
    seen_at_stufe_1 = len(fake_openai.requests)  # status checks while Schutzstufe 1 was chosen

    sidebar.get_by_role("link", name="Freier Chat").click()
    expect(page.get_by_role("heading", name="Freier Chat")).to_be_visible()
    chat_box = page.get_by_placeholder("Ihre Frage oder Aufgabe …")
    chat_box.fill("Plane einen Neujahrsempfang für 250 Gäste.")
    chat_box.press("Enter")

    expect(page.get_by_text(answer)).to_be_visible()
    notice = page.get_by_text("Transparenzhinweis:").first
    expect(notice).to_be_visible()
    notice_text = page.locator("[data-testid=stCaptionContainer]", has_text="Transparenzhinweis").first
    expect(notice_text).to_contain_text("Schutzstufe 2")
    expect(notice_text).to_contain_text("Lokales Ollama")
    expect(notice_text).to_contain_text("Letztverantwortung")
    expect(page.get_by_role("button", name="Gespräch (Markdown)")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "chat-schutzstufe-2.png"), full_page=True)
    expect(page.get_by_text("Traceback")).to_have_count(0)

    sent = fake_ollama.chat_requests
    assert len(sent) == 1
    assert sent[0].body["messages"][-1]["content"] == "Plane einen Neujahrsempfang für 250 Gäste."
    # Back at Schutzstufe 2 the public server saw nothing more: no chat, no status check.
    assert len(fake_openai.requests) == seen_at_stufe_1
    assert fake_openai.chat_requests == []


def test_switch_to_2_during_a_status_check_reaches_no_public_service(
    running_app, browser, fake_ollama, fake_openai
):
    """The person switches 1 -> 2 while the Stufe-1 run still waits for a slow local status check.

    Streamlit starts the Stufe-2 run at once and lets the old run finish its current call; the old
    run would check the public service next, at the level it started with. It must not reach it.
    """
    from playwright.sync_api import expect

    page = new_page(browser, 1000)
    page.goto(running_app)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
    wait_idle(page)
    assert fake_openai.requests == []

    before = len(fake_ollama.requests)
    fake_ollama.fault, fake_ollama.delay = "slow", 1.0  # every Ollama request waits a second
    sidebar.get_by_text("Schutzstufe 1 – ohne Personenbezug").click()
    _wait_until(lambda: len(fake_ollama.requests) > before, "the Stufe-1 status check of Ollama")
    sidebar.get_by_text("Schutzstufe 2 – mit Personenbezug").click()
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
    expect(sidebar.get_by_text("ist ein öffentlicher Dienst").first).to_be_visible()

    # The old run asks Ollama for its version, then for its models (a second each), and would then
    # turn to the public service. Wait until it has sent the second request, then let it finish.
    _wait_until(
        lambda: any(r.path == "/api/tags" for r in fake_ollama.requests[before:]),
        "the old run's second Ollama request",
    )
    time.sleep(fake_ollama.delay + 2.0)  # time for a public check that must not come
    wait_idle(page)
    assert fake_openai.requests == []
    page.screenshot(path=str(ARTIFACTS / "stufe-2-nach-wechsel.png"), full_page=True)


def test_deep_link_as_first_request_gets_the_whole_app(running_app, browser, fake_ollama, fake_openai):
    """The first request the fresh server ever gets is a deep link: it still runs app.py, with the
    navigation, the sidebar and the Schutzstufe switch, and later sessions get the same."""
    from playwright.sync_api import expect

    for path in ("chat", "datenschutz"):
        page = new_page(browser, 1000)
        page.goto(f"{running_app}/{path}")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Schutzstufe 2 – mit Personenbezug")).to_be_visible()
        expect(sidebar.get_by_role("link", name="Freier Chat")).to_be_visible()
        expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
        for raw_name in ("privacy check", "app"):  # file names of a page list Streamlit made itself
            expect(sidebar.get_by_role("link", name=raw_name, exact=True)).to_have_count(0)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.context.close()
    assert fake_openai.requests == []


def test_privacy_check_and_held_back_chat_in_chromium(running_app, browser, fake_ollama, fake_openai):
    from playwright.sync_api import expect

    page = new_page(browser, 1400)
    page.goto(running_app)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Datenschutz-Check").click()
    expect(page.get_by_role("heading", name="Datenschutz-Check")).to_be_visible()
    page.get_by_role("button", name="Beispieltext laden").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Empfehlung:")).to_contain_text("Schutzstufe 2")
    highlighted = page.locator("mark", has_text="DE89 3704 0044 0532 0130 00")
    expect(highlighted).to_contain_text("IBAN (Bankverbindung)")
    # the pseudonymised version (the findings table above holds the placeholder too, in hidden grid cells)
    expect(page.get_by_test_id("stCode").filter(has_text="[IBAN_1]").first).to_be_visible()
    expect(page.get_by_text("Berechnet ohne KI").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "datenschutz-check.png"), full_page=True)
    assert fake_ollama.chat_requests == [] and fake_openai.requests == []  # the check sends nothing

    # Schutzstufe 1 with the public API: an IBAN in the chat is held back, nothing is sent.
    sidebar.get_by_text("Schutzstufe 1 – ohne Personenbezug").click()
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_have_count(0)
    wait_idle(page)
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="OpenAI (öffentliche API)").click()
    expect(sidebar.get_by_role("combobox", name="Modell")).to_have_value("gpt-4o-mini")
    wait_idle(page)
    sidebar.get_by_role("link", name="Freier Chat").click()
    chat_box = page.get_by_placeholder("Ihre Frage oder Aufgabe …")
    expect(chat_box).to_be_visible()
    chat_box.fill("Bitte überweisen Sie an DE89 3704 0044 0532 0130 00.")
    chat_box.press("Enter")
    expect(page.get_by_text("Personenbezogene Daten gefunden").first).to_be_visible()
    expect(page.get_by_role("button", name="Auf Schutzstufe 2 wechseln und lokal senden")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "chat-zurueckgehalten.png"), full_page=True)
    assert fake_openai.chat_requests == []

    page.get_by_role("button", name="Auf Schutzstufe 2 wechseln und lokal senden").click()
    expect(page.get_by_text("Dies ist eine Testantwort der Fake-Instanz.").first).to_be_visible()
    expect(sidebar.get_by_text("Nicht verfügbar:")).to_be_visible()
    assert fake_openai.chat_requests == []
    assert "DE89 3704" in fake_ollama.chat_requests[-1].body["messages"][-1]["content"]


def test_neujahrsempfang_end_to_end_in_chromium(running_app, browser, fake_ollama, fake_openai):
    from playwright.sync_api import expect

    from tests.test_plan import GOOD, plan_json

    too_long = [*GOOD[:2], (40, 35, "Musikalischer Ausklang", "Live-Musik", ["Musiker"], "singt mit")]
    fake_ollama.chunk_delay = 0.01
    fake_ollama.replies.extend([Reply(text=plan_json(*too_long)), Reply(text=plan_json(*GOOD))])
    page = new_page(browser, 1600)
    page.goto(running_app)
    page.locator('a[href*="id=neujahrsempfang"]').first.click()
    expect(page.get_by_role("heading", name="Neujahrsempfang planen")).to_be_visible()
    page.get_by_text("Vorschau: Das wird an das Modell gesendet").click()
    expect(page.get_by_text("Landrätin").first).to_be_visible()
    page.get_by_role("button", name="An das Modell senden").click()
    expect(page.get_by_text("Der Plan dauert 75 statt 60 Minuten.")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "neujahrsempfang-fehler.png"), full_page=True)
    page.get_by_role("button", name="Plan korrigieren lassen").click()
    expect(page.get_by_text("Der Plan erfüllt alle Vorgaben")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_text("Transparenzhinweis:").first).to_be_visible()
    for label in ("Ablaufplan (Markdown)", "Ablaufplan (Word)", "Ablaufplan (CSV)"):
        expect(page.get_by_role("button", name=label)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Ablaufplan (Markdown)").click()
    content = download_info.value.path().read_text(encoding="utf-8")
    page.screenshot(path=str(ARTIFACTS / "neujahrsempfang-plan.png"), full_page=True)
    assert "ai_generated: true" in content and "Transparenzhinweis" in content
    assert "Zukunftstalk" in content
    assert len(fake_ollama.chat_requests) == 2
    assert fake_openai.requests == []


def test_sponsor_page_in_chromium(running_app, browser, fake_ollama, fake_openai):
    import json

    from playwright.sync_api import expect

    fake_ollama.replies.append(Reply(text=json.dumps({"unternehmen": ["Stadtbäckerei Krumme GmbH"]})))
    page = new_page(browser, 3000)
    page.goto(running_app)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Sponsorenabgleich").click()
    expect(page.get_by_role("heading", name="Sponsorenabgleich").or_(
        page.get_by_role("heading", name="Sponsorenliste abgleichen"))).to_be_visible()  # fmt: skip
    page.get_by_role("button", name="Beispieldaten der Musterstadt verwenden").click()
    page.get_by_role("button", name="Abgleich starten").click()
    expect(page.get_by_text("Unternehmen ohne Sponsoring")).to_be_visible()
    expect(page.get_by_role("tab", name="Noch keine Sponsoren")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_text("Berechnet ohne KI").first).to_be_visible()
    page.get_by_role("button", name="Dieselbe Frage an die KI stellen").click()
    expect(page.get_by_text("übersehen", exact=True)).to_be_visible()
    expect(page.get_by_text("Stadtbäckerei Krumme GmbH")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "sponsoren.png"), full_page=True)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert len(fake_ollama.chat_requests) == 1
    assert fake_openai.requests == []


def test_agent_four_steps_in_chromium(running_app, browser, fake_ollama, fake_openai):
    from playwright.sync_api import expect

    fake_ollama.replies.extend(
        [
            Reply(tool_calls=[{"name": "daten_zusammenfuehren", "arguments": {}}]),
            Reply(text="Schritt eins erledigt: Daten zusammengeführt."),
            Reply(tool_calls=[{"name": "mengen_pruefen", "arguments": {"mindestabweichung_prozent": 15}}]),
            Reply(text="Schritt zwei erledigt: Tour T05 weicht ab."),
            Reply(text="Schritt drei erledigt: vier auffällige Touren."),
            Reply(text="Schritt vier erledigt: Empfehlungen."),
        ]
    )
    page = new_page(browser, 3200)
    page.goto(running_app)
    page.get_by_test_id("stSidebar").get_by_role("link", name="KI-Agent: Abfalltouren").click()
    page.get_by_role("button", name="Beispieldaten der Musterstadt verwenden").click()
    expect(page.get_by_role("button", name="Agent starten: Schritt 1 ausführen")).to_be_visible()
    for number, text in enumerate(
        [
            "Schritt eins erledigt",
            "Schritt zwei erledigt",
            "Schritt drei erledigt",
            "Schritt vier erledigt",
        ],
        start=1,
    ):
        label = "Agent starten" if number == 1 else "Weiter"
        page.get_by_role("button", name=f"{label}: Schritt {number} ausführen").click()
        expect(page.get_by_text(text).first).to_be_visible()
        if number < 4:  # the next step waits for the person
            expect(page.get_by_role("button", name=f"Weiter: Schritt {number + 1} ausführen")).to_be_visible()
    expect(page.get_by_text("daten_zusammenfuehren").first).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    expect(page.get_by_text("Transparenzhinweis:").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "agent.png"), full_page=True)
    page.locator(".js-plotly-plot").nth(2).screenshot(path=str(ARTIFACTS / "agent-karte.png"))
    expect(page.get_by_text("Traceback")).to_have_count(0)

    # the same four steps in guided mode: the workbench calls the tools, the model comments
    wait_idle(page)
    page.get_by_role("button", name="Neu beginnen").click()
    expect(page.get_by_role("button", name="Agent starten: Schritt 1 ausführen")).to_be_visible()
    page.get_by_test_id("stRadio").get_by_text("Geführter Modus", exact=True).click()
    wait_idle(page)
    fake_ollama.replies.extend([Reply(text=f"Geführt {n}.") for n in range(1, 5)])
    for number in range(1, 5):
        label = "Agent starten" if number == 1 else "Weiter"
        page.get_by_role("button", name=f"{label}: Schritt {number} ausführen").click()
        expect(page.get_by_text(f"Geführt {number}.").first).to_be_visible()
    expect(page.get_by_text("geführter Modus").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "agent-gefuehrt.png"), full_page=True)
    assert len(fake_ollama.chat_requests) == 10
    assert not any(r.body.get("tools") for r in fake_ollama.chat_requests[6:])
    assert fake_openai.requests == []


@pytest.mark.real_server
@pytest.mark.timeout(600)
def test_chat_with_a_real_in_house_server_in_chromium(app_with_real_server, browser, fake_openai):
    from playwright.sync_api import expect

    page = new_page(browser, 1600)  # the service list opens below the sidebar's select box
    page.goto(app_with_real_server)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("KI-Dienst")).to_be_visible()
    wait_idle(page)  # the status check of both local services has finished
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Rechenzentrum (llama.cpp) (lokal)").click()
    wait_idle(page)
    sidebar.get_by_role("link", name="Freier Chat").click()
    expect(page.get_by_role("heading", name="Freier Chat")).to_be_visible()
    chat_box = page.get_by_placeholder("Ihre Frage oder Aufgabe …")
    chat_box.fill("Nenne zwei Ideen für einen Neujahrsempfang.")
    chat_box.press("Enter")
    notice_text = page.locator("[data-testid=stCaptionContainer]", has_text="Transparenzhinweis").first
    expect(notice_text).to_contain_text("Rechenzentrum (llama.cpp)", timeout=300_000)
    expect(notice_text).to_contain_text("Schutzstufe 2")
    expect(notice_text).to_contain_text("lokal")
    page.get_by_text("Kopieren, herunterladen, Kennzahlen").last.click()
    expect(page.get_by_text("Tokens: nicht gemeldet").first).to_be_visible()  # llama.cpp streams no usage
    page.screenshot(path=str(ARTIFACTS / "chat-real-server.png"), full_page=True)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert fake_openai.chat_requests == []
