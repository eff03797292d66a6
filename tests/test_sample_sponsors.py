"""The fictional Musterstadt sponsor data: shapes, determinism, a consistent truth table, the committed
CSV files, and enough traps (look-alikes, variants, outside firms, cases for review) to make the exercise
worth doing."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from sample_data import sponsors as sp

SAMPLE_DIR = Path(sp.__file__).resolve().parent
IN_TOWN = {"Musterstadt", "musterstadt", "MUSTERSTADT"}
REGISTERED = {sp.EXACT, sp.VARIANT}


@pytest.fixture(scope="module")
def sample() -> sp.Sample:
    return sp.build_sample()


@pytest.fixture(scope="module")
def app() -> sp.Sample:
    return sp.build_app_sample()


def _base(name: str, rechtsform: str) -> str:
    suffix = f" {rechtsform}"
    return name[: -len(suffix)] if name.endswith(suffix) else name


def _read(name: str, encoding: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / name, sep=";", encoding=encoding, dtype=str, keep_default_na=False)


def _text(values: pd.Series) -> list[str]:
    """How a column looks in the CSV file (NA as an empty field, floats with a decimal comma)."""
    out = []
    for value in values:
        if pd.isna(value):
            out.append("")
        elif isinstance(value, float):
            out.append(str(value).replace(".", ","))
        else:
            out.append(str(value))
    return out


# ---------------------------------------------------------------------------------------------- API


def test_generate_returns_the_three_frames_of_build_sample(sample):
    companies, sponsors, truth = sp.generate()
    pd.testing.assert_frame_equal(companies, sample.companies)
    pd.testing.assert_frame_equal(sponsors, sample.sponsors)
    pd.testing.assert_frame_equal(truth, sample.truth)
    assert len(sample.variant_kinds) == len(sponsors)


def test_same_seed_same_frames_other_seed_other_frames():
    first = sp.generate(300, 40, seed=3)
    second = sp.generate(300, 40, seed=3)
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    other = sp.generate(300, 40, seed=4)
    assert first[0]["Firmenname"].tolist() != other[0]["Firmenname"].tolist()
    assert first[1]["Sponsor"].tolist() != other[1]["Sponsor"].tolist()


def test_shapes_columns_and_index(sample):
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    assert companies.shape == (400, 11)
    assert sponsors.shape == (60, 4)
    assert truth.shape == (60, 4)
    assert list(companies.columns) == list(sp.COMPANY_COLUMNS)
    assert list(sponsors.columns) == list(sp.SPONSOR_COLUMNS)
    assert list(truth.columns) == list(sp.TRUTH_COLUMNS)
    for frame in (companies, sponsors, truth):
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    assert pd.api.types.is_integer_dtype(companies["Beschäftigte"])
    assert pd.api.types.is_float_dtype(companies["Gewerbefläche_m2"])
    assert str(truth["company_index"].dtype) == "Int64"


@pytest.mark.parametrize("name", ["sample", "app"])
def test_register_columns_look_like_a_register(name, request):
    companies = request.getfixturevalue(name).companies
    assert companies["Betriebsnummer"].str.fullmatch(r"GR-\d{6}").all()
    assert companies["Betriebsnummer"].is_unique
    assert set(companies["Rechtsform"]) == set(sp.LEGAL_FORMS)
    assert companies["PLZ"].str.fullmatch(r"\d{5}").all()
    assert companies["PLZ"].astype(int).between(48140, 48169).all()
    assert set(companies["Ort"]) == {"Musterstadt"}
    assert 8 <= companies["Stadtteil"].nunique() <= 12
    assert companies["Tätigkeit"].nunique() == 25
    assert companies["Straße"].str.contains(r"\d").all()
    assert (companies["Beschäftigte"] >= 1).all()
    assert (companies["Gewerbefläche_m2"] > 0).all()
    # Owner names only for sole traders, and there always.
    sole = companies["Rechtsform"].isin(sp.SOLE_TRADERS)
    assert (companies.loc[sole, "Inhaber"].str.len() > 0).all()
    assert (companies.loc[~sole, "Inhaber"] == "").all()
    # The name carries the legal form, except for sole proprietors without entry (and "& Partner").
    for name, form in zip(companies["Firmenname"], companies["Rechtsform"], strict=True):
        if form == "Einzelunternehmen":
            assert not any(name.endswith(f" {f}") for f in sp.LEGAL_FORMS), name
        elif not name.endswith("& Partner"):
            assert name.endswith(f" {form}"), name


def test_register_names_have_umlauts_sz_ampersand_and_look_alikes(sample):
    names = set(sample.companies["Firmenname"])
    text = " ".join(names)
    for needle in ("ä", "ö", "ü", "ß", " & ", " und "):
        assert needle in text
    for name in (
        "Elektro Hoffmann GmbH",
        "Hoffmann Elektrotechnik GmbH",
        "Bäckerei Schäfer e.K.",
        "Bäckerei Schäfers Backstube GmbH",
        "Müller Bau GmbH",
        "Müller Bauservice GmbH",
        "Müller & Söhne Bau GmbH & Co. KG",
        "Nordlicht IT-Service GmbH",
        "Autohaus Wöstmann GmbH",
        "Steuerkanzlei Dr. Brinkmann & Partner",
    ):
        assert name in names


@pytest.mark.parametrize("n_companies", [400, 20_000])
def test_company_names_unique_ignoring_case(n_companies):
    companies, _, _ = sp.generate(n_companies, 10)
    assert len(companies) == n_companies
    assert companies["Firmenname"].str.lower().is_unique
    assert companies["Firmenname"].map(sp.name_key).is_unique  # also without legal form, umlauts, order


@pytest.mark.parametrize("name", ["sample", "app"])
def test_cp1252_safe_texts(name, request):
    sponsors = request.getfixturevalue(name).sponsors
    for column in sponsors.columns:
        for value in sponsors[column]:
            value.encode("cp1252")  # raises if a character cannot be written in Windows encoding


# ------------------------------------------------------------------------------------ sponsor list


def test_sponsor_list_mix(sample):
    arten = sample.truth["art"].value_counts().to_dict()
    assert set(arten) <= set(sp.ARTEN)
    registered = arten.get(sp.EXACT, 0) + arten.get(sp.VARIANT, 0)
    outside = arten.get(sp.OUTSIDE, 0) + arten.get(sp.LOOKALIKE, 0)
    assert 0.6 <= registered / 60 <= 0.8
    assert 0.1 <= outside / 60 <= 0.2
    assert 0.1 <= arten[sp.NOT_REGISTERED] / 60 <= 0.2
    assert arten[sp.LOOKALIKE] >= 5
    assert arten[sp.NOT_REGISTERED] >= 8
    assert arten[sp.EXACT] >= 1 and arten[sp.OUTSIDE] >= 1


def test_sponsor_columns(sample):
    sponsors, truth = sample.sponsors, sample.truth
    assert sponsors["Betrag"].str.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}").all()
    assert sponsors["Betrag"].str.contains(r"\.").any()  # thousands separator in use
    assert sponsors["Sponsor"].str.strip().str.casefold().is_unique
    assert (sponsors["Ansprechpartner"] == "").any() and (sponsors["Ansprechpartner"] != "").sum() > 40
    away = truth["art"].isin([sp.OUTSIDE, sp.LOOKALIKE])
    assert set(sponsors.loc[~away, "Ort"]) == IN_TOWN
    assert set(sponsors.loc[away, "Ort"]) <= set(sp.OUTSIDE_TOWNS)


@pytest.mark.parametrize("name", ["sample", "app"])
def test_truth_is_consistent(name, request):
    sample = request.getfixturevalue(name)
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    assert truth["sponsor_index"].tolist() == sponsors.index.tolist()
    assert set(truth["art"]) <= set(sp.ARTEN)
    review = truth["art"] == sp.REVIEW
    registered = truth["art"].isin(REGISTERED) | (review & truth["company_index"].notna())
    assert truth.loc[~registered, "company_index"].isna().all()
    assert (truth.loc[~registered, "Betriebsnummer"] == "").all()
    linked = truth[registered]
    assert linked["company_index"].notna().all()
    assert linked["company_index"].isin(companies.index).all()
    assert linked["company_index"].is_unique  # no company listed twice
    for row in linked.itertuples():
        company = companies.loc[row.company_index]
        assert company["Betriebsnummer"] == row.Betriebsnummer
        typed = sponsors.at[row.sponsor_index, "Sponsor"]
        if row.art == sp.EXACT:
            assert typed == company["Firmenname"]
        else:
            assert typed != company["Firmenname"]
    # Sponsors that are not register companies never carry a register company's exact name, except
    # the outside look-alikes, whose point is exactly that.
    register_names = set(companies["Firmenname"].str.casefold())
    for row in truth[truth["art"].isin([sp.OUTSIDE, sp.NOT_REGISTERED, sp.REVIEW])].itertuples():
        assert sponsors.at[row.sponsor_index, "Sponsor"].casefold() not in register_names


def test_variants_are_many_kinds_and_stay_readable(sample):
    truth = sample.truth
    kinds_by_row = dict(enumerate(sample.variant_kinds))
    variant_rows = truth.index[truth["art"] == sp.VARIANT]
    used = {kind for i in variant_rows for kind in kinds_by_row[i]}
    assert len(used) >= 20, sorted(used)
    assert used <= set(sp.KIND_NAMES)
    letter_kinds = {k.name for k in sp._KINDS if k.group == "buchstaben"}
    for i in variant_rows:
        kinds = kinds_by_row[i]
        assert kinds, i
        assert len(kinds) <= 3
        assert len(set(kinds) & letter_kinds) <= 1  # at most one typo (or umlauts without dots)
    for i in truth.index[truth["art"] != sp.VARIANT]:
        assert kinds_by_row[i] == ()


_FORM_WORDS = {
    "gmbh", "mbh", "m", "ges", "co", "kg", "ag", "eg", "e", "k", "ek", "kfm", "ug", "haftungsbeschränkt",
    "haftungsbeschr", "h", "b", "u", "ohg", "o", "g", "a", "r", "gbr", "v", "aktiengesellschaft",
    "eingetragene", "eingetragener", "genossenschaft", "kaufmann", "gesellschaft", "kommanditgesellschaft",
    "bürgerlichen", "rechts", "offene", "handelsgesellschaft", "fa", "firma",
}  # fmt: skip
_TYPO_KINDS = {"tippfehler_einfuegung", "tippfehler_auslassung", "tippfehler_vertauschung"}
# Kinds that leave the words of the name alone (apart from the legal form).
_WORD_NEUTRAL = {k.name for k in sp._KINDS if k.group in ("rechtsform", "gross")} | {
    "komma_vor_rechtsform",
    "leerzeichen_doppelt",
    "leerzeichen_rand",
    "firma_vorangestellt",
}


def _words(text: str) -> Counter:
    return Counter(w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in _FORM_WORDS)


def test_typos_are_single_edits_in_long_words():
    sample = sp.build_sample(3000, 600, seed=5)
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    checked = 0
    for i, kinds in enumerate(sample.variant_kinds):
        if not _TYPO_KINDS & set(kinds) or not set(kinds) - _TYPO_KINDS <= _WORD_NEUTRAL:
            continue
        if "SS" in sponsors.at[i, "Sponsor"]:
            continue  # "ß" in capitals is no single edit away, but no typo either
        company = companies.loc[truth.at[i, "company_index"]]
        original = _words(_base(company["Firmenname"], company["Rechtsform"]))
        typed = _words(sponsors.at[i, "Sponsor"])
        missing, extra = list((original - typed).elements()), list((typed - original).elements())
        assert len(missing) == len(extra) == 1, (sponsors.at[i, "Sponsor"], company["Firmenname"])
        assert len(missing[0]) >= 6 and sp._within_one_edit(missing[0], extra[0])
        checked += 1
    assert checked >= 20


def test_outside_look_alikes_resemble_register_names(sample):
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    bases = [
        set(sp._tokens(_base(n, f)))
        for n, f in zip(companies["Firmenname"], companies["Rechtsform"], strict=True)
    ]
    lookalikes = truth.index[truth["art"] == sp.LOOKALIKE]
    resembling = 0
    for i in lookalikes:
        tokens = set(sp._tokens(sponsors.at[i, "Sponsor"]))
        if any(base and base <= tokens for base in bases):
            resembling += 1
    assert resembling >= len(lookalikes) // 2 + 1
    exact_names = set(companies["Firmenname"])
    assert any(sponsors.at[i, "Sponsor"] in exact_names for i in lookalikes)


def test_non_sponsors_cover_all_districts_and_activities(sample):
    companies, truth = sample.companies, sample.truth
    sponsored = set(truth["company_index"].dropna().astype(int))
    rest = companies[~companies.index.isin(sponsored)]
    assert set(rest["Stadtteil"]) == set(companies["Stadtteil"]) == set(sp.DISTRICT_NAMES)
    assert set(rest["Tätigkeit"]) == set(companies["Tätigkeit"])
    # Some register companies have an outside namesake but did not sponsor themselves.
    assert len(rest) == 400 - truth["art"].isin(REGISTERED).sum()


@pytest.mark.parametrize(("n_companies", "n_sponsors"), [(1, 0), (5, 10), (30, 60), (120, 7)])
@pytest.mark.parametrize("review_cases", [False, True])
def test_small_and_odd_sizes(n_companies, n_sponsors, review_cases):
    companies, sponsors, truth = sp.generate(n_companies, n_sponsors, seed=1, review_cases=review_cases)
    review = (truth["art"] == sp.REVIEW).sum()
    assert review <= 5 and (review == 0 or review_cases)
    assert len(companies) - n_companies in ((0, 1) if review_cases else (0,))
    assert len(sponsors) == len(truth) == n_sponsors + review
    assert companies["Firmenname"].str.lower().is_unique
    assert truth["company_index"].dropna().isin(companies.index).all()
    assert truth["company_index"].dropna().is_unique


# ------------------------------------------------------------------------------------ review cases


def test_without_its_review_cases_the_app_sample_is_the_default_sample(sample, app):
    pd.testing.assert_frame_equal(app.companies.iloc[: len(sample.companies)], sample.companies)
    kept = (app.truth["art"] != sp.REVIEW).to_numpy()
    pd.testing.assert_frame_equal(app.sponsors[kept].reset_index(drop=True), sample.sponsors)
    pd.testing.assert_frame_equal(
        app.truth[kept].drop(columns="sponsor_index").reset_index(drop=True),
        sample.truth.drop(columns="sponsor_index"),
    )
    assert [k for k, keep in zip(app.variant_kinds, kept, strict=True) if keep] == list(sample.variant_kinds)
    assert (sample.truth["art"] != sp.REVIEW).all()


def test_review_cases_give_a_person_what_it_takes_to_decide(app):
    companies, sponsors, truth = app.companies, app.sponsors, app.truth
    review = truth[truth["art"] == sp.REVIEW]
    kinds = Counter(app.variant_kinds[i][0] for i in review["sponsor_index"])
    assert kinds == {sp.FORM_SIBLING: 1, sp.STRONG_ABBREVIATION: 1, sp.TWO_CANDIDATES: 1, sp.CLUB: 2}
    assert set(sponsors.loc[review["sponsor_index"], "Ort"]) <= IN_TOWN
    bases = [_base(n, f) for n, f in zip(companies["Firmenname"], companies["Rechtsform"], strict=True)]
    for row in review.itertuples():
        kind = app.variant_kinds[row.sponsor_index][0]
        typed = sponsors.at[row.sponsor_index, "Sponsor"]
        contact = sponsors.at[row.sponsor_index, "Ansprechpartner"]
        if kind == sp.CLUB:  # a club, not in the register, named with a word of register firms
            assert pd.isna(row.company_index)
            club, word = typed.split(" ")
            assert club in sp._CLUB_ABBREVIATIONS and any(word in base.split(" ") for base in bases)
            continue
        company = companies.loc[row.company_index]
        same_trade = companies[companies["Tätigkeit"] == company["Tätigkeit"]]
        if kind == sp.FORM_SIBLING:  # the same words with another legal form; the owner sponsored
            namesakes = companies[[base == typed for base in bases]]
            assert sorted(namesakes["Rechtsform"]) == ["GmbH", "e.K."]
            assert company["Rechtsform"] == "e.K." and contact == company["Inhaber"]
            assert namesakes.index.max() == len(companies) - 1  # the GmbH joined the register at its end
            continue
        first, surname = bases[row.company_index].split(" ")
        assert typed == f"{sp._STRONG_ABBREVIATIONS[first]} {surname}"
        namesakes = same_trade[same_trade["Firmenname"].str.contains(surname)]
        if kind == sp.STRONG_ABBREVIATION:  # the only one of its trade with the name
            assert namesakes.index.tolist() == [row.company_index]
        else:  # beside a second one of the trade with the name; the contact person is the owner
            assert len(namesakes) == 2 and contact == company["Inhaber"]
            assert contact not in namesakes["Inhaber"].drop(row.company_index).tolist()
    sponsored = truth["company_index"].dropna()
    assert sponsored.is_unique  # a review case is no company that sponsored otherwise


# ------------------------------------------------------------------------------------------- files


def test_committed_files_equal_a_fresh_app_sample(app):
    companies, sponsors, truth = app.companies, app.sponsors, app.truth
    read = _read(sp.COMPANY_FILE, "utf-8-sig")
    assert list(read.columns) == list(sp.COMPANY_COLUMNS)
    for column in sp.COMPANY_COLUMNS:
        assert read[column].tolist() == _text(companies[column]), column
    read = _read(sp.SPONSOR_FILE, "cp1252")
    assert list(read.columns) == list(sp.SPONSOR_COLUMNS)
    for column in sp.SPONSOR_COLUMNS:
        assert read[column].tolist() == _text(sponsors[column]), column
    read = _read(sp.TRUTH_FILE, "utf-8")
    assert list(read.columns) == list(sp.TRUTH_COLUMNS)
    for column in sp.TRUTH_COLUMNS:
        assert read[column].tolist() == _text(truth[column]), column


def test_files_are_german_excel_exports():
    register = (SAMPLE_DIR / sp.COMPANY_FILE).read_bytes()
    assert register.startswith(b"\xef\xbb\xbf")
    header = register[3:].splitlines()[0].decode("utf-8")
    assert header == ";".join(sp.COMPANY_COLUMNS)
    areas = _read(sp.COMPANY_FILE, "utf-8-sig")["Gewerbefläche_m2"]
    assert areas.str.fullmatch(r"\d+,\d+").all()
    sponsor_list = (SAMPLE_DIR / sp.SPONSOR_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        sponsor_list.decode("utf-8")  # Windows encoding, not UTF-8
    assert sponsor_list.decode("cp1252").splitlines()[0] == ";".join(sp.SPONSOR_COLUMNS)


def test_write_sample_reproduces_the_committed_files(tmp_path):
    sp.write_sample(tmp_path)
    for name in (sp.COMPANY_FILE, sp.SPONSOR_FILE, sp.TRUTH_FILE):
        fresh, committed = ((folder / name).read_bytes() for folder in (tmp_path, SAMPLE_DIR))
        # Line endings may be normalised by a git checkout; the content may not change.
        assert fresh.replace(b"\r\n", b"\n") == committed.replace(b"\r\n", b"\n"), name


# ------------------------------------------------------------------------------------------- scale


def test_large_sample_is_fast_and_clean():
    start = time.perf_counter()
    companies, sponsors, truth = sp.generate(50_000, 5_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"{elapsed:.1f} s"  # a sanity bound against runaway generation, not a benchmark
    assert len(companies) == 50_000 and len(sponsors) == len(truth) == 5_000
    assert companies["Firmenname"].str.lower().is_unique
    assert sponsors["Sponsor"].str.strip().str.casefold().is_unique
    registered = truth["art"].isin(REGISTERED)
    assert truth.loc[registered, "company_index"].is_unique
    assert truth.loc[~registered, "company_index"].isna().all()
