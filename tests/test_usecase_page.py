"""The Anwendungsfälle page in AppTest against the fakes: text, plan and table exercises."""

import json

from tests.conftest import ROOT
from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts
from tests.test_plan import GOOD, plan_json


def open_case(usecase_id: str, **state):
    return load("views/usecase.py", usecase_id=usecase_id, **state)


def send(at):
    at.button(key=f"uc_{at.session_state['usecase_id']}_send_btn").click().run()
    no_exception(at)
    return at


def test_text_exercise_with_preview_answer_followup_and_downloads(workbench_env, fake_ollama, fake_openai):
    at = open_case("pressemitteilung", schutzstufe=2)
    no_exception(at)
    preview = at.code[-1].value
    assert preview and "{" not in preview
    fake_ollama.replies.extend([Reply(text="Neue Mobilstation eröffnet."), Reply(text="Kürzere Fassung.")])
    send(at)
    assert "Neue Mobilstation eröffnet." in texts(at.markdown)
    assert "Transparenzhinweis" in texts(at.caption)
    sent = fake_ollama.chat_requests[0].body["messages"]
    assert sent[-1]["content"] == preview  # exactly what the preview showed
    followup = next(b for b in at.button if b.key and b.key.startswith("uc_pressemitteilung_fu_"))
    followup.click().run()
    no_exception(at)
    assert "Kürzere Fassung." in texts(at.markdown)
    assert len(fake_ollama.chat_requests[1].body["messages"]) == len(sent) + 2  # multi-turn
    assert len(at.get("download_button")) >= 3
    assert fake_openai.requests == []


def test_recommended_stufe_2_is_pointed_out(workbench_env):
    at = open_case("buergeranfrage_antwort", schutzstufe=1)
    no_exception(at)
    assert "Empfohlen: Schutzstufe 2" in texts(at.warning)
    at.button(key="uc_buergeranfrage_antwort_to_stufe_2").click().run()
    assert at.session_state["schutzstufe"] == 2


def test_plan_that_does_not_add_up_is_caught_and_corrected(workbench_env, fake_ollama):
    too_long = [*GOOD[:2], (40, 35, "Musik", "Live-Musik", ["Musiker"], "singt mit")]
    fake_ollama.replies.extend([Reply(text=plan_json(*too_long)), Reply(text=plan_json(*GOOD))])
    at = open_case("neujahrsempfang", schutzstufe=2)
    send(at)
    assert "Der Plan dauert 75 statt 60 Minuten." in texts(at.error)
    assert fake_ollama.chat_requests[0].body["format"]["required"] == ["segmente"]
    at.button(key="uc_neujahrsempfang_correct").click().run()
    no_exception(at)
    correction = fake_ollama.chat_requests[1].body["messages"][-1]["content"]
    assert "- Der Plan dauert 75 statt 60 Minuten." in correction
    assert "erfüllt alle Vorgaben" in texts(at.success)
    assert at.dataframe[0].value["Dauer (Min.)"].tolist() == [15, 25, 20]
    assert len(at.get("plotly_chart")) == 1
    assert "Transparenzhinweis" in texts(at.caption)
    assert len(at.get("download_button")) >= 3


def test_plan_refinement_button_asks_for_a_new_plan(workbench_env, fake_ollama):
    fake_ollama.replies.extend(
        [Reply(text=plan_json(*GOOD)), Reply(text=plan_json(*GOOD, title="Innovativ"))]
    )
    at = open_case("neujahrsempfang", schutzstufe=2)
    send(at)
    buttons = [b for b in at.button if b.label.startswith("Zu harmlos")]
    buttons[0].click().run()
    no_exception(at)
    assert "Innovativ" in [s.value for s in at.subheader]
    last = fake_ollama.chat_requests[-1].body["messages"][-1]["content"]
    assert "JSON" in last and fake_ollama.chat_requests[-1].body["format"]


def test_unreadable_plan_is_retried_once_then_shown_as_text(workbench_env, fake_ollama):
    fake_ollama.replies.extend(
        [Reply(text="Gern, hier ein Vorschlag ohne JSON."), Reply(text="Immer noch kein JSON.")]
    )
    at = open_case("neujahrsempfang", schutzstufe=2)
    send(at)
    assert len(fake_ollama.chat_requests) == 2
    assert "konnte nicht gelesen werden" in fake_ollama.chat_requests[1].body["messages"][-1]["content"]
    assert "keinen lesbaren Plan" in texts(at.warning)
    assert "Immer noch kein JSON." in texts(at.markdown)


def test_table_exercise_validates_and_exports(workbench_env, fake_ollama):
    rows = {
        "zeilen": [
            {"nr": 1, "anliegen": "Schlagloch", "ort": "Hauptstraße", "kategorie": "Straße und Verkehr",
             "dringlichkeit": "hoch", "rueckmeldung_erwuenscht": True},
            {"nr": 2, "anliegen": "Laterne defekt", "ort": "unbekannt", "kategorie": "Licht",
             "dringlichkeit": "mittel", "rueckmeldung_erwuenscht": False},
        ]
    }  # fmt: skip
    fake_ollama.replies.append(Reply(text=json.dumps(rows)))
    at = open_case("buergermeldungen_tabelle", schutzstufe=2)
    send(at)
    schema = fake_ollama.chat_requests[0].body["format"]
    assert "kategorie" in schema["properties"]["zeilen"]["items"]["properties"]
    assert "1 von 2 Zeilen" in texts(at.warning)
    assert "Transparenzhinweis" in texts(at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "Tabelle (CSV)" in labels and "Tabelle (Excel)" in labels


def test_broken_trainer_file_is_shown_and_others_work(workbench_env, tmp_path):
    folder = tmp_path / "uebungen"
    folder.mkdir()
    (folder / "kaputt.toml").write_text('id = "x"\ncategory = "Unsinn"\n', encoding="utf-8")
    (tmp_path / "workbench.toml").write_text('usecases_dir = "uebungen"\n', encoding="utf-8")
    at = open_case("pressemitteilung")
    no_exception(at)
    assert "kaputt.toml" in texts(at.warning)
    assert at.title[0].value == "Pressemitteilung entwerfen" or at.title


def test_own_change_request_for_a_plan(workbench_env, fake_ollama):
    fake_ollama.replies.extend(
        [Reply(text=plan_json(*GOOD)), Reply(text=plan_json(*GOOD, title="Mit Musik zuerst"))]
    )
    at = open_case("neujahrsempfang", schutzstufe=2)
    send(at)
    at.text_input(key="uc_neujahrsempfang_own_text").set_value("Die Musik bitte an den Anfang.")
    at.button(key="FormSubmitter:uc_neujahrsempfang_own_request-Änderung anfordern").click().run()
    no_exception(at)
    assert "Die Musik bitte an den Anfang." in fake_ollama.chat_requests[-1].body["messages"][-1]["content"]
    assert "Mit Musik zuerst" in [s.value for s in at.subheader]


def _usecase_page_with_media(page: str, usecase_id: str) -> None:
    """views/usecase.py with the media store kept, so the test can read what the download buttons serve."""
    import runpy

    import streamlit as st
    from streamlit.runtime import Runtime

    st.session_state["_test_media"] = Runtime.instance().media_file_mgr
    st.session_state["usecase_id"] = usecase_id
    st.session_state["schutzstufe"] = 2
    runpy.run_path(page, run_name="__main__")


def test_values_outside_the_allowed_list_stay_visible_and_an_unedited_table_is_not_marked_edited(
    workbench_env, fake_ollama
):
    from streamlit.testing.v1 import AppTest

    from tests.test_exports_and_runlog import downloads

    rows = {
        "zeilen": [
            {"nr": 1, "anliegen": "Schlagloch", "ort": "Hauptstraße", "kategorie": "Müll",
             "dringlichkeit": "sehr hoch", "rueckmeldung_erwuenscht": True},
            {"nr": 2, "anliegen": "Laterne defekt", "ort": "Am Markt", "kategorie": "Beleuchtung",
             "dringlichkeit": "mittel", "rueckmeldung_erwuenscht": False},
        ]
    }  # fmt: skip
    fake_ollama.replies.append(Reply(text=json.dumps(rows)))
    at = AppTest.from_function(
        _usecase_page_with_media,
        args=(str(ROOT / "views/usecase.py"), "buergermeldungen_tabelle"),
        default_timeout=30,
    )
    at.run()
    send(at)
    editor = at.dataframe[-1]
    config = json.loads(editor.proto.columns)
    options = {name: c.get("type_config", {}).get("options") for name, c in config.items()}
    assert "Müll" in options["kategorie"] and "sehr hoch" in options["dringlichkeit"]  # shown, not blanked
    assert "1 von 2 Zeilen" in texts(at.warning)  # and the check column marks the row
    assert "bearbeitet" not in texts(at.caption)  # nobody edited anything
    table = downloads(at)["Tabelle (CSV)"].decode("utf-8-sig")
    assert "Müll" in table and "sehr hoch" in table  # the export holds what the screen shows
    assert "bearbeitet" not in table


def test_same_rows_ignores_what_a_browser_round_trip_does_to_dtypes():
    import pandas as pd

    from workbench.structured import same_rows

    frame = pd.DataFrame({"nr": [1, 2], "ok": [True, None], "text": ["a", None], "wert": [1.5, float("nan")]})
    round_trip = frame.convert_dtypes()  # Int64, boolean, string, Float64 with pd.NA
    assert same_rows(frame, round_trip)
    assert same_rows(frame, frame.astype(object))
    edited = round_trip.copy()
    edited.loc[0, "text"] = "b"
    assert not same_rows(frame, edited)
    assert not same_rows(frame, frame.iloc[:1])


def test_own_text_and_the_open_exercise_survive_a_visit_to_another_page(workbench_env):
    at = open_case("einfache_sprache")
    field = "uc_einfache_sprache_field_text"
    at.text_area(key=field).set_value("Mein eigener Text über die Biotonne.").run()
    assert at.session_state["_kept_inputs"]["usecase_id"] == "einfache_sprache"  # the open exercise, too
    kept = dict(at.session_state["_kept_inputs"])
    # back from another page: Streamlit has forgotten every widget of this page, the session the rest
    back = load("views/usecase.py", _kept_inputs=kept)
    no_exception(back)
    assert back.session_state["usecase_id"] == "einfache_sprache"  # not the first exercise of the list
    assert back.text_area(key=field).value == "Mein eigener Text über die Biotonne."


def test_a_refused_follow_up_is_also_explained_next_to_the_input(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text="Erste Fassung."))
    at = open_case("pressemitteilung", schutzstufe=2)
    send(at)
    at.session_state["schutzstufe"] = 1
    at.session_state["endpoint_id"] = "openai"
    at.run()
    at.chat_input(key="uc_pressemitteilung_chat").set_value("Bitte kürzer.").run()
    no_exception(at)
    assert "Ihre letzte Anfrage wurde nicht gesendet" in texts(at.warning)
    assert "Sie sind auf Schutzstufe 1" in texts(at.error) + texts(at.warning)
    assert fake_openai.requests == []
