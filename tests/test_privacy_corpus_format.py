"""The labelled privacy corpus: loader behaviour, corpus size, and validity of every labelled identifier.

The corpus is the yardstick for the privacy detector, so these tests check the corpus itself, not a
detector: offsets are exact, every labelled IBAN / Steuer-ID / USt-IdNr / Rentenversicherungsnummer /
Ausweisnummer passes its check digit, phones are possible German numbers, and no valid identifier is
left unlabelled (in negative documents: none at all).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest
from stdnum import iban
from stdnum.de import idnr, vat

from tests.privacy_corpus import (
    CLOSE,
    CORPUS_DIR,
    KINDS,
    OPEN,
    REQUIRED_KINDS,
    SOFT_KINDS,
    STRUCTURED_KINDS,
    Document,
    Entity,
    load_corpus,
    parse_corpus_text,
)

# --- check-digit helpers -------------------------------------------------------------------------

RV_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
ID_CARD_ALPHABET = "0123456789CFGHJKLMNPRTVWXYZ"


def compact(value: str) -> str:
    return re.sub(r"[\s/.-]", "", value).upper()


def is_valid_rv_number(value: str) -> bool:
    """Rentenversicherungsnummer ``BB TTMMJJ A SS P``: area, birth date, initial letter of the birth name,
    serial, check digit. The letter becomes its two-digit alphabet position (A=01 … Z=26); the 12 digits are
    weighted 2,1,2,5,7,1,2,1,2,1,2,1, the digit sums of the products are added, the check digit is the sum mod 10.
    """
    number = compact(value)
    if not re.fullmatch(r"\d{8}[A-Z]\d{3}", number):
        return False
    day, month = int(number[2:4]), int(number[4:6])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    digits = number[:8] + f"{ord(number[8]) - ord('A') + 1:02d}" + number[9:11]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, RV_WEIGHTS, strict=True))
    return total % 10 == int(number[11])


def icao_check_digit(value: str) -> int:
    """ICAO 9303: digits count as themselves, letters A=10 … Z=35, weights 7,3,1 repeating, sum mod 10."""
    weights = (7, 3, 1)
    total = 0
    for i, char in enumerate(value):
        number = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += number * weights[i % 3]
    return total % 10


def is_valid_id_card_number(value: str) -> bool:
    """Personalausweis (since 2010) / Reisepass / eAT document number: 9 characters from
    ``0-9 CFGHJKLMNPRTVWXYZ`` followed by the ICAO check digit."""
    number = compact(value)
    if len(number) != 10 or not number[9].isdigit():
        return False
    if any(char not in ID_CARD_ALPHABET for char in number[:9]):
        return False
    return icao_check_digit(number[:9]) == int(number[9])


def is_possible_german_phone(value: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value, "DE"))
    except phonenumbers.NumberParseException:
        return False


def is_valid_german_iban(value: str) -> bool:
    number = compact(value)
    return number.startswith("DE") and len(number) == 22 and iban.is_valid(number)


VALIDATORS = {
    "IBAN": is_valid_german_iban,
    "TAX_ID": lambda v: idnr.is_valid(compact(v)),
    "VAT_ID": lambda v: compact(v).startswith("DE") and vat.is_valid(compact(v)),
    "SOCIAL_SECURITY_NUMBER": is_valid_rv_number,
    "ID_CARD": is_valid_id_card_number,
    "PHONE": is_possible_german_phone,
}

# Shapes used to look for identifiers anywhere in the clean text (labelled or not).
CANDIDATE_PATTERNS = {
    "IBAN": re.compile(r"(?<![A-Z0-9])DE ?\d\d(?: ?\d){18}(?!\d)"),
    "TAX_ID": re.compile(r"(?<![\d/])[1-9]\d[ /]?\d{3}[ /]?\d{3}[ /]?\d{3}(?![\d/])"),
    "VAT_ID": re.compile(r"(?<![A-Z0-9])DE ?\d{9}(?!\d)"),
    "SOCIAL_SECURITY_NUMBER": re.compile(r"(?<!\d)\d{2} ?\d{6} ?[A-Z] ?\d{2} ?\d(?!\d)"),
    "ID_CARD": re.compile(r"(?<![A-Z0-9])[CFGHJKLMNPRTVWXYZ][0-9CFGHJKLMNPRTVWXYZ]{8}\d(?![A-Z0-9])"),
}


# --- the helpers themselves --------------------------------------------------------------------


def test_rv_check_digit_helper():
    assert is_valid_rv_number("15 070649 C 103")  # the commonly cited example number
    assert is_valid_rv_number("15070649C103")
    assert is_valid_rv_number("15 070649 C 10 3")
    assert not is_valid_rv_number("15 070649 C 104")
    assert not is_valid_rv_number("15 070649 D 103")
    assert not is_valid_rv_number("15 320649 C 103")  # day 32
    assert not is_valid_rv_number("15070649C10")


def test_id_card_check_digit_helper():
    assert is_valid_id_card_number("T220001293")  # specimen document number
    assert not is_valid_id_card_number("T220001294")
    assert not is_valid_id_card_number("T22000129A")
    assert not is_valid_id_card_number("A220001293")  # A is not in the document-number alphabet
    assert not is_valid_id_card_number("T22000129")


# --- loader unit tests ---------------------------------------------------------------------------

SAMPLE = (
    "# comment before the first header\n"
    "\n"
    "=== doc-1 | brief | positive ===\n"
    "\n"
    "Sehr geehrte ⟦PERSON|Frau Dr. Claudia Vogel⟧,\n"
    "  Ihre Anschrift: ⟦ADDRESS|Lindenstraße 12\n"
    "48143 Münster⟧, IBAN ⟦IBAN|DE89 3704 0044 0532 0130 00⟧.\n"
    "\n"
    "\n"
    "=== doc-2 | verwaltung | negative ===\n"
    "Sitzung am 12.03.2025 um 17:00 Uhr.\n"
    "   \n"
)


def test_parse_offsets_and_clean_text():
    docs = parse_corpus_text(SAMPLE, "sample.txt")
    assert [d.id for d in docs] == ["doc-1", "doc-2"]
    first, second = docs
    assert first.positive and not second.positive
    assert first.category == "brief" and first.source == "sample.txt"
    assert first.text == (
        "Sehr geehrte Frau Dr. Claudia Vogel,\n"
        "  Ihre Anschrift: Lindenstraße 12\n"
        "48143 Münster, IBAN DE89 3704 0044 0532 0130 00."
    )
    assert [(e.kind, e.text) for e in first.entities] == [
        ("PERSON", "Frau Dr. Claudia Vogel"),
        ("ADDRESS", "Lindenstraße 12\n48143 Münster"),
        ("IBAN", "DE89 3704 0044 0532 0130 00"),
    ]
    for entity in first.entities:
        assert first.text[entity.start : entity.end] == entity.text
    assert first.entities[0] == Entity("PERSON", 13, 35, "Frau Dr. Claudia Vogel")
    assert second.text == "Sitzung am 12.03.2025 um 17:00 Uhr."
    assert second.entities == ()


def test_parse_keeps_internal_whitespace_and_handles_crlf():
    content = "=== a | x | positive ===\r\n\r\nZeile 1\r\n\r\n\r\n   eingerückt ⟦EMAIL|a@b.de⟧\r\n\r\n"
    (doc,) = parse_corpus_text(content)
    assert doc.text == "Zeile 1\n\n\n   eingerückt a@b.de"
    (entity,) = doc.entities
    assert doc.text[entity.start : entity.end] == "a@b.de"


def test_adjacent_markers():
    (doc,) = parse_corpus_text("=== a | x | positive ===\n⟦PERSON|Yilmaz⟧;⟦PERSON|Deniz⟧")
    assert doc.text == "Yilmaz;Deniz"
    assert [(e.start, e.end) for e in doc.entities] == [(0, 6), (7, 12)]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("=== a | x | positive ===\nHallo ⟦PERSON|Anna Becker\n", 2, "never closed"),
        ("=== a | x | positive ===\nHallo\nAnna⟧ Becker ⟦PERSON|X⟧\n", 3, "without an opening"),
        ("=== a | x | positive ===\n⟦PERSON|Herr ⟦PERSON|Nowak⟧⟧\n", 2, "nested"),
        ("=== a | x | positive ===\nText\n\n⟦PERSON Anna⟧\n", 4, "without '|'"),
        ("=== a | x | positive ===\n⟦NAME|Anna⟧\n", 2, "unknown entity kind 'NAME'"),
        ("=== a | x | positive ===\n⟦person|Anna⟧\n", 2, "unknown entity kind"),
        ("=== a | x | positive ===\n⟦PERSON|⟧ ⟦EMAIL|a@b.de⟧\n", 2, "empty PERSON"),
        ("=== a | x | positive ===\n⟦PERSON| Anna⟧\n", 2, "whitespace"),
        (
            "=== a | x | negative ===\nText\n⟦EMAIL|a@b.de⟧\n",
            1,
            "negative document 'a' contains entities (EMAIL)",
        ),
        ("=== a | x | positive ===\nText ohne Markierung\n", 1, "has no entities"),
        ("=== a | x | negative ===\n\n   \n=== b | x | negative ===\nText\n", 1, "is empty"),
        ("=== a | x | negative ===\n", 1, "is empty"),
        ("=== a | x | negative ===\nText\n=== a | x | negative ===\nText\n", 3, "duplicate document id 'a'"),
        ("=== a | x | maybe ===\nText\n", 1, "malformed header"),
        ("=== a | x ===\nText\n", 1, "malformed header"),
        ("=== a b | x | negative ===\nText\n", 1, "malformed header"),
        ("Vorspann\n=== a | x | negative ===\nText\n", 1, "text before the first document header"),
    ],
)
def test_malformed_input_raises_with_file_and_line(content, line, fragment):
    with pytest.raises(ValueError) as excinfo:
        parse_corpus_text(content, "kaputt.txt")
    message = str(excinfo.value)
    assert message.startswith(f"kaputt.txt:{line}:"), message
    assert fragment in message


def test_error_line_counts_multiline_markers():
    content = "=== a | x | positive ===\n⟦ADDRESS|Hauptstr. 5a\n48143 Münster⟧\n\n⟦UNKNOWN|x⟧\n"
    with pytest.raises(ValueError, match=r"^t\.txt:5: unknown entity kind 'UNKNOWN'"):
        parse_corpus_text(content, "t.txt")


def test_load_corpus_from_folder(tmp_path: Path):
    (tmp_path / "b.txt").write_text("=== b-1 | x | negative ===\nText B\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(
        "=== a-1 | x | positive ===\n⟦PHONE|0251 492-1234⟧\n=== a-2 | x | negative ===\nText\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    docs = load_corpus(tmp_path)
    assert [(d.id, d.source) for d in docs] == [("a-1", "a.txt"), ("a-2", "a.txt"), ("b-1", "b.txt")]
    assert all(isinstance(d, Document) for d in docs)


def test_load_corpus_rejects_duplicate_ids_across_files(tmp_path: Path):
    (tmp_path / "a.txt").write_text("=== same | x | negative ===\nText\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n=== same | x | negative ===\nText\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^b\.txt:2: duplicate document id 'same' \(first in a\.txt:1\)"):
        load_corpus(tmp_path)


def test_load_corpus_rejects_empty_folder_and_bad_encoding(tmp_path: Path):
    with pytest.raises(ValueError, match="no corpus files"):
        load_corpus(tmp_path)
    (tmp_path / "latin1.txt").write_bytes("=== a | x | negative ===\nStraße\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.txt: not valid UTF-8"):
        load_corpus(tmp_path)


def test_kind_constants():
    assert len(STRUCTURED_KINDS) == 7 and len(SOFT_KINDS) == 4
    assert set(REQUIRED_KINDS) == set(STRUCTURED_KINDS) | set(SOFT_KINDS)
    assert set(REQUIRED_KINDS) < KINDS
    assert KINDS - set(REQUIRED_KINDS) == {"HEALTH", "VAT_ID"}


# --- the corpus ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return load_corpus()


def entities_of(corpus: list[Document], kind: str) -> list[tuple[Document, Entity]]:
    return [(doc, e) for doc in corpus for e in doc.entities if e.kind == kind]


def test_corpus_files_are_the_expected_ones(corpus):
    names = {path.name for path in CORPUS_DIR.glob("*.txt")}
    assert names == {
        "buergeranfragen.txt",
        "bescheide.txt",
        "protokolle.txt",
        "beschwerden.txt",
        "ausweis_und_register.txt",
        "negative_verwaltung.txt",
        "negative_schwierig.txt",
    }
    assert {doc.source for doc in corpus} == names
    for doc in corpus:
        assert doc.positive == (not doc.source.startswith("negative_")), doc.id


def test_corpus_size(corpus):
    positives = [d for d in corpus if d.positive]
    negatives = [d for d in corpus if not d.positive]
    assert len(corpus) >= 100
    assert len(negatives) >= 40
    assert len(positives) >= 55
    counts = Counter(e.kind for d in corpus for e in d.entities)
    for kind in REQUIRED_KINDS:
        assert counts[kind] >= 25, f"only {counts[kind]} {kind} entities"
    assert counts["PERSON"] >= 100
    assert counts["ADDRESS"] >= 50
    for doc in positives:
        assert len(doc.entities) >= 2, f"{doc.id}: a positive document should hold several entities"


def test_offsets_and_clean_text(corpus):
    for doc in corpus:
        assert doc.text and doc.text == doc.text.strip("\n") and doc.text == doc.text.rstrip()
        assert OPEN not in doc.text and CLOSE not in doc.text, doc.id
        previous_end = 0
        for e in doc.entities:
            assert e.kind in KINDS
            assert doc.text[e.start : e.end] == e.text, (doc.id, e)
            assert e.text == e.text.strip() and e.text, (doc.id, e)
            assert e.start >= previous_end, f"{doc.id}: overlapping or unordered entities"
            previous_end = e.end


def test_raw_files_have_no_stray_markers():
    for path in CORPUS_DIR.glob("*.txt"):
        content = path.read_text(encoding="utf-8")
        assert content.count(OPEN) == content.count(CLOSE), path.name
        assert "{{" not in content and "}}" not in content, path.name


@pytest.mark.parametrize("kind", ["IBAN", "TAX_ID", "VAT_ID", "SOCIAL_SECURITY_NUMBER", "ID_CARD", "PHONE"])
def test_every_labelled_identifier_is_valid(corpus, kind):
    validator = VALIDATORS[kind]
    invalid = [(doc.id, e.text) for doc, e in entities_of(corpus, kind) if not validator(e.text)]
    assert not invalid, f"invalid {kind}: {invalid}"


def test_identifiers_are_written_in_varied_formats(corpus):
    ibans = [e.text for _, e in entities_of(corpus, "IBAN")]
    assert any(" " not in t for t in ibans) and sum(" " in t for t in ibans) > len(ibans) / 2
    tax_ids = [e.text for _, e in entities_of(corpus, "TAX_ID")]
    assert any(re.fullmatch(r"\d{2} \d{3} \d{3} \d{3}", t) for t in tax_ids)
    assert any(re.fullmatch(r"\d{11}", t) for t in tax_ids)
    assert any(re.fullmatch(r"\d{2}/\d{3}/\d{3}/\d{3}", t) for t in tax_ids)
    rv_numbers = [e.text for _, e in entities_of(corpus, "SOCIAL_SECURITY_NUMBER")]
    assert any(" " in t for t in rv_numbers) and any(" " not in t for t in rv_numbers)
    plates = [e.text for _, e in entities_of(corpus, "LICENSE_PLATE")]
    assert any("-" in t for t in plates) and any("-" not in t for t in plates)
    assert any(t != t.upper() for t in plates)  # a plate typed in lower case


def test_emails_and_license_plates_look_right(corpus):
    for doc, e in entities_of(corpus, "EMAIL"):
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", e.text), (doc.id, e.text)
    plate = re.compile(r"[A-ZÄÖÜ]{1,3}[- ]?[A-Z]{1,2} ?\d{1,4}[EH]?")
    for doc, e in entities_of(corpus, "LICENSE_PLATE"):
        assert plate.fullmatch(e.text.upper()), (doc.id, e.text)


def test_birth_dates_are_dates(corpus):
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    shape = re.compile(
        rf"\d{{1,2}}\.\d{{1,2}}\.(\d{{2}}|\d{{4}})|\d{{1,2}}\. (?:{months}) \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    )
    for doc, e in entities_of(corpus, "BIRTH_DATE"):
        assert shape.fullmatch(e.text), (doc.id, e.text)


def test_no_valid_identifier_is_left_unlabelled(corpus):
    """Every valid IBAN, Steuer-ID, USt-IdNr, RV number or document number in any clean text is labelled
    with its kind; negative documents contain none at all (nor any e-mail address)."""
    problems = []
    for doc in corpus:
        for kind, pattern in CANDIDATE_PATTERNS.items():
            labelled = [(e.start, e.end) for e in doc.entities if e.kind == kind]
            for match in pattern.finditer(doc.text):
                if not VALIDATORS[kind](match.group()):
                    continue
                inside = any(start <= match.start() and match.end() <= end for start, end in labelled)
                if not inside:
                    problems.append((doc.id, kind, match.group()))
        if not doc.positive and "@" in doc.text:
            problems.append((doc.id, "EMAIL", "@"))
    assert not problems, problems


def test_negative_documents_hold_invalid_lookalikes(corpus):
    """The negatives deliberately contain 11-digit numbers and IBAN-like strings; all of them must fail
    the check digits (see test_no_valid_identifier_is_left_unlabelled), and there must be some."""
    negatives = "\n".join(d.text for d in corpus if not d.positive)
    eleven_digits = re.findall(r"(?<!\d)\d{11}(?!\d)", negatives)
    assert len(eleven_digits) >= 3
    assert not any(idnr.is_valid(n) for n in eleven_digits)
    iban_like = CANDIDATE_PATTERNS["IBAN"].findall(negatives)
    assert len(iban_like) >= 2
    assert not any(iban.is_valid(compact(s)) for s in iban_like)
