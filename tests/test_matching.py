"""The sponsor matcher, case by case: each kind of variant and look-alike."""

import pandas as pd
import pytest

from workbench import matching
from workbench.matching import NONE, SURE, UNSURE, legal_form, match_sponsors, non_sponsors, normalize

REGISTER = pd.DataFrame(
    {
        "Firmenname": [
            "Bäckerei Schäfer e.K.",
            "Bäckerei Schäfers Backstube GmbH",
            "Elektro Hoffmann GmbH",
            "Hoffmann Elektrotechnik GmbH",
            "Müller & Söhne Bau GmbH & Co. KG",
            "Müller Bauservice GmbH",
            "Steuerkanzlei Dr. Brinkmann & Partner",
            "Nordlicht IT-Service GmbH",
            "Autohaus Wöstmann GmbH",
            "Blumen Özdemir UG (haftungsbeschränkt)",
        ],
        "Ort": ["Musterstadt"] * 10,
    },
    index=[f"GR-{i:03d}" for i in range(10)],
)


def _match_by_town(sponsors: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Sponsors ("Sponsor", "Ort") against a register ("Firmenname", "Ort"), towns compared."""
    return match_sponsors(
        sponsors,
        register,
        sponsor_name="Sponsor",
        company_name="Firmenname",
        sponsor_city="Ort",
        company_city="Ort",
    )


@pytest.mark.parametrize(
    ("typed", "city", "expected", "status"),
    [
        ("Bäckerei Schäfer e.K.", "Musterstadt", "GR-000", SURE),  # exact
        ("Baeckerei Schaefer", "Musterstadt", "GR-000", SURE),  # transliteration, legal form missing
        ("BÄCKEREI SCHÄFER EK", "musterstadt", "GR-000", SURE),  # capitals, "EK"
        ("Hoffmann Elektro", "Musterstadt", "GR-002", SURE),  # word order
        ("Elektro Hofmann G.m.b.H.", "Musterstadt", "GR-002", SURE),  # typo and dotted legal form
        ("Mueller und Soehne Bau GmbH & Co KG", "MUSTERSTADT", "GR-004", SURE),  # "und" for "&"
        ("Steuerkanzlei Brinkmann", "Musterstadt", "GR-006", SURE),  # missing words
        ("Nordlicht IT Servce", "Musterstadt", "GR-007", SURE),  # typo, punctuation
        ("autohaus wöstmann", "", "GR-008", SURE),  # no city given
        ("Blumen Oezdemir UG", "Musterstadt", "GR-009", SURE),
        ("Elektro Hoffmann GmbH", "Nachbarstadt", None, NONE),  # look-alike from another town
        ("Förderverein Grundschule Am Lindenhof e.V.", "Musterstadt", None, NONE),  # not a company
        ("Familie Brüggemann", "Musterstadt", None, NONE),
    ],
)
def test_variants(typed, city, expected, status):
    sponsors = pd.DataFrame({"Sponsor": [typed], "Ort": [city]}, index=[17])
    result = _match_by_town(sponsors, REGISTER)
    row = result.iloc[0]
    assert row["sponsor_index"] == 17
    assert row["status"] == status
    if expected is None:
        assert pd.isna(row["company_index"])
    else:
        assert row["company_index"] == expected
        assert 0 <= row["score"] <= 100


def test_look_alikes_in_the_register_are_not_mixed_up():
    sponsors = pd.DataFrame(
        {"Sponsor": ["Schäfers Backstube", "Müller Bau Service", "Hoffmann Elektrotechnik"]}
    )
    result = match_sponsors(sponsors, REGISTER, sponsor_name="Sponsor", company_name="Firmenname")
    assert result["company_index"].tolist() == ["GR-001", "GR-005", "GR-003"]


def test_ambiguous_duplicate_names_are_unsure():
    register = pd.DataFrame({"Firmenname": ["Müller Bau GmbH", "Müller Bau KG"]})
    result = match_sponsors(
        pd.DataFrame({"Sponsor": ["Müller Bau"]}), register, sponsor_name="Sponsor", company_name="Firmenname"
    )
    assert result["status"].tolist() == [UNSURE]


def test_result_shape_and_non_sponsors():
    sponsors = pd.DataFrame({"Sponsor": ["Baeckerei Schaefer", "unbekannt GmbH"]})
    result = match_sponsors(sponsors, REGISTER, sponsor_name="Sponsor", company_name="Firmenname")
    assert list(result.columns) == ["sponsor_index", "company_index", "score", "status"]
    assert len(result) == 2
    remaining = non_sponsors(REGISTER, result)
    assert "GR-000" not in remaining.index and len(remaining) == 9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Müller & Söhne Bau G.m.b.H. & Co. KG", "mueller und soehne bau"),
        ("Blumen Özdemir UG (haftungsbeschränkt)", "blumen oezdemir"),
        ("Café Ümit", "Cafe Uemit"),
    ],
)
def test_normalize(a, b):
    assert normalize(a) == normalize(b)


# ------------------------------------------------------------------ companies sharing one key


def _match_one(typed, names, **cities):
    register = pd.DataFrame(
        {"Firmenname": names, "Ort": cities.get("register", ["Musterstadt"] * len(names))}
    )
    sponsors = pd.DataFrame({"Sponsor": [typed], "Ort": [cities.get("sponsor", "Musterstadt")]})
    result = _match_by_town(sponsors, register)
    row = result.iloc[0]
    return (None if pd.isna(row["company_index"]) else names[row["company_index"]]), row["status"]


SCHUSTER = ["Malerbetrieb Schuster AG", "Schuster Malerbetrieb KG", "Schuster Malerbetrieb GmbH"]


@pytest.mark.parametrize(
    ("typed", "expected", "status"),
    [
        ("Schuster Malerbetrieb KG", "Schuster Malerbetrieb KG", SURE),  # literally in the register
        ("  schuster   MALERBETRIEB kg ", "Schuster Malerbetrieb KG", SURE),  # case and spaces aside
        ("Schuster Malerbetrieb GmbH", "Schuster Malerbetrieb GmbH", SURE),
        ("Malerbetrieb Schuster AG", "Malerbetrieb Schuster AG", SURE),
        ("Schuster Malerbetrieb G.m.b.H.", "Schuster Malerbetrieb GmbH", UNSURE),  # the written form decides
        ("Malerbetrieb Schuster K.G.", "Schuster Malerbetrieb KG", UNSURE),
        ("Schuster Malerbetrieb A.G.", "Malerbetrieb Schuster AG", UNSURE),
        ("Schuster Malerbetrieb", "Malerbetrieb Schuster AG", UNSURE),  # nothing decides: register order
        ("Schuster Malerbetrieb OHG", "Malerbetrieb Schuster AG", UNSURE),  # a form nobody has
    ],
)
def test_companies_sharing_a_key(typed, expected, status):
    assert _match_one(typed, SCHUSTER) == (expected, status)


def test_register_order_decides_only_when_nothing_else_does():
    names = ["Schuster Malerbetrieb KG", "Malerbetrieb Schuster AG"]
    assert _match_one("Schuster Malerbetrieb", names) == ("Schuster Malerbetrieb KG", UNSURE)
    assert _match_one("Schuster Malerbetrieb", names[::-1]) == ("Malerbetrieb Schuster AG", UNSURE)


def test_the_same_name_twice_in_the_register_stays_unsure():
    names = ["Bäckerei Schäfer e.K.", "Bäckerei Schäfer e.K."]
    assert _match_one("Bäckerei Schäfer e.K.", names) == ("Bäckerei Schäfer e.K.", UNSURE)


def test_a_tie_only_counts_companies_of_the_sponsors_town():
    names = ["Schuster Malerbetrieb GmbH", "Schuster Malerbetrieb KG"]
    towns = ["Nachbarstadt", "Musterstadt"]
    assert _match_one("Schuster Malerbetrieb GmbH", names, register=towns) == (
        "Schuster Malerbetrieb KG",
        SURE,
    )
    assert _match_one("Schuster Malerbetrieb GmbH", names, register=towns, sponsor="Hafenau") == (None, NONE)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Schuster Malerbetrieb GmbH & Co. KG", "gmbh_co_kg"),
        ("Schuster Malerbetrieb GmbH u. Co. K.G.", "gmbh_co_kg"),
        ("Schuster Malerbetrieb Ges.m.b.H.", "gmbh"),
        ("SchusterGmbH", "gmbh"),
        ("Schuster Malerbetrieb e. K.", "ek"),
        ("Schuster Malerbetrieb O.H.G.", "ohg"),
        ("Schuster Malerbetrieb K.G.", "kg"),
        ("Schuster Malerbetrieb A.G.", "ag"),
        ("Schuster Malerbetrieb UG (haftungsbeschränkt)", "ug"),
        ("Schuster Malerbetrieb Aktiengesellschaft", "ag"),
        ("Schuster Malerbetrieb Kommanditgesellschaft", "kg"),
        ("Schuster Malerbetrieb offene Handelsgesellschaft", "ohg"),
        ("Schuster MalerbetriebKG", "kg"),
        ("Schuster MalerbetriebGbR", "gbr"),
        ("Schuster Malerbetrieb", ""),
        (None, ""),
    ],
)
def test_legal_form(name, kind):
    assert legal_form(name) == kind
    if name:
        assert normalize(name) == normalize("Schuster Malerbetrieb") or name == "SchusterGmbH"


# ------------------------------------------------------------------ candidate search at scale


def _no_full_comparison(*args, **kwargs):
    raise AssertionError("the full comparison ran")


TRADES = ("Bäckerei", "Elektro", "Autohaus", "Tischlerei", "Malerbetrieb", "Fahrschule")
SURNAMES = (
    "Schuster", "Hoffmann", "Hofmann", "Becker", "Wagner", "Schulz", "Schulze", "Richter",
    "Krüger", "Neumann", "Zimmermann", "Hartmann", "Lehmann", "Köhler", "Kaiser", "Fuchs",
)  # fmt: skip
BIG_REGISTER = pd.DataFrame(
    {
        "Firmenname": [
            f"{trade} {surname} {('GmbH', 'KG', 'e.K.')[(i + j) % 3]}"
            for i, trade in enumerate(TRADES)
            for j, surname in enumerate(SURNAMES)
        ]
        + ["Krüger Fahrschule AG", "Aasee-Apotheke e.K.", "Wöstmann"]
    }
)


def _match_big(typed):
    result = match_sponsors(
        pd.DataFrame({"Sponsor": [typed]}), BIG_REGISTER, sponsor_name="Sponsor", company_name="Firmenname"
    )
    row = result.iloc[0]
    found = None if pd.isna(row["company_index"]) else BIG_REGISTER.at[row["company_index"], "Firmenname"]
    return found, row["status"]


@pytest.mark.parametrize(
    ("typed", "expected", "status"),
    [
        ("Tischlerei Zimmermnn KG", "Tischlerei Zimmermann KG", SURE),  # a letter less
        ("Tischlerei Zimmermann e.K.K", "Tischlerei Zimmermann KG", SURE),  # nothing but the form
        ("Tischelrei Zimmermann", "Tischlerei Zimmermann KG", SURE),  # swapped letters
        ("Fahrschule Kruger KG", "Fahrschule Krüger KG", UNSURE),  # "Krüger Fahrschule AG" ties ...
        ("Fahrschule Kruger AG", "Krüger Fahrschule AG", UNSURE),  # ... and the written form decides
        ("Bäckerei Schulzz", "Bäckerei Schulz e.K.", UNSURE),  # "Bäckerei Schulze" is nearly as close
        ("Wöstmnn", "Wöstmann", SURE),  # a single word, typed wrong
    ],
)
def test_shared_words_find_typed_names_without_the_full_comparison(typed, expected, status, monkeypatch):
    monkeypatch.setattr(matching, "_compare_with_all", _no_full_comparison)
    assert _match_big(typed) == (expected, status)


def test_a_name_sharing_no_word_is_found_by_the_full_comparison(monkeypatch):
    calls = []
    full = matching._compare_with_all

    def counted(queries, choices):
        calls.append(list(queries))
        return full(queries, choices)

    monkeypatch.setattr(matching, "_compare_with_all", counted)
    assert _match_big("Aaseapoteke") == ("Aasee-Apotheke e.K.", SURE)  # run together, two letters off
    assert calls == [["aaseapoteke"]]
    calls.clear()
    assert _match_big("Wöstman") == ("Wöstmann", SURE)  # one typo away: no full comparison needed
    assert _match_big("Lehmann Kaiser") == (None, NONE)  # both words known: compared already
    assert _match_big("Xylophonorchester") == (None, NONE)  # like no register word: nothing to find
    assert calls == []


def test_a_sponsor_from_a_town_without_register_companies_is_not_compared_with_all(monkeypatch):
    monkeypatch.setattr(matching, "_compare_with_all", _no_full_comparison)
    register = BIG_REGISTER.assign(Ort="Musterstadt")
    sponsors = pd.DataFrame({"Sponsor": ["Aaseapoteke", "Tischlerei Zimmermnn GmbH"], "Ort": ["Hafenau"] * 2})
    result = _match_by_town(sponsors, register)
    assert result["status"].tolist() == [NONE, NONE]
    assert result["company_index"].isna().all()


def test_parallel_matches_leave_the_garbage_collector_as_they_found_it():
    import gc
    import threading

    from workbench.matching import _collector_paused

    inside = threading.Barrier(2)
    leave_first = threading.Event()

    def first() -> None:
        with _collector_paused():
            inside.wait()
            leave_first.wait()

    worker = threading.Thread(target=first)
    assert gc.isenabled()
    worker.start()
    with _collector_paused():
        inside.wait()
        leave_first.set()
        worker.join()
        assert not gc.isenabled()  # the other run left; this one still runs with the collector paused
    assert gc.isenabled()
