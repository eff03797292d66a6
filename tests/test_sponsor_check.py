"""Asking a model the sponsor question: the request, truncation, and checking the answer."""

import json

import pandas as pd

from tests.fakes import Reply
from workbench.gateway import ChatRequest
from workbench.matching import SURE, match_sponsors
from workbench.sponsor_check import ANSWER_SCHEMA, check_model_answer, model_prompt, names_in_answer

COMPANIES = pd.DataFrame(
    {
        "Firmenname": [
            "Bäckerei Schäfer e.K.",
            "Elektro Hoffmann GmbH",
            "Autohaus Wöstmann GmbH",
            "Nordlicht IT-Service GmbH",
        ],
        "Ort": ["Musterstadt"] * 4,
    }
)
SPONSORS = pd.DataFrame({"Sponsor": ["Baeckerei Schaefer"], "Ort": ["Musterstadt"]})


def test_prompt_holds_both_tables_and_says_when_it_is_cut():
    full = model_prompt(
        SPONSORS, COMPANIES, sponsor_columns=["Sponsor", "Ort"], company_columns=["Firmenname", "Ort"]
    )
    assert not full.truncated and full.companies_sent == [0, 1, 2, 3]
    assert "Tabelle „Sponsoren“:\nSponsor;Ort\nBaeckerei Schaefer;Musterstadt" in full.text
    assert "noch nicht unterstützt" in full.text
    cut = model_prompt(
        SPONSORS, COMPANIES, sponsor_columns=["Sponsor"], company_columns=["Firmenname"], budget_chars=90
    )
    assert cut.truncated and len(cut.companies_sent) < 4
    assert f"ersten {len(cut.companies_sent)} von 4 Zeilen" in cut.text


def test_answer_names_from_json_or_lines():
    assert names_in_answer('{"unternehmen": ["A GmbH", "B AG"]}') == ["A GmbH", "B AG"]
    assert names_in_answer("Folgende Unternehmen:\n- A GmbH\n2. B AG\n") == ["A GmbH", "B AG"]


def test_check_names_missed_invented_and_wrong():
    matched = match_sponsors(SPONSORS, COMPANIES, sponsor_name="Sponsor", company_name="Firmenname")
    sponsor_labels = set(matched.loc[matched["status"] == SURE, "company_index"])
    answer = ["Elektro Hoffmann", "Autohaus Woestmann GmbH", "Stadtbäckerei Krumme GmbH", "Bäckerei Schäfer"]
    check = check_model_answer(
        answer, COMPANIES, company_name="Firmenname", sponsor_labels=sponsor_labels, considered=[0, 1, 2, 3]
    )
    assert check.correct == ["Elektro Hoffmann GmbH", "Autohaus Wöstmann GmbH"]
    assert check.missed == ["Nordlicht IT-Service GmbH"]
    assert check.invented == ["Stadtbäckerei Krumme GmbH"]
    assert check.wrong == ["Bäckerei Schäfer"]
    assert check.counts == {"richtig genannt": 2, "übersehen": 1, "erfunden": 1, "falsch (hat gesponsert)": 1}


def test_question_goes_through_the_gateway_with_the_schema(gateway, fake_ollama):
    prompt = model_prompt(SPONSORS, COMPANIES, sponsor_columns=["Sponsor"], company_columns=["Firmenname"])
    fake_ollama.replies.append(Reply(text=json.dumps({"unternehmen": ["Elektro Hoffmann GmbH"]})))
    result = gateway.chat(
        ChatRequest([{"role": "user", "content": prompt.text}], 2, "ollama", json_schema=ANSWER_SCHEMA)
    ).result
    assert names_in_answer(result.text) == ["Elektro Hoffmann GmbH"]
    assert fake_ollama.chat_requests[-1].body["format"] == ANSWER_SCHEMA
