"""Adversarial cases for the Datenschutz-Check: personal data written to slip past a filter.

Each case is (family, text, expected kind, expected value): the value is the original substring
that must be covered by a finding of that kind. `NEGATIVES` look like obfuscated personal data but
are none (wrong check digits, no person, no domain) and must stay clean. Used by
tests/test_privacy_adversarial.py and bench/privacy_eval.py (recall per family).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from workbench.privacy import scan

ZW = "\u200b"  # zero-width space
NBSP = "\u00a0"
NNBSP = "\u202f"
SHY = "\u00ad"  # soft hyphen
WJ = "\u2060"  # word joiner
BOM = "\ufeff"
RLM = "\u200f"  # right-to-left mark
CYR_E = "\u0415"  # Cyrillic capital Е
CYR_O = "\u043e"  # Cyrillic small о
GREEK_O = "\u039f"  # Greek capital Ο


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


IBAN = "DE89 3704 0044 0532 0130 00"

# (family, text, kind, value)
CASES: list[tuple[str, str, str, str]] = [
    # --- IBAN ---
    (
        "iban",
        f"IBAN DE89{ZW}3704{ZW}0044{ZW}0532{ZW}0130{ZW}00 bitte",
        "IBAN",
        f"DE89{ZW}3704{ZW}0044{ZW}0532{ZW}0130{ZW}00",
    ),
    ("iban", f"Konto: DE8{ZW}9 37{ZW}04 0044 0532 0130 00.", "IBAN", f"DE8{ZW}9 37{ZW}04 0044 0532 0130 00"),
    (
        "iban",
        f"IBAN DE89{NBSP}3704{NBSP}0044{NBSP}0532{NBSP}0130{NBSP}00",
        "IBAN",
        f"DE89{NBSP}3704{NBSP}0044{NBSP}0532{NBSP}0130{NBSP}00",
    ),
    (
        "iban",
        f"IBAN DE89{NNBSP}3704{NNBSP}0044{NNBSP}0532{NNBSP}0130{NNBSP}00",
        "IBAN",
        f"DE89{NNBSP}3704{NNBSP}0044{NNBSP}0532{NNBSP}0130{NNBSP}00",
    ),
    ("iban", f"IBAN DE89 37{SHY}04 00{SHY}44 0532 0130 00", "IBAN", f"DE89 37{SHY}04 00{SHY}44 0532 0130 00"),
    ("iban", "IBAN DE89-3704-0044-0532-0130-00", "IBAN", "DE89-3704-0044-0532-0130-00"),
    ("iban", "IBAN DE89.3704.0044.0532.0130.00", "IBAN", "DE89.3704.0044.0532.0130.00"),
    ("iban", "IBAN DE89/3704/0044/0532/0130/00", "IBAN", "DE89/3704/0044/0532/0130/00"),
    ("iban", f"IBAN {_fullwidth('DE89 3704 0044 0532 0130 00')}", "IBAN", _fullwidth(IBAN)),
    ("iban", f"IBAN {_fullwidth('DE89370400440532013000')}", "IBAN", _fullwidth("DE89370400440532013000")),
    ("iban", "überweisen sie auf de89 3704 0044 0532 0130 00 danke", "IBAN", "de89 3704 0044 0532 0130 00"),
    ("iban", "Bankverbindung DE89 3704 0044\n0532 0130 00", "IBAN", "DE89 3704 0044\n0532 0130 00"),
    ("iban", f"IBAN D{CYR_E}89 3704 0044 0532 0130 00", "IBAN", f"D{CYR_E}89 3704 0044 0532 0130 00"),
    ("iban", f"IBAN {BOM}DE89 3704 0044 0532 {WJ}0130 00", "IBAN", f"DE89 3704 0044 0532 {WJ}0130 00"),
    ("iban", f"IBAN DE02{RLM}1203 0000 0000 2020 51", "IBAN", f"DE02{RLM}1203 0000 0000 2020 51"),
    ("iban", "IBAN GB82-WEST-1234-5698-7654-32", "IBAN", "GB82-WEST-1234-5698-7654-32"),
    ("iban", "IBAN de02120300000000202051", "IBAN", "de02120300000000202051"),
    ("iban", "IBAN  DE89  3704  0044  0532  0130  00", "IBAN", "DE89  3704  0044  0532  0130  00"),
    ("iban", "IBAN DE89 - 3704 - 0044 - 0532 - 0130 - 00", "IBAN", "DE89 - 3704 - 0044 - 0532 - 0130 - 00"),
    # --- Steuer-ID ---
    ("tax_id", "Steuer-ID 86-095-742-719", "TAX_ID", "86-095-742-719"),
    ("tax_id", f"Steuer-ID 86{ZW}095{ZW}742{ZW}719", "TAX_ID", f"86{ZW}095{ZW}742{ZW}719"),
    ("tax_id", f"IdNr {_fullwidth('86095742719')}", "TAX_ID", _fullwidth("86095742719")),
    ("tax_id", f"Steuer-ID 86{NBSP}095{NBSP}742{NBSP}719", "TAX_ID", f"86{NBSP}095{NBSP}742{NBSP}719"),
    ("tax_id", "Steuer-ID 86 095\n742 719", "TAX_ID", "86 095\n742 719"),
    ("tax_id", "Steuer-ID 47\u2013036\u2013892\u2013816", "TAX_ID", "47\u2013036\u2013892\u2013816"),
    ("tax_id", f"Steuer-ID 6592{SHY}9970489", "TAX_ID", f"6592{SHY}9970489"),
    # --- USt-IdNr. ---
    ("vat_id", "USt-IdNr. DE-136-695-976", "VAT_ID", "DE-136-695-976"),
    ("vat_id", f"USt-IdNr. DE{ZW}136{ZW}695{ZW}976", "VAT_ID", f"DE{ZW}136{ZW}695{ZW}976"),
    ("vat_id", "ust-idnr. de136695976", "VAT_ID", "de136695976"),
    ("vat_id", f"USt-IdNr. {_fullwidth('DE813495425')}", "VAT_ID", _fullwidth("DE813495425")),
    # --- Renten-/Sozialversicherungsnummer ---
    ("rvnr", "RV-Nr. 12150386m015", "SOCIAL_SECURITY_NUMBER", "12150386m015"),
    ("rvnr", "SV-Nummer 65-170839-J-003", "SOCIAL_SECURITY_NUMBER", "65-170839-J-003"),
    ("rvnr", f"SV-Nummer 53{ZW}270152{ZW}K127", "SOCIAL_SECURITY_NUMBER", f"53{ZW}270152{ZW}K127"),
    ("rvnr", f"RV-Nummer {_fullwidth('12150386M015')}", "SOCIAL_SECURITY_NUMBER", _fullwidth("12150386M015")),
    ("rvnr", "Versicherungsnummer 12.150386.m.015", "SOCIAL_SECURITY_NUMBER", "12.150386.m.015"),
    # --- e-mail ---
    ("email", "Schreiben Sie an max [at] example.de", "EMAIL", "max [at] example.de"),
    ("email", "Kontakt: max(at)example(dot)de", "EMAIL", "max(at)example(dot)de"),
    ("email", "Kontakt: max @ example . de", "EMAIL", "max @ example . de"),
    ("email", "Kontakt: max\uff20example.de", "EMAIL", "max\uff20example.de"),
    ("email", "anna.becker [at] web [dot] de", "EMAIL", "anna.becker [at] web [dot] de"),
    ("email", "juergen.krause (at) gmx (punkt) net", "EMAIL", "juergen.krause (at) gmx (punkt) net"),
    ("email", "mail: k.wagner at t-online dot de", "EMAIL", "k.wagner at t-online dot de"),
    ("email", f"max{ZW}@{ZW}example.de", "EMAIL", f"max{ZW}@{ZW}example.de"),
    ("email", "Mail an MAX(AT)EXAMPLE(DOT)DE", "EMAIL", "MAX(AT)EXAMPLE(DOT)DE"),
    ("email", f"e-mail: {_fullwidth('max@example.de')}", "EMAIL", _fullwidth("max@example.de")),
    # --- phone ---
    (
        "phone",
        "Tel. 0251 \uff14\uff19\uff12 \uff11\uff12\uff13\uff14",
        "PHONE",
        "0251 \uff14\uff19\uff12 \uff11\uff12\uff13\uff14",
    ),
    ("phone", f"Tel. 0251 492{ZW}1234", "PHONE", f"0251 492{ZW}1234"),
    ("phone", f"mobil 0170{NBSP}1234567", "PHONE", f"0170{NBSP}1234567"),
    ("phone", "Tel. 0251\u2013492\u20131234", "PHONE", "0251\u2013492\u20131234"),
    ("phone", f"Ruf mich an: +49{ZW}170{ZW}1234567", "PHONE", f"+49{ZW}170{ZW}1234567"),
    ("phone", f"Tel. {_fullwidth('030/12345678')}", "PHONE", _fullwidth("030/12345678")),
    # --- names in all caps or all lower case, in a person context ---
    ("name_case", "JÜRGEN KRAUSE BESCHWERT SICH über den Lärm.", "PERSON", "JÜRGEN KRAUSE"),
    ("name_case", "HERR JÜRGEN KRAUSE hat angerufen.", "PERSON", "JÜRGEN KRAUSE"),
    ("name_case", "herr jürgen krause hat angerufen.", "PERSON", "jürgen krause"),
    ("name_case", "Sehr geehrte FRAU MÜLLER, vielen Dank.", "PERSON", "MÜLLER"),
    ("name_case", "NAME: KRAUSE", "PERSON", "KRAUSE"),
    ("name_case", "antragstellerin: petra hoffmann", "PERSON", "petra hoffmann"),
    ("name_case", "ANTRAGSTELLER: JÜRGEN KRAUSE", "PERSON", "JÜRGEN KRAUSE"),
    ("name_case", "frau anna becker wohnt nebenan", "PERSON", "anna becker"),
    ("name_case", "HERRN DR. KLAUS WEBER", "PERSON", "KLAUS WEBER"),
    ("name_case", f"Herr J{ZW}ürgen Krause hat angerufen.", "PERSON", f"J{ZW}ürgen Krause"),
    ("name_case", f"Frau Anna B{CYR_E.lower()}cker hat angerufen.", "PERSON", f"B{CYR_E.lower()}cker"),
    ("name_case", f"Herr J{CYR_O}nas Petersen meldet sich.", "PERSON", f"J{CYR_O}nas Petersen"),
    ("name_case", "ANNA MARIA BECKER BITTET UM RÜCKRUF", "PERSON", "ANNA MARIA BECKER"),
    # --- plates ---
    ("plate", "Das Auto ms-kw 4711 parkt quer.", "LICENSE_PLATE", "ms-kw 4711"),
    ("plate", "Kennzeichen b-ab 123", "LICENSE_PLATE", "b-ab 123"),
    ("plate", f"Kennzeichen MS{ZW}-KW 4711", "LICENSE_PLATE", f"MS{ZW}-KW 4711"),
    ("plate", "Kennzeichen MS\u2013KW 4711", "LICENSE_PLATE", "MS\u2013KW 4711"),
    (
        "plate",
        f"Kennzeichen {_fullwidth('MS-KW')} {_fullwidth('4711')}",
        "LICENSE_PLATE",
        _fullwidth("MS-KW") + " " + _fullwidth("4711"),
    ),
    # --- health ---
    ("health", "Mein Sohn ist HIV-positiv.", "HEALTH", "HIV-positiv"),
    ("health", "Er ist Diabetes-Patient.", "HEALTH", "Diabetes-Patient"),
    ("health", f"Meine Mutter hat De{SHY}menz.", "HEALTH", f"De{SHY}menz"),
    ("health", f"Er hat Dia{ZW}betes.", "HEALTH", f"Dia{ZW}betes"),
    ("health", "Bei ihr wurde Epilepsie-Erkrankung festgestellt.", "HEALTH", "Epilepsie-Erkrankung"),
    # --- address ---
    ("address", "wohnhaft Lindenstr.12,48143 Münster", "ADDRESS", "Lindenstr.12,48143 Münster"),
    ("address", "wohnhaft lindenstr.12, 48143 Münster", "ADDRESS", "lindenstr.12, 48143 Münster"),
    (
        "address",
        f"Anschrift: Lindenstraße{NBSP}12, 48143{NBSP}Münster",
        "ADDRESS",
        f"Lindenstraße{NBSP}12, 48143{NBSP}Münster",
    ),
    (
        "address",
        f"Anschrift: Linden{SHY}straße 12, 48143 Münster",
        "ADDRESS",
        f"Linden{SHY}straße 12, 48143 Münster",
    ),
    (
        "address",
        f"Anschrift: Lindenstraße {_fullwidth('12')}, {_fullwidth('48143')} Münster",
        "ADDRESS",
        f"Lindenstraße {_fullwidth('12')}, {_fullwidth('48143')} Münster",
    ),
    # --- typed separators, look-alike digits, informal forms ---
    ("iban", "IBAN: DE89_3704_0044_0532_0130_00", "IBAN", "DE89_3704_0044_0532_0130_00"),
    ("iban", "IBAN DE89|3704|0044|0532|0130|00", "IBAN", "DE89|3704|0044|0532|0130|00"),
    ("iban", "IBAN DE89 37O4 OO44 O532 O13O OO", "IBAN", "DE89 37O4 OO44 O532 O13O OO"),
    ("tax_id", "Steuer-ID 65,929,970,489", "TAX_ID", "65,929,970,489"),
    ("tax_id", "Steuer-ID 65_929_970_489", "TAX_ID", "65_929_970_489"),
    ("phone", "Tel. 0251.492.1234", "PHONE", "0251.492.1234"),
    ("email", "schreib an max.mustermann ät gmx punkt de", "EMAIL", "max.mustermann ät gmx punkt de"),
    ("name_case", "Sehr geehrter Herr krause,", "PERSON", "krause"),
    ("name_case", "Unterschrift: jürgen krause", "PERSON", "jürgen krause"),
    ("plate", "kennzeichen: ms ab 123", "LICENSE_PLATE", "ms ab 123"),
    ("health", "Meine Tochter ist schwanger.", "HEALTH", "schwanger"),
    ("health", "Mein Mann ist alkoholkrank.", "HEALTH", "alkoholkrank"),
    ("health", "ich bin seit Jahren depressiv", "HEALTH", "depressiv"),
]

# Texts that look like obfuscated personal data but hold none: they must stay clean.
NEGATIVES: list[str] = [
    "IBAN DE88 37O4 OO44 O532 O13O OO",  # look-alike digits, wrong check digits
    "Steuer-ID 12,345,678,903",  # commas, wrong check digit
    "Sehr geehrter Herr über alle Zweifel erhaben",  # no name after the salutation
    "Kennzeichen: xx ab 123",  # no district code
    f"IBAN DE88{ZW}3704{ZW}0044 0532 0130 00",  # wrong check digits
    f"Prüfziffer falsch: {_fullwidth('DE89 3704 0044 0532 0130 01')}",
    "IBAN  DE88  3704  0044  0532  0130  00",  # wrong check digits, double blanks
    "Der Termin am 12.05.2024 um 10 Uhr findet statt.",
    "Sie erreichen uns unter info [at] stadt",
    "Steuer-ID 86-095-742-718",  # wrong check digit
    f"Rechnung 12{ZW}345{ZW}678{ZW}901 vom Mai",
    "DIN EN ISO 9001 gilt für alle Ämter.",
    "DIE STADT MÜNSTER INFORMIERT ÜBER DEN WINTERDIENST.",
    "Das Archiv ist montags geschlossen.",
    "Diabetes-Beratung für alle Bürgerinnen und Bürger im Gesundheitsamt.",
    "We meet at noon at the station.",
    "Version 2.0.1 erscheint im Mai.",
    "Art. 9 Abs. 2 DSGVO regelt besondere Kategorien.",
    "Der Parkplatz3 ist reserviert.",
    "Rückfragen bitte an die Poststelle (at) Rathaus.",
    "HERR DER RINGE läuft heute im Kino.",
    "Wir nutzen ms-word 2016 und ms-excel.",
    "Die Kunden-ID lautet 12-34-56-78-90.",
    "RV-Nr. 12150386m016 ist ungültig.",  # wrong check digit
    f"Seite 3{NBSP}–{NBSP}12 der Vorlage",
    "Ort: Sitzungssaal, Raum 12.",
]


@dataclass
class FamilyScore:
    expected: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def detected(text: str, kind: str, value: str) -> bool:
    """A finding of `kind` overlaps the expected value."""
    start = text.index(value)
    end = start + len(value)
    return any(f.kind == kind and f.start < end and start < f.end for f in scan(text))


def evaluate_adversarial() -> tuple[dict[str, FamilyScore], list[str]]:
    """Recall per family, and the negatives that were flagged."""
    families: dict[str, FamilyScore] = defaultdict(FamilyScore)
    for family, text, kind, value in CASES:
        score = families[family]
        score.expected += 1
        if detected(text, kind, value):
            score.found += 1
        else:
            score.missed.append(text)
    flagged = [text for text in NEGATIVES if scan(text)]
    return dict(families), flagged
