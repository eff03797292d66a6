"""Sign-in and roles end to end: a real OpenID Connect provider (oidc-provider-mock), the app started with
`workbench run` and an `[auth]` section in Streamlit's secrets, driven by headless Chromium.

What each role sees is saved as screenshots in test-artifacts/rollen-*.png.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.chromium import ARTIFACTS, new_page, wait_idle
from tests.fakes import Reply
from tests.processes import app_running, free_port, stop, wait_until_answering

pytestmark = pytest.mark.browser

USERS = {
    "teilnehmer-1": {"email": "lea.teilnehmer@kommune.example", "name": "Lea Teilnehmer"},
    "trainer-1": {"email": "anna.weber@kommune.example", "name": "Anna Weber", "roles": ["trainer"]},
    # no role claim: the data protection role comes from workbench.toml [roles]
    "dsb-1": {"email": "dsb@kommune.example", "name": "Dora Datenschutz"},
    "admin-1": {"email": "it@kommune.example", "name": "Ida Admin", "roles": "admin"},
}


@pytest.fixture
def identity_provider(tmp_path) -> Iterator[str]:
    """oidc-provider-mock on a free port, with the test's people and their claims."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "idp.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(f"{url}/.well-known/openid-configuration", process, "oidc", 30, log_path)
            for subject, claims in USERS.items():
                request = urllib.request.Request(
                    f"{url}/users/{subject}",
                    method="PUT",
                    data=json.dumps(claims).encode(),
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert answer.status == 204
            yield url
        finally:
            stop(process)


@pytest.fixture
def signed_in_app(workbench_env, tmp_path, identity_provider, postgres_url) -> Iterator[str]:
    """The app with sign-in: Streamlit's [auth] secrets point at the provider; one role from workbench.toml;
    the record in a real PostgreSQL database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"  # the browser must use exactly the host of redirect_uri
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "ein-langes-zufaelliges-geheimnis-fuer-cookies"\n'
        'client_id = "ki-werkbank"\n'
        'client_secret = "werkbank-geheim"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    config = tmp_path / "workbench.toml"
    config.write_text(
        '[organisation]\nname = "Stadt Musterstadt"\n\n[roles]\ndatenschutz = ["DSB@kommune.example"]\n',
        encoding="utf-8",
    )
    env = {
        **workbench_env,
        "WORKBENCH_CONFIG": str(config),
        "STREAMLIT_SECRETS_FILES": str(secrets),
        "WORKBENCH_DATABASE_URL": postgres_url,
        "PYTHONUNBUFFERED": "1",
    }
    with app_running(env, tmp_path, port):
        yield url


def sign_in(browser, app: str, subject: str):
    """A fresh browser session that signs in as `subject` on the provider's form."""
    from playwright.sync_api import expect

    page = new_page(browser, 1100)
    page.goto(app)
    expect(page.get_by_text("Bitte melden Sie sich mit Ihrem Dienstkonto an")).to_be_visible()
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.locator('input[name="sub"]').fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(re.escape(app) + r"/?$"))
    expect(page.get_by_test_id("stSidebar").get_by_text(USERS[subject]["name"])).to_be_visible()
    wait_idle(page)
    return page


def visit(page, app: str, path: str, shot: str) -> None:
    page.goto(f"{app}/{path}")
    page.get_by_test_id("stMain").get_by_role("heading").first.wait_for()
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / f"rollen-{shot}.png"), full_page=True)


def test_each_role_sees_what_it_may_in_chromium(signed_in_app, browser, fake_ollama, postgres_url):
    from playwright.sync_api import expect

    app = signed_in_app
    visitor = new_page(browser, 900)
    visitor.goto(app)
    expect(visitor.get_by_text("Bitte melden Sie sich mit Ihrem Dienstkonto an")).to_be_visible()
    expect(visitor.get_by_test_id("stSidebarNav")).to_have_count(0)  # nothing of the app before sign-in
    visitor.screenshot(path=str(ARTIFACTS / "rollen-anmeldung.png"))

    # A participant: exercises yes, workshop management, protocol and model administration no.
    lea = sign_in(browser, app, "teilnehmer-1")
    expect(lea.get_by_test_id("stSidebar").get_by_text("Rollen: Teilnahme an Übungen")).to_be_visible()
    fake_ollama.replies.append(Reply(text="Guten Tag, gern helfe ich."))
    lea.goto(f"{app}/chat")
    lea.get_by_test_id("stChatInputTextArea").fill("Wie formuliere ich eine Einladung?")
    lea.get_by_test_id("stChatInputTextArea").press("Enter")
    expect(lea.get_by_text("Guten Tag, gern helfe ich.")).to_be_visible()
    wait_idle(lea)
    visit(lea, app, "auswertung", "teilnahme-auswertung")
    expect(lea.get_by_text("Rolle „Workshop-Leitung“")).to_be_visible()
    expect(lea.get_by_text("bitten Sie die Administration der KI-Werkbank")).to_be_visible()
    expect(lea.get_by_test_id("stMetric")).to_have_count(0)
    visit(lea, app, "verlauf", "teilnahme-verlauf")
    expect(lea.get_by_text("Rolle „Datenschutz“")).to_be_visible()
    visit(lea, app, "modelle", "teilnahme-modelle")
    expect(lea.get_by_text("Rolle „Administration“").first).to_be_visible()
    expect(lea.get_by_role("button", name="Verbindung testen")).to_have_count(0)
    visit(lea, app, "workshop", "teilnahme-workshop")
    lea.get_by_role("tab", name=re.compile("Workshop anlegen")).click()
    expect(lea.get_by_text("Rolle „Workshop-Leitung“")).to_be_visible()
    expect(lea.get_by_role("button", name="Workshop anlegen")).to_have_count(0)

    # The trainer creates a workshop and opens its evaluation.
    anna = sign_in(browser, app, "trainer-1")
    expect(anna.get_by_test_id("stSidebar").get_by_text("Rollen: Workshop-Leitung")).to_be_visible()
    anna.goto(f"{app}/workshop")
    anna.get_by_role("tab", name=re.compile("Workshop anlegen")).click()
    expect(anna.get_by_label("Leitung (erscheint im Nachweis)")).to_have_value("Anna Weber")
    anna.get_by_role("button", name="Workshop anlegen").click()
    expect(anna.get_by_text("Code für die Teilnehmenden")).to_be_visible()
    wait_idle(anna)
    anna.screenshot(path=str(ARTIFACTS / "rollen-trainer-workshop.png"), full_page=True)
    visit(anna, app, "auswertung", "trainer-auswertung")
    expect(anna.get_by_text("Leitung: Anna Weber")).to_be_visible()
    expect(anna.get_by_test_id("stMetric").first).to_be_visible()
    visit(anna, app, "verlauf", "trainer-verlauf")
    expect(anna.get_by_text("Rolle „Datenschutz“")).to_be_visible()  # a trainer is no data protection officer

    # The data protection officer (role from workbench.toml, matched by e-mail regardless of case).
    dora = sign_in(browser, app, "dsb-1")
    expect(dora.get_by_test_id("stSidebar").get_by_text("Rollen: Datenschutz")).to_be_visible()
    visit(dora, app, "verlauf", "datenschutz-verlauf")
    expect(dora.get_by_role("heading", name="Protokoll für den Datenschutz")).to_be_visible()
    expect(dora.get_by_text("Es ist keine Löschfrist eingestellt")).to_be_visible()
    expect(dora.get_by_text("Rolle „Datenschutz“")).to_have_count(0)
    visit(dora, app, "auswertung", "datenschutz-auswertung")
    expect(dora.get_by_text("Rolle „Workshop-Leitung“")).to_be_visible()

    # The administrator may test connections and download models.
    ida = sign_in(browser, app, "admin-1")
    visit(ida, app, "modelle", "admin-modelle")
    expect(ida.get_by_role("button", name="Verbindung testen").first).to_be_visible()
    expect(ida.get_by_text("Rolle „Administration“")).to_have_count(0)

    # Signing out leads back to the provider and then to the sign-in page.
    ida.get_by_role("button", name="Abmelden").click()
    ida.wait_for_url(re.compile(r".*/oauth2/end_session.*"))
    ida.get_by_role("button", name="End session").click()
    expect(ida.get_by_text("Bitte melden Sie sich mit Ihrem Dienstkonto an")).to_be_visible()

    # The record holds pseudonyms, never a name, an address or the provider's subject id.
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        runs = connection.execute(text("SELECT user_id, purpose FROM runs")).fetchall()
        workshops = connection.execute(text("SELECT trainer, created_by FROM workshops")).fetchall()
        dump = "\n".join(str(row) for row in [*runs, *workshops])
    engine.dispose()
    chats = [user for user, purpose in runs if purpose == "chat"]
    assert len(chats) == 1 and re.fullmatch(r"p-[0-9a-f]{16}", chats[0])
    assert workshops[0][0] == "Anna Weber"  # the trainer's own entry for the record
    assert re.fullmatch(r"p-[0-9a-f]{16}", workshops[0][1]) and workshops[0][1] != chats[0]
    for person in USERS.values():
        assert person["email"] not in dump and (person["name"] not in dump or person["name"] == "Anna Weber")
    assert "teilnehmer-1" not in dump and "trainer-1" not in dump
