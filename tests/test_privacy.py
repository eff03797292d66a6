"""The detector on hand-picked cases, pseudonymisation round trips, and the check digits."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.privacy import (
    StreamRestorer,
    icao_check_digit,
    pseudonymize,
    recommend_schutzstufe,
    restore,
    rv_check_digit,
    scan,
    summarize,
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN: DE89 3704 0044 0532 0130 00.", [("IBAN", "DE89 3704 0044 0532 0130 00")]),
        ("IBAN DE89370400440532013000 bitte", [("IBAN", "DE89370400440532013000")]),
        ("USt-IdNr. DE136695976", [("VAT_ID", "DE136695976")]),
        ("Steuer-ID 86 095 742 719", [("TAX_ID", "86 095 742 719")]),
        ("Steuer-ID: 86095742719", [("TAX_ID", "86095742719")]),
        ("Tel. 0251 492-1234", [("PHONE", "0251 492-1234")]),
        ("mobil +49 170 1234567", [("PHONE", "+49 170 1234567")]),
        ("Fax (0221) 22 12 34", [("PHONE", "(0221) 22 12 34")]),
        ("Telefon 030/12345678", [("PHONE", "030/12345678")]),
        ("Mail an j.krause@example.org.", [("EMAIL", "j.krause@example.org")]),
        ("Kennzeichen MS-KW 4711", [("LICENSE_PLATE", "MS-KW 4711")]),
        ("das Fahrzeug B-XY 123E", [("LICENSE_PLATE", "B-XY 123E")]),
        ("geb. 12.03.1961", [("BIRTH_DATE", "12.03.1961")]),
        ("geboren am 2. Februar 1990", [("BIRTH_DATE", "2. Februar 1990")]),
        ("Müller (*15.08.1975)", [("PERSON", "Müller"), ("BIRTH_DATE", "15.08.1975")]),
        ("Az. 63-BA-2024/0815 vom 02.05.2025", [("CASE_NUMBER", "63-BA-2024/0815")]),
        ("Geschäftszeichen II-4/2025-031", [("CASE_NUMBER", "II-4/2025-031")]),
        ("Unser Zeichen: 32.1-123/24", [("CASE_NUMBER", "32.1-123/24")]),
        ("wohnhaft Lindenstraße 12, 48143 Münster.", [("ADDRESS", "Lindenstraße 12, 48143 Münster")]),
        ("Hauptstr. 5a", [("ADDRESS", "Hauptstr. 5a")]),
        ("Am Mühlenbach 3", [("ADDRESS", "Am Mühlenbach 3")]),
        ("Sehr geehrte Frau Dr. Claudia Vogel,", [("PERSON", "Frau Dr. Claudia Vogel")]),
        ("Antragsteller: Jürgen Krause", [("PERSON", "Jürgen Krause")]),
        ("Name, Vorname: KRAUSE, Jürgen", [("PERSON", "KRAUSE, Jürgen")]),
        ("Mit freundlichen Grüßen\n\nPetra Schulz", [("PERSON", "Petra Schulz")]),
        ("wegen meiner Asthmaerkrankung", [("HEALTH", "Asthmaerkrankung")]),
    ],
)
def test_finds(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Die Sitzung des Ausschusses findet am 12.03.2025 um 17:00 Uhr statt.",
        "Produktkonto 5431.0100: 1.234.567,89 € im Haushaltsjahr 2025.",
        "Drucksache 0815/2024 und Vorlage Nr. 2025/0117 werden vertagt.",
        "Gemäß § 35 Abs. 2 BauGB und Art. 6 Abs. 1 lit. e DSGVO.",
        "Das Update auf Version 2.3.11 ist eingespielt.",
        "Die Landrätin eröffnet den Empfang; der Oberbürgermeister spricht ein Grußwort.",
        "Die Stadtwerke Musterstadt GmbH und die Bauunternehmen Hoch & Tief AG.",
        "Die Sanierung der Hauptstraße beginnt im Mai.",
        "Rechnungsnummer 40012345678 vom Lieferanten.",  # 11 digits, not a valid Steuer-ID
        "IBAN-Prüfung: DE00 1234 5678 9012 3456 78 ist ungültig.",  # fails mod 97
        "Im Postleitzahlgebiet 48143 leben 12.345 Menschen.",
        "TOP 3.2: Bericht der Verwaltung",
        "Panikschlösser nach DIN EN 1125 und Notbeleuchtung nach DIN EN 1838, Feuerlöscher nach DIN EN 3.",
    ],
)
def test_ordinary_administrative_text_stays_clean(text):
    assert scan(text) == []


def test_address_stops_at_the_line_end():
    text = "Ahornweg 17\n12345 Musterstadt\nKassenzeichen 611.204.471"
    assert kinds(text) == [("ADDRESS", "Ahornweg 17\n12345 Musterstadt"), ("CASE_NUMBER", "611.204.471")]


def test_overlaps_resolve_to_one_finding():
    text = "Frau Anna Becker, Anna-Becker-Weg 3"
    found = scan(text)
    for first, second in itertools.pairwise(found):
        assert first.end <= second.start
    assert {f.kind for f in found} == {"PERSON", "ADDRESS"}


def test_offsets_point_into_the_text():
    text = "Herr Nowak (Tel. 0251 492-1234) wohnt Hauptstr. 5a."
    for finding in scan(text):
        assert text[finding.start : finding.end] == finding.text
        assert finding.label  # a German label for display


def test_check_digit_helpers():
    # 65170839 J(=10) 00 -> digits 6 5 1 7 0 8 3 9 1 0 0 0, weights 2,1,2,5,7,1,2,1,2,1,2,1,
    # digit sums of the products 3+5+2+8+0+8+6+9+2+0+0+0 = 43 -> check digit 3
    assert rv_check_digit("65170839J00") == 3
    assert icao_check_digit("L01X00T47") == icao_check_digit("l01x00t47")
    assert kinds("RV-Nummer 65 170839 J 00 3") == [("SOCIAL_SECURITY_NUMBER", "65 170839 J 00 3")]
    assert kinds("RV-Nummer 65 170839 J 00 5") == []


def test_recommendation():
    assert recommend_schutzstufe(scan("Herr Nowak ruft an."))[0] == 2
    level, reason = recommend_schutzstufe(scan("Ideen für ein Stadtfest"))
    assert level == 1 and "geheimnisse" in reason


def test_summary_holds_no_values():
    counts = summarize(scan("IBAN DE89 3704 0044 0532 0130 00, Herr Nowak"))
    assert counts == {"IBAN": 1, "PERSON": 1}
    assert "DE89" not in repr(counts)


# --- pseudonymisation -----------------------------------------------------------------------------


def test_same_value_same_placeholder():
    text = "Herr Nowak schreibt. Später ruft Herr Nowak an. IBAN DE89 3704 0044 0532 0130 00."
    result = pseudonymize(text)
    assert result.text == "[PERSON_1] schreibt. Später ruft [PERSON_1] an. IBAN [IBAN_1]."
    assert result.mapping == {"[PERSON_1]": "Herr Nowak", "[IBAN_1]": "DE89 3704 0044 0532 0130 00"}
    assert restore(result.text, result.mapping) == text


def test_mapping_carries_over_between_texts():
    first = pseudonymize("Herr Nowak")
    second = pseudonymize("Antwort an Herr Nowak und Frau Vogel", first.mapping)
    assert second.text == "Antwort an [PERSON_1] und [PERSON_2]"


def test_literal_placeholder_in_input_is_not_confused():
    text = "Vorlage: [PERSON_1] ist ein Platzhalter. Herr Nowak."
    result = pseudonymize(text)
    assert "[PERSON_2]" in result.text
    assert restore(result.text, result.mapping) == text


def test_stream_restorer_handles_split_placeholders():
    mapping = {"[PERSON_1]": "Herr Nowak", "[IBAN_1]": "DE89 3704 0044 0532 0130 00"}
    restorer = StreamRestorer(mapping)
    chunks = ["Sehr geehrter [PER", "SON_1], Ihre IBAN [", "IBAN_1", "] ist notiert. [Hinweis"]
    out = "".join(restorer.feed(c) for c in chunks) + restorer.flush()
    assert out == "Sehr geehrter Herr Nowak, Ihre IBAN DE89 3704 0044 0532 0130 00 ist notiert. [Hinweis"


PII = st.sampled_from(
    [
        "Herr Nowak",
        "Frau Dr. Claudia Vogel",
        "DE89 3704 0044 0532 0130 00",
        "j.krause@example.org",
        "0251 492-1234",
        "Lindenstraße 12, 48143 Münster",
        "MS-KW 4711",
        "geb. 12.03.1961",
        "Az. 63-BA-2024/0815",
    ]
)
FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(FILLER, PII), max_size=6), FILLER)
def test_pseudonymize_then_restore_round_trips(parts, tail):
    text = "".join(f + " " + p + " " for f, p in parts) + tail
    result = pseudonymize(text)
    assert restore(result.text, result.mapping) == text
    assert len(set(result.mapping.values())) == len(result.mapping)  # one placeholder per value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_scan_never_fails_and_offsets_are_exact(text):
    for finding in scan(text):
        assert text[finding.start : finding.end] == finding.text
