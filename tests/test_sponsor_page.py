"""The sponsor page in AppTest with the Musterstadt sample: match, review, results, model check, letters."""

import json

import pandas as pd

from sample_data.sponsors import REVIEW, build_app_sample
from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts
from workbench.matching import UNSURE
from workbench.privacy import scan


def run_sample(**state):
    at = load("views/sponsors.py", **state)
    assert "Laden Sie beide Tabellen" in texts(at.info)
    at.button[0].click().run()  # Beispieldaten verwenden
    no_exception(at)
    next(b for b in at.button if b.label == "Abgleich starten").click().run()
    no_exception(at)
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def decide_as_the_solution_says(at):
    """Accept each uncertain match whose company the solution names, reject the others."""
    truth = build_app_sample().truth.set_index("sponsor_index")["company_index"]
    result = at.session_state["sp_result"]
    for row in result[result["status"] == UNSURE].itertuples():
        right = not pd.isna(truth[row.sponsor_index]) and truth[row.sponsor_index] == row.company_index
        at.segmented_control(key=f"sp_review_{row.sponsor_index}").set_value(
            "übernehmen" if right else "verwerfen"
        ).run()
    no_exception(at)


def test_sample_match_shows_non_sponsors(workbench_env, fake_ollama, fake_openai):
    at = run_sample(schutzstufe=2)
    sample = build_app_sample()
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    in_register = truth["company_index"].notna().sum()
    review = truth["art"] == REVIEW
    sure = (truth["company_index"].notna() & ~review).sum()
    # The review cases of the sample wait in step 4; until then they count nowhere.
    assert metric(at, "Treffer unsicher") == str(review.sum())
    assert f"{review.sum()} Treffer sind unsicher" in texts(at.caption)
    assert {c.key for c in at.segmented_control} == {f"sp_review_{i}" for i in truth.index[review]}
    assert metric(at, "Sponsoren im Register gefunden") == str(sure)
    assert metric(at, "Sponsoren nicht im Register") == str(len(sponsors) - sure - review.sum())
    assert "noch offen" in texts(at.info)
    decide_as_the_solution_says(at)
    assert metric(at, "Sponsoren im Register gefunden") == str(in_register)
    assert metric(at, "Unternehmen ohne Sponsoring") == str(len(companies) - in_register)
    assert metric(at, "Sponsoren nicht im Register") == str(len(sponsors) - in_register)
    assert "noch offen" not in texts(at.info)
    assert "Berechnet ohne KI" in texts(at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "Noch keine Sponsoren (CSV, berechnet ohne KI)" in labels
    assert len(at.get("plotly_chart")) == 2
    assert fake_ollama.chat_requests == [] and fake_openai.requests == []  # the match needs no model


def test_uncertain_match_is_decided_with_one_click(workbench_env):
    at = run_sample(schutzstufe=2)
    result = at.session_state["sp_result"]
    sponsor = result.loc[result["status"] == UNSURE, "sponsor_index"].iloc[0]
    found_before = int(metric(at, "Sponsoren im Register gefunden"))
    outside_before = int(metric(at, "Sponsoren nicht im Register"))
    at.segmented_control(key=f"sp_review_{sponsor}").set_value("verwerfen").run()
    assert int(metric(at, "Sponsoren im Register gefunden")) == found_before
    assert int(metric(at, "Sponsoren nicht im Register")) == outside_before + 1
    at.segmented_control(key=f"sp_review_{sponsor}").set_value("übernehmen").run()
    assert int(metric(at, "Sponsoren im Register gefunden")) == found_before + 1
    assert int(metric(at, "Sponsoren nicht im Register")) == outside_before


def test_model_comparison_names_missed_and_invented(workbench_env, fake_ollama):
    sample = build_app_sample()
    companies, truth = sample.companies, sample.truth
    sponsor_companies = set(truth["company_index"].dropna())
    non_sponsors = [n for i, n in companies["Firmenname"].items() if i not in sponsor_companies]
    answer = [*non_sponsors[:-2], "Stadtbäckerei Krumme GmbH"]  # two missed, one invented
    fake_ollama.replies.append(Reply(text=json.dumps({"unternehmen": answer})))
    at = run_sample(schutzstufe=2)
    decide_as_the_solution_says(at)  # the comparison is with the reviewed result
    at.button(key="sp_compare_btn").click().run()
    no_exception(at)
    assert metric(at, "richtig genannt") == str(len(non_sponsors) - 2)
    assert metric(at, "übersehen") == "2"
    assert metric(at, "erfunden") == "1"
    assert "Stadtbäckerei Krumme GmbH" in texts(at.caption)
    sent = fake_ollama.chat_requests[-1].body
    assert sent["format"]["required"] == ["unternehmen"]
    assert "Tabelle „Sponsoren“" in sent["messages"][0]["content"]
    assert "Transparenzhinweis" in texts(at.caption)


def test_model_comparison_at_stufe_1_is_held_back(workbench_env, fake_openai):
    at = run_sample(schutzstufe=1, endpoint_id="openai")
    at.button(key="sp_compare_btn").click().run()
    no_exception(at)
    assert "Personenbezogene Daten gefunden" in texts(at.warning)
    assert fake_openai.chat_requests == []
    # the same panel as everywhere: the text can be edited, the question can be sent locally
    assert at.text_area(key="sp_compare_editor_1").value.startswith("Ich plane ein Stadtfest")
    assert at.button(key="sp_compare_btn").disabled  # the held-back question comes first


def test_held_back_comparison_goes_local_with_one_click(workbench_env, fake_ollama, fake_openai):
    fake_ollama.replies.append(Reply(text=json.dumps({"unternehmen": []})))
    at = run_sample(schutzstufe=1, endpoint_id="openai")
    at.button(key="sp_compare_btn").click().run()
    at.button(key="sp_compare_privacy_stufe2").click().run()
    no_exception(at)
    assert at.session_state["schutzstufe"] == 2
    assert len(fake_ollama.chat_requests) == 1
    assert fake_openai.chat_requests == []
    assert "Personenbezogene Daten gefunden" not in texts(at.warning)


def test_outreach_letter(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text="Sehr geehrte Damen und Herren, das Stadtfest …"))
    at = run_sample(schutzstufe=2)
    options = at.multiselect(key="sp_letter_companies").options
    at.multiselect(key="sp_letter_companies").select(options[0]).run()
    at.button(key="sp_letter_btn").click().run()
    no_exception(at)
    assert "Sehr geehrte Damen und Herren, das Stadtfest …" in texts(at.markdown)
    assert "Transparenzhinweis" in texts(at.caption)
    assert "Als Word-Dokument" in [b.label for b in at.get("download_button")]
    assert options[0] in fake_ollama.chat_requests[-1].body["messages"][0]["content"]


def test_outreach_letter_with_default_sender_is_not_held_back_at_stufe_1(workbench_env, fake_openai):
    # Organisation names are no personal data: a company from the register and the default sender
    # ("Stadtmarketing Musterstadt") may go to the public endpoint at Schutzstufe 1.
    fake_openai.replies.append(Reply(text="Sehr geehrte Damen und Herren, das Stadtfest …"))
    at = run_sample(schutzstufe=1, endpoint_id="openai")
    options = at.multiselect(key="sp_letter_companies").options
    company = next(o for o in options if o.endswith(" GmbH") and not scan(o))  # no owner's name in it
    assert at.text_input(key="sp_letter_sender").value == "Stadtmarketing Musterstadt"
    at.multiselect(key="sp_letter_companies").select(company).run()
    at.button(key="sp_letter_btn").click().run()
    no_exception(at)
    assert "Personenbezogene Daten gefunden" not in texts(at.warning)
    assert len(fake_openai.chat_requests) == 1
    sent = fake_openai.chat_requests[0].body["messages"][-1]["content"]
    assert company in sent and "Absender: Stadtmarketing Musterstadt" in sent
    assert "Sehr geehrte Damen und Herren, das Stadtfest …" in texts(at.markdown)


def test_other_tables_drop_the_old_model_results(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text=json.dumps({"unternehmen": []})))
    at = run_sample(schutzstufe=2)
    at.button(key="sp_compare_btn").click().run()
    assert "sp_compare" in at.session_state
    at.session_state["sp_result_key"] = ("alte-tabelle.csv",)  # as if other tables had been matched before
    at.run()
    no_exception(at)
    assert "sp_compare" not in at.session_state
    assert "richtig genannt" not in texts(at.caption) + "".join(m.label for m in at.metric)
