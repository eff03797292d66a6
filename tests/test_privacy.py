"""The detector on hand-picked cases, pseudonymisation round trips, and the check digits."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.privacy import (
    KIND_LABELS,
    PLACEHOLDER_WORDS,
    StreamRestorer,
    icao_check_digit,
    pseudonymize,
    recommend_schutzstufe,
    restore,
    rv_check_digit,
    scan,
    summarize,
)
from workbench.privacy.normalize import normalize


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


# --- organisations are not persons ----------------------------------------------------------------

ORGANISATIONS = [
    "Stadtwerke Musterstadt GmbH",
    "Stadtmarketing Musterstadt",
    "Bürgerbüro",
    "Ordnungsamt",
    "Stadtbibliothek Musterstadt",
    "Jugendamt des Kreises Musterland",
    "Sparkasse Musterland",
    "Volkshochschule Musterstadt",
    "Musterstädter Wohnungsbau eG",
]
# Company names whose words could pass for a name: the legal form or the trade word decides.
COMPANIES = [
    "Krause Immobilien GmbH",
    "Brandt Elektro OHG",
    "Hansen Logistik UG",
    "Vogel Immobilien AG",
    "Becker & Söhne KG",
    "Müller Bau GmbH & Co. KG",
    "Wagner Malerbetrieb GbR",
    "Schulte & Partner mbH",
    "Förderverein Musterstadt e.V.",
    "Friedrich Elektroanlagen",
    "Friedrich Catering",
    "Otto Sanitär & Heizung",
    "Günther Heizungsbau",
    "Bürgerstiftung Musterstadt",
    "Stiftung Warentest",
    "Volksbank Musterstadt eG",
]
# Where organisation names were read as names: field labels, the sender line, signatures, lists, tables.
ORGANISATION_CONTEXTS = [
    "{}",
    "Die {} lädt zum Stadtfest ein.",
    "Wir danken der Firma {} für die Unterstützung.",
    "Absender: {}",
    "Absender: {}. Bitte antworten Sie bis Freitag.",
    "Ansprechpartner: {}",
    "Empfänger: {}",
    "Name: {}",
    "Eigentümer: {}",
    "Mit freundlichen Grüßen\n{}",
    "Mit freundlichen Grüßen\n\n{}",
    "Mit freundlichen Grüßen\nIm Auftrag\n{}",
    "Viele Grüße\n{}",
    "Teilnehmende: {}, Stadtmarketing",
    "Name | Betrag\n{} | 500 €",
    "Entwerfen Sie ein Anschreiben an das Unternehmen „Hansa Bücher GmbH“ (Tätigkeit: Buchhandel). "
    "Anlass: Stadtfest Musterstadt. Absender: {}. Erfinden Sie keine Namen.",
]


@pytest.mark.parametrize("context", ORGANISATION_CONTEXTS)
@pytest.mark.parametrize("organisation", ORGANISATIONS + COMPANIES)
def test_organisations_are_not_persons(organisation, context):
    assert kinds(context.format(organisation)) == []


@pytest.mark.parametrize("organisation", ORGANISATIONS)
def test_organisation_on_a_letterhead_is_not_a_person(organisation):
    text = f"{organisation}\nMarktplatz 1\n48143 Musterstadt\nTel. 0251 492-1234"
    assert [kind for kind, _ in kinds(text)] == ["ADDRESS", "PHONE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sehr geehrter Herr Jürgen Krause,", "Herr Jürgen Krause"),
        ("Sehr geehrte Frau Dr. Müller-Lüdenscheidt,", "Frau Dr. Müller-Lüdenscheidt"),
        ("Absender: Jürgen Krause, Stadtmarketing Musterstadt", "Jürgen Krause"),
        ("Ansprechpartnerin: Frau Becker (Ordnungsamt)", "Frau Becker"),
        ("Frau Becker\tOrdnungsamt\t0251 492-0", "Frau Becker"),
        ("Mit freundlichen Grüßen\nPetra Schulz\nStadtbibliothek Musterstadt", "Petra Schulz"),
        ("Im Auftrag\nBrüggemann\nSparkasse Musterland", "Brüggemann"),
        ("Inhaberin der Aasee-Apotheke e.K. ist Silke Hoffmann.", "Silke Hoffmann"),
        ("Hausverwaltung Irina Schumacher e.K.", "Irina Schumacher"),  # a sole trader is a person
        ("Name | Betrag\nAnna Becker | 500 €", "Anna Becker"),
    ],
)
def test_names_next_to_organisations_are_still_found(text, expected):
    assert [value for kind, value in kinds(text) if kind == "PERSON"] == [expected]


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
    assert result.text == "[NAME_1] schreibt. Später ruft [NAME_1] an. IBAN [IBAN_1]."
    assert result.mapping == {"[NAME_1]": "Herr Nowak", "[IBAN_1]": "DE89 3704 0044 0532 0130 00"}
    assert restore(result.text, result.mapping) == text


def test_mapping_carries_over_between_texts():
    first = pseudonymize("Herr Nowak")
    second = pseudonymize("Antwort an Herr Nowak und Frau Vogel", first.mapping)
    assert second.text == "Antwort an [NAME_1] und [NAME_2]"


def test_literal_placeholder_in_input_is_not_confused():
    text = "Vorlage: [NAME_1] ist ein Platzhalter. Herr Nowak."
    result = pseudonymize(text)
    assert "[NAME_2]" in result.text
    assert restore(result.text, result.mapping) == text


def test_stream_restorer_handles_split_placeholders():
    mapping = {"[NAME_1]": "Herr Nowak", "[IBAN_1]": "DE89 3704 0044 0532 0130 00"}
    restorer = StreamRestorer(mapping)
    chunks = ["Sehr geehrter [NA", "ME_1], Ihre IBAN [", "IBAN_1", "] ist notiert. [Hinweis"]
    out = "".join(restorer.feed(c) for c in chunks) + restorer.flush()
    assert out == "Sehr geehrter Herr Nowak, Ihre IBAN DE89 3704 0044 0532 0130 00 ist notiert. [Hinweis"


# One finding of every kind, with valid check digits.
EVERY_KIND = (
    "Herr Jürgen Krause, geb. 12.03.1961, wohnhaft Lindenstraße 12, 48143 Münster, j.krause@example.org, "
    "Tel. 0251 492-1234.\nIBAN DE89 3704 0044 0532 0130 00, Steuer-ID 86 095 742 719, RV-Nummer 65 170839 J 00 3, "
    f"Personalausweis L01X00T47{icao_check_digit('L01X00T47')},\nKennzeichen MS-KW 4711, Az. 63-BA-2024/0815, "
    "USt-IdNr. DE136695976. Ich leide wegen meiner Asthmaerkrankung."
)


def test_placeholders_are_german_for_every_kind():
    assert set(PLACEHOLDER_WORDS) == set(KIND_LABELS)
    assert len(set(PLACEHOLDER_WORDS.values())) == len(PLACEHOLDER_WORDS)  # a placeholder names its kind
    result = pseudonymize(EVERY_KIND)
    assert {f.kind for f in result.findings} == set(PLACEHOLDER_WORDS)
    assert set(result.mapping) == {f"[{word}_1]" for word in PLACEHOLDER_WORDS.values()}
    assert "[NAME_1], geb. [GEBURTSDATUM_1], wohnhaft [ANSCHRIFT_1], [E-MAIL_1]" in result.text
    assert (
        "Steuer-ID [STEUER-ID_1], RV-Nummer [SOZIALVERSICHERUNGSNUMMER_1], Personalausweis [AUSWEIS_1]"
        in result.text
    )
    assert "[KENNZEICHEN_1], Az. [AKTENZEICHEN_1], USt-IdNr. [UST-IDNR_1]" in result.text
    assert "[GESUNDHEIT_1]" in result.text and "[TELEFON_1]" in result.text and "[IBAN_1]" in result.text
    assert not any(kind in result.text for kind in ("PERSON", "ADDRESS", "TAX_ID", "VAT_ID"))
    assert [f.placeholder_word for f in result.findings][:3] == ["NAME", "GEBURTSDATUM", "ANSCHRIFT"]
    assert result.placeholders == tuple(f"[{f.placeholder_word}_1]" for f in result.findings)
    assert restore(result.text, result.mapping) == EVERY_KIND
    # the gateway rescans what it sends and fails closed: the placeholders themselves look like nothing
    assert scan(result.text) == []


def test_hyphenated_placeholders_carry_over_and_skip_literal_ones():
    first = pseudonymize("Steuer-ID 86 095 742 719, USt-IdNr. DE136695976")
    assert first.text == "Steuer-ID [STEUER-ID_1], USt-IdNr. [UST-IDNR_1]"
    # the same value keeps its placeholder; a literal "[STEUER-ID_2]" in the text is skipped
    second = pseudonymize("Alt: 86095742719, Vorlage [STEUER-ID_2], neu: 47 036 892 816", first.mapping)
    assert second.text == "Alt: [STEUER-ID_1], Vorlage [STEUER-ID_2], neu: [STEUER-ID_3]"
    assert (
        restore(second.text, second.mapping)
        == "Alt: 86 095 742 719, Vorlage [STEUER-ID_2], neu: 47 036 892 816"
    )


def test_restore_leaves_unknown_and_english_placeholders_alone():
    mapping = {"[NAME_1]": "Herr Nowak"}
    text = "[NAME_1], [NAME_2], [PERSON_1], [BITTE ERGÄNZEN], [E-MAIL_1], [Name]"
    assert restore(text, mapping) == "Herr Nowak, [NAME_2], [PERSON_1], [BITTE ERGÄNZEN], [E-MAIL_1], [Name]"


def test_stream_restorer_handles_a_split_inside_a_hyphenated_word():
    mapping = {"[STEUER-ID_1]": "86 095 742 719", "[E-MAIL_1]": "j.krause@example.org"}
    restorer = StreamRestorer(mapping)
    chunks = ["Ihre [STEUER-", "ID_1] und [E", "-MAIL_", "1]", " sind notiert [BITTE ", "ERGÄNZEN]."]
    out = "".join(restorer.feed(c) for c in chunks) + restorer.flush()
    assert out == "Ihre 86 095 742 719 und j.krause@example.org sind notiert [BITTE ERGÄNZEN]."


def test_stream_restorer_restores_every_placeholder_at_every_split():
    result = pseudonymize(EVERY_KIND)
    answer = f"Antwort: {result.text} Ende ["
    expected = restore(answer, result.mapping)
    for cut in range(len(answer)):
        for second in (cut, cut + 1, cut + 7):
            restorer = StreamRestorer(result.mapping)
            chunks = [answer[:cut], answer[cut:second], answer[second:]]
            assert "".join(restorer.feed(c) for c in chunks) + restorer.flush() == expected, cut


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
        "Steuer-ID 86 095 742 719",
        "USt-IdNr. DE136695976",
        "[NAME_1]",  # a literal placeholder in the input
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


def test_a_running_conversation_checks_each_message_once():
    from workbench.privacy.scan import _scan_once, scan_messages

    earlier = [
        {"role": "user", "content": f"Nachricht {i} von Herrn Jürgen Krause, Lindenweg {i}"}
        for i in range(20)
    ]
    first = scan_messages(earlier)
    before = _scan_once.cache_info()
    again = scan_messages([*earlier, {"role": "user", "content": "Und noch eine Frage."}])
    after = _scan_once.cache_info()
    assert after.hits - before.hits == 20 and after.misses - before.misses == 1
    assert again[: len(first)] == first  # the same findings as a fresh scan


# --- normalisation before detection -------------------------------------------------------------


def test_normalize_maps_spans_back_to_the_original():
    text = "a\u200bＤＥ\ufb01-x\u2013y\u00a0z"
    normal = normalize(text)
    assert normal.text == "aDEfi-x-y z"
    start = normal.text.index("DE")
    assert normal.span(start, start + 2) == (2, 4)
    fi = normal.text.index("fi")
    assert normal.span(fi, fi + 1) == (4, 5)  # half of a ligature is the whole ligature
    assert normal.span(0, len(normal.text)) == (0, len(text))


def test_normalize_leaves_plain_german_text_alone():
    text = "Grüße aus Münster – „Straße“ 12"
    assert normalize(text).text == "Grüße aus Münster - „Straße“ 12"
    assert not normalize("Grüße aus Münster").changed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN DE89\u200b3704\u200b0044 0532 0130 00", ("IBAN", "DE89\u200b3704\u200b0044 0532 0130 00")),
        ("IBAN DЕ89 3704 0044 0532 0130 00", ("IBAN", "DЕ89 3704 0044 0532 0130 00")),
        ("iban de89-3704-0044-0532-0130-00", ("IBAN", "de89-3704-0044-0532-0130-00")),
        ("Steuer-ID 86-095-742-719", ("TAX_ID", "86-095-742-719")),
        ("herr jürgen krause hat angerufen", ("PERSON", "herr jürgen krause")),
        ("HERR JÜRGEN KRAUSE hat angerufen", ("PERSON", "HERR JÜRGEN KRAUSE")),
        ("Mail: max(at)example(dot)de", ("EMAIL", "max(at)example(dot)de")),
        ("RV-Nr. 12150386m015", ("SOCIAL_SECURITY_NUMBER", "12150386m015")),
        ("Auto ms-kw 4711", ("LICENSE_PLATE", "ms-kw 4711")),
        ("Lindenstr.12,48143 Münster", ("ADDRESS", "Lindenstr.12,48143 Münster")),
    ],
)
def test_obfuscated_personal_data_is_found_with_its_original_text(text, expected):
    assert expected in kinds(text)


def test_pseudonymize_replaces_the_obfuscated_original():
    text = "Zahlung an DE89\u200b3704\u200b0044\u200b0532\u200b0130\u200b00, danke"
    result = pseudonymize(text)
    assert result.text == "Zahlung an [IBAN_1], danke"
    assert restore(result.text, result.mapping) == text


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE88\u200b3704\u200b0044 0532 0130 00",
        "Sie erreichen uns unter info [at] stadt",
        "Das Archiv ist montags geschlossen.",
        "DIE STADT MÜNSTER INFORMIERT ÜBER DEN WINTERDIENST.",
    ],
)
def test_obfuscation_look_alikes_stay_clean(text):
    assert scan(text) == []


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab c\u200b\uff11\u2013\u00ad\u0415ä\n", max_size=200),
    st.lists(st.tuples(st.integers(0, 250), st.integers(0, 250)), max_size=80),
)
def test_mapping_many_spans_at_once_equals_mapping_each(text, pairs):
    normal = normalize(text)
    spans = sorted({(min(a, b, len(normal.text)), min(max(a, b), len(normal.text))) for a, b in pairs})
    assert normal.spans(spans) == [normal.span(start, end) for start, end in spans]


def test_keyword_prefixes_of_an_alternation():
    from workbench.privacy.keywords import literal_prefixes

    assert literal_prefixes(r"Herrn?|Frau|Hr\.|Unsere? Zeichen|Vor-\s?und|Halter(?:/in)?") == [
        "Herr",
        "Frau",
        "Hr.",
        "Unser",
        "Vor-",
        "Halter",
    ]
    with pytest.raises(ValueError):
        literal_prefixes(r"[Gg]ruß")  # no literal start: such an alternative is written out in both cases


def test_digits_of_other_scripts_and_typed_separators_are_read():
    assert kinds("IBAN DE٨٩ ٣٧٠٤ ٠٠٤٤ ٠٥٣٢ ٠١٣٠ ٠٠") == [("IBAN", "DE٨٩ ٣٧٠٤ ٠٠٤٤ ٠٥٣٢ ٠١٣٠ ٠٠")]
    assert kinds("IBAN DE89 3704 0044 0532 0130 00 / DE89 3704 0044 0532 0130 00") == [
        ("IBAN", "DE89 3704 0044 0532 0130 00"),
        ("IBAN", "DE89 3704 0044 0532 0130 00"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["0", "(0", "+49 ", "+49 (0)", "0049 ", "+43 ", "00", ""]),
    st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=5),
    st.sampled_from([" ", "-", "/", ") ", "."]),
)
def test_the_quick_german_phone_check_agrees_with_phonenumbers(prefix, groups, separator):
    import phonenumbers

    from workbench.privacy.phones import _valid_phone_number

    candidate = prefix + separator.join(groups)
    try:
        expected = phonenumbers.is_valid_number(phonenumbers.parse(candidate, "DE"))
    except phonenumbers.NumberParseException:
        expected = False
    assert _valid_phone_number(candidate) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=3, max_size=14), st.sampled_from("123456789"))
def test_the_german_number_types_agree_with_phonenumbers(rest, first):
    import phonenumbers

    from workbench.privacy.phones import _valid_german_number

    national = first + rest
    number = phonenumbers.PhoneNumber(country_code=49, national_number=int(national))
    assert _valid_german_number(national) == phonenumbers.is_valid_number(number)


def _with_check_digits(country: str, account: str) -> str:
    """An IBAN with correct check digits (ISO 13616: mod 97 of the rearranged number)."""
    number = int("".join(str(int(char, 36)) for char in account + country + "00"))
    return f"{country}{98 - number % 97:02d}{account}"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["DE", "AT", "de", "CH", "FR", "NL"]),
    st.text(alphabet="0123456789", min_size=14, max_size=22),
    st.booleans(),
    st.integers(min_value=0, max_value=99),
)
def test_the_quick_iban_check_agrees_with_stdnum(country, account, fix_check_digits, check):
    from stdnum import iban as stdnum_iban

    from workbench.privacy.identifiers import _valid_iban

    value = (
        _with_check_digits(country.upper(), account) if fix_check_digits else f"{country}{check:02d}{account}"
    )
    assert _valid_iban(value) == stdnum_iban.is_valid(value)


def test_street_anchors_found_for_all_numbers_at_once_equal_reading_backwards():
    from tests.privacy_corpus import load_corpus
    from workbench.privacy import addresses

    text = normalize("\n\n".join(d.text for d in load_corpus()) * 2).text
    blank, _glued, _informal = addresses._house_numbers(text)
    at_once = sorted(addresses._anchors(text, blank))
    one_by_one = sorted((a, n) for n in blank if (a := addresses._anchor_at(text, n)) is not None)
    assert len(at_once) > 500 and at_once == one_by_one


def test_house_numbers_found_with_numpy_equal_those_found_line_by_line():
    from tests.privacy_corpus import load_corpus
    from workbench.privacy import addresses

    text = normalize(
        "\n\n".join(d.text for d in load_corpus()) + "\nlindenstr.11, kolpingstr 8, Hauptstraße12"
    ).text
    assert len(text) >= 4096  # the numpy path
    by_line: tuple[list[int], list[int], list[int]] = ([], [], [])
    position = 0
    for line in text.split("\n"):
        for whole, part in zip(by_line, addresses._house_numbers(line), strict=True):
            whole.extend(position + number for number in part)
        position += len(line) + 1
    at_once = addresses._house_numbers(text)
    assert [sorted(numbers) for numbers in at_once] == [sorted(numbers) for numbers in by_line]
    assert len(at_once[2]) >= 3
