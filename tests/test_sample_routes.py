"""The fictional Musterstadt waste-collection data: shapes, determinism, the planted problems (found the
way the exercise finds them: join tickets, tour plan and GPS lifts), the traps, the committed CSV files
and the speed of a benchmark-size sample."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sample_data import routes as rt

FOLDER = Path(rt.__file__).resolve().parent / "abfalltouren"
NAMES = ("touren", "mengen", "gps", "beschwerden", "loesung")
COLUMNS = {
    "touren": rt.TOUR_COLUMNS,
    "mengen": rt.AMOUNT_COLUMNS,
    "gps": rt.GPS_COLUMNS,
    "beschwerden": rt.COMPLAINT_COLUMNS,
    "loesung": rt.SOLUTION_COLUMNS,
}
FILES = {  # name -> (file, encoding to read it with)
    "touren": (rt.TOUR_FILE, "utf-8-sig"),
    "mengen": (rt.AMOUNT_FILE, "cp1252"),
    "gps": (rt.GPS_FILE, "utf-8"),
    "beschwerden": (rt.COMPLAINT_FILE, "utf-8-sig"),
    "loesung": (rt.SOLUTION_FILE, "utf-8"),
}
INTS = {"touren": ["behaelter_soll"], "mengen": ["leerungen"], "gps": ["schuettung"]}
FLOATS = {"mengen": ["menge_t"], "gps": ["lat", "lon"]}
BENCH = {"n_tours": 60, "weeks": 8, "point_every_s": 6}


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return rt.generate()


def _runs(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Step 1 and 2 of the exercise: valid tickets joined with the tour plan and the GPS lifts per run."""
    tickets = data["mengen"].copy()
    tickets["tag"] = pd.to_datetime(tickets["datum"], format="%d.%m.%Y", errors="coerce")
    tickets = tickets.dropna(subset=["tag"]).merge(data["touren"], on="tour_id")
    gps = data["gps"]
    lifts = (
        gps.assign(tag=pd.to_datetime(gps["zeit"].str[:10]))
        .groupby(["fahrzeug", "tag"])["schuettung"]
        .agg(gps_leerungen="sum", punkte="size")
        .reset_index()
    )
    runs = tickets.merge(lifts, on=["fahrzeug", "tag"], how="left")
    runs["kg"] = runs["fraktion"].map(rt.KG_PER_LIFT)
    runs["menge_zu_gps"] = runs["menge_t"] * 1000 / (runs["gps_leerungen"] * runs["kg"])
    runs["menge_zu_meldung"] = runs["menge_t"] * 1000 / (runs["leerungen"] * runs["kg"])
    runs["meldung_zu_gps"] = runs["leerungen"] / runs["gps_leerungen"]
    runs["gps_zu_soll"] = runs["gps_leerungen"] / runs["behaelter_soll"]
    return runs


def _complaints_per_run(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Complaints attributed to tour runs by district, fraction and date."""
    touren = data["touren"]
    runs = _runs(data)[["tour_id", "tag"]].merge(touren, on="tour_id")
    complaints = data["beschwerden"].assign(tag=lambda f: pd.to_datetime(f["datum"]))
    return complaints.merge(runs, on=["bezirk", "fraktion", "tag"], how="left")


def _problem_tours(data, problem: str) -> list[str]:
    loesung = data["loesung"]
    return loesung.loc[loesung["problem"] == problem, "tour_id"].tolist()


def _text(values: pd.Series, decimals: int | None = None) -> list[str]:
    """How a column looks in its CSV file."""
    if decimals is not None:
        return [f"{v:.{decimals}f}".replace(".", "," if decimals == 2 else ".") for v in values]
    return [str(v) for v in values]


def _read(name: str) -> pd.DataFrame:
    file, encoding = FILES[name]
    return pd.read_csv(FOLDER / file, sep=";", encoding=encoding, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------------------- API


def test_generate_returns_the_five_tables_with_the_documented_columns(data):
    assert tuple(data) == NAMES
    for name, frame in data.items():
        assert tuple(frame.columns) == COLUMNS[name], name
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    for name, columns in INTS.items():
        for column in columns:
            assert pd.api.types.is_integer_dtype(data[name][column]), (name, column)
    for name, columns in FLOATS.items():
        for column in columns:
            assert pd.api.types.is_float_dtype(data[name][column]), (name, column)
    for name, frame in data.items():
        for column in frame.columns:
            if column not in INTS.get(name, []) + FLOATS.get(name, []):
                assert pd.api.types.is_string_dtype(frame[column]), (name, column)
                assert frame[column].map(type).eq(str).all(), (name, column)


def test_same_seed_same_tables_other_seed_other_tables():
    first = rt.generate(12, 3, seed=3)
    second = rt.generate(12, 3, seed=3)
    for name in NAMES:
        pd.testing.assert_frame_equal(first[name], second[name])
    other = rt.generate(12, 3, seed=4)
    assert first["mengen"]["menge_t"].tolist() != other["mengen"]["menge_t"].tolist()
    assert first["beschwerden"]["text"].tolist() != other["beschwerden"]["text"].tolist()
    assert len(first["gps"]) != len(other["gps"])


def test_default_sizes(data):
    assert len(data["touren"]) == 24
    assert len(data["mengen"]) == 24 * 6 + 2  # one ticket per run plus the two trap rows
    assert 80_000 <= len(data["gps"]) <= 150_000
    assert 60 <= len(data["beschwerden"]) <= 90
    assert len(data["loesung"]) == 5


@pytest.mark.parametrize(("n_tours", "weeks"), [(1, 1), (5, 1), (7, 2), (33, 3), (rt.MAX_TOURS, 1)])
def test_small_and_odd_sizes(n_tours, weeks):
    sample = rt.generate(n_tours, weeks, seed=2)
    touren = sample["touren"]
    assert len(touren) == n_tours
    assert touren["tour_id"].is_unique and touren["fahrzeug"].is_unique
    # Tours of the same district and fraction never run on the same weekday.
    assert not touren.duplicated(["bezirk", "fraktion", "wochentag"]).any()
    assert len(sample["loesung"]) == min(n_tours, max(5, round(n_tours * 5 / 24)))
    assert set(sample["loesung"]["tour_id"]) <= set(touren["tour_id"])
    assert len(sample["mengen"]) == n_tours * weeks + 2


def test_invalid_sizes_are_refused():
    for kwargs in ({"n_tours": 0}, {"n_tours": rt.MAX_TOURS + 1}, {"weeks": 0}, {"point_every_s": 0}):
        with pytest.raises(ValueError):
            rt.generate(**kwargs)


# --------------------------------------------------------------------------------------- the tables


def test_tour_plan(data):
    touren = data["touren"]
    assert touren["tour_id"].tolist() == [f"T{i:02d}" for i in range(1, 25)]
    assert set(touren["bezirk"]) == set(rt.DISTRICT_NAMES) and len(rt.DISTRICT_NAMES) == 8
    assert set(touren["fraktion"]) == set(rt.FRACTIONS)
    assert set(touren["wochentag"]) <= set(rt.WEEKDAYS)
    assert touren["fahrzeug"].str.fullmatch(r"MS-AW \d{4}").all() and touren["fahrzeug"].is_unique
    assert touren["behaelter_soll"].between(180, 450).all()
    assert not touren.duplicated(["bezirk", "fraktion"]).any()
    # Some district/fraction combinations have no tour (complaints there belong to no tour).
    assert len(touren) < len(rt.DISTRICT_NAMES) * len(rt.FRACTIONS)


def test_tickets_format(data):
    mengen = data["mengen"]
    valid = mengen[mengen["datum"] != rt.BAD_DATE.format(year=2025)]
    assert valid["datum"].str.fullmatch(r"\d{2}\.\d{2}\.\d{4}").all()
    days = pd.to_datetime(valid["datum"], format="%d.%m.%Y")
    assert days.min() >= pd.Timestamp("2025-03-03") and days.max() <= pd.Timestamp("2025-04-13")
    assert (mengen["menge_t"] == mengen["menge_t"].round(2)).all() and (mengen["menge_t"] > 0).all()
    assert (mengen["leerungen"] > 0).all()


def test_every_run_has_exactly_one_valid_ticket_on_its_weekday(data):
    runs = _runs(data)
    assert len(runs) == 24 * 6
    assert not runs.duplicated(["tour_id", "tag"]).any()
    weekday = runs["tag"].dt.day_of_week.map(dict(enumerate(rt.WEEKDAYS)))
    assert (weekday == runs["wochentag"]).all()


def test_gps_track(data):
    gps = data["gps"]
    assert gps["zeit"].str.fullmatch(r"2025-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}").all()
    assert set(gps["schuettung"]) == {0, 1}
    assert gps["lat"].between(51.90, 52.02).all() and gps["lon"].between(7.50, 7.74).all()
    assert (gps["lat"] == gps["lat"].round(5)).all()
    stamps = pd.to_datetime(gps["zeit"])
    same_run = (gps["fahrzeug"] == gps["fahrzeug"].shift()) & (stamps.dt.date == stamps.shift().dt.date)
    steps = stamps.diff().dt.total_seconds()[same_run]
    assert steps.between(10, 20).all()  # a point every 10–20 s
    assert (stamps.dt.hour.between(5, 13)).all()
    lifts = gps["schuettung"].sum()
    assert 2.0 <= (len(gps) - lifts) / lifts <= 3.0  # 2–3 points of driving per lift


def test_lifts_lie_in_their_district(data):
    gps = data["gps"].assign(tag=lambda f: f["zeit"].str[:10])
    lifts = gps[gps["schuettung"] == 1].merge(data["touren"], on="fahrzeug")
    for bezirk, group in lifts.groupby("bezirk"):
        (north, east), _streets = rt.DISTRICTS[bezirk]
        lat, lon = rt._to_latlon(north, east)
        assert (abs(group["lat"] - lat) < 0.65 * rt.KM_LAT).all(), bezirk  # ~1 km square
        assert (abs(group["lon"] - lon) < 0.65 * rt.KM_LON).all(), bezirk
        assert group["lat"].max() - group["lat"].min() > 0.8 * rt.KM_LAT


def test_complaints_format(data):
    beschwerden = data["beschwerden"]
    assert beschwerden["datum"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert beschwerden["datum"].is_monotonic_increasing
    assert set(beschwerden["bezirk"]) == set(rt.DISTRICT_NAMES)
    assert set(beschwerden["fraktion"]) == {*rt.FRACTIONS, ""}
    assert set(beschwerden["kategorie"]) == set(rt.CATEGORIES)
    texts = beschwerden["text"]
    assert not texts.str.contains(";").any()
    # Personal data on purpose: most texts name a person, an address or a phone number.
    named = texts.str.contains("|".join(re.escape(name) for name in rt.SURNAMES))
    assert named.mean() >= 0.5
    assert texts.str.contains(r"(?:Herr|Frau|Familie) [A-ZÄÖÜ]").sum() >= 5
    streets = "|".join(re.escape(street) for _centre, names in rt.DISTRICTS.values() for street in names)
    assert texts.str.contains(rf"(?:{streets}) \d+").mean() >= 0.4  # street and house number
    assert texts.str.contains(r"\+49 1\d\d|\b01\d\d \d{7}|\(?0251\)? \d").sum() >= 10


# ------------------------------------------------------------------------------------ the solution


def test_solution_names_real_tours_and_every_problem_kind(data):
    loesung, touren = data["loesung"], data["touren"]
    assert set(loesung["tour_id"]) <= set(touren["tour_id"])
    assert loesung["tour_id"].is_unique
    assert sorted(loesung["problem"]) == sorted(rt.PROBLEMS)
    assert (loesung["beschreibung"].str.len() > 40).all()
    # The problem tours are spread over different districts.
    assert touren.set_index("tour_id").loc[loesung["tour_id"], "bezirk"].is_unique


def test_bench_size_has_every_kind_and_real_tours():
    sample = rt.generate(60, 8, point_every_s=30)
    counts = Counter(sample["loesung"]["problem"])
    assert set(counts) == set(rt.PROBLEMS) and sum(counts.values()) == 12
    assert set(sample["loesung"]["tour_id"]) <= set(sample["touren"]["tour_id"])


def test_normal_tours_are_consistent(data):
    runs = _runs(data)
    normal = runs[~runs["tour_id"].isin(data["loesung"]["tour_id"])]
    assert len(normal) == 19 * 6
    assert normal["gps_leerungen"].notna().all()
    assert normal["meldung_zu_gps"].between(0.98, 1.03).all()
    assert normal["menge_zu_gps"].between(0.93, 1.07).all()
    assert normal["gps_zu_soll"].between(0.915, 1.0).all()
    # kg per lift characteristic per fraction
    per_fraction = (
        normal.groupby("fraktion")["menge_t"].sum() * 1000 / normal.groupby("fraktion")["gps_leerungen"].sum()
    )
    for fraktion, kg in per_fraction.items():
        assert kg == pytest.approx(rt.KG_PER_LIFT[fraktion], rel=0.02)


def test_menge_zu_hoch(data):
    runs = _runs(data)
    for tour_id in _problem_tours(data, rt.MENGE_ZU_HOCH):
        own = runs[runs["tour_id"] == tour_id]
        high = own["menge_zu_gps"].between(1.3, 1.7)
        assert high.sum() >= 4, tour_id  # most of 6 runs
        assert own.loc[~high, "menge_zu_gps"].between(0.93, 1.07).all()
        assert own["meldung_zu_gps"].between(0.98, 1.03).all()


def test_leerungen_zu_hoch(data):
    runs = _runs(data)
    for tour_id in _problem_tours(data, rt.LEERUNGEN_ZU_HOCH):
        own = runs[runs["tour_id"] == tour_id]
        high = own["meldung_zu_gps"] >= 1.18
        assert high.sum() >= 4, tour_id
        assert own["menge_zu_meldung"].between(0.93, 1.07).all()  # tonnage fits the reported lifts
        assert (own.loc[high, "menge_zu_gps"] > 1.1).all()
        assert own["gps_zu_soll"].between(0.915, 1.0).all()


def test_zu_wenig_leerungen_with_complaints(data):
    runs = _runs(data)
    per_run = _complaints_per_run(data)
    for tour_id in _problem_tours(data, rt.ZU_WENIG_LEERUNGEN):
        own = runs[runs["tour_id"] == tour_id]
        low = own["gps_zu_soll"].between(0.5, 0.7)
        assert low.sum() >= 4, tour_id
        assert own.loc[~low, "gps_zu_soll"].between(0.915, 1.0).all()
        assert own["meldung_zu_gps"].between(0.98, 1.03).all()
        assert own["menge_zu_gps"].between(0.93, 1.07).all()
        complaints = per_run[(per_run["tour_id"] == tour_id) & (per_run["kategorie"] == "nicht geleert")]
        assert set(complaints["tag"]) == set(own.loc[low, "tag"])
        assert complaints.groupby("tag").size().min() >= 2
        # The complaints name streets of the skipped last part of the route.
        row = data["touren"].set_index("tour_id").loc[tour_id]
        route = rt._route(row["bezirk"], rt.FRACTIONS.index(row["fraktion"]) % 2 == 1)
        skipped = route.streets[-2:]
        assert all(any(street in text for street in skipped) for text in complaints["text"])


def test_complaint_cluster_on_a_normal_tour(data):
    runs = _runs(data)
    per_run = _complaints_per_run(data)
    counts = per_run.dropna(subset=["tour_id"]).groupby("tour_id").size()
    clustered = _problem_tours(data, rt.BESCHWERDEN) + _problem_tours(data, rt.ZU_WENIG_LEERUNGEN)
    for tour_id in _problem_tours(data, rt.BESCHWERDEN):
        own = runs[runs["tour_id"] == tour_id]
        assert own["meldung_zu_gps"].between(0.98, 1.03).all()
        assert own["menge_zu_gps"].between(0.93, 1.07).all()
        assert own["gps_zu_soll"].between(0.915, 1.0).all()
        assert counts[tour_id] >= 6
        cluster = per_run[per_run["tour_id"] == tour_id]
        assert cluster["kategorie"].isin(["verspätet", "nicht geleert"]).mean() >= 0.8
        assert cluster["tag"].nunique() >= 3
    others = counts.drop(clustered, errors="ignore")
    assert others.max() <= 2  # noise: normal tours get 0–2 complaints each
    assert len(others) >= 3  # ... but not all of them none


def test_gps_ausfall(data):
    runs = _runs(data)
    missing = runs[runs["gps_leerungen"].isna()]
    tours = _problem_tours(data, rt.GPS_AUSFALL)
    assert set(missing["tour_id"]) == set(tours)
    for tour_id in tours:
        assert (missing["tour_id"] == tour_id).sum() == 2
        own = runs[runs["tour_id"] == tour_id].dropna(subset=["gps_leerungen"])
        assert own["menge_zu_gps"].between(0.93, 1.07).all()
        # Tickets exist for the days without GPS.
        assert runs.loc[runs["gps_leerungen"].isna(), "menge_t"].gt(0).all()


def test_solution_texts_agree_with_the_data(data):
    loesung = data["loesung"].set_index("tour_id")
    runs = _runs(data)
    for tour_id, row in loesung.iterrows():
        own = runs[runs["tour_id"] == tour_id]
        if row["problem"] == rt.GPS_AUSFALL:
            for day in own.loc[own["gps_leerungen"].isna(), "datum"]:
                assert day in row["beschreibung"]
        elif row["problem"] in (rt.MENGE_ZU_HOCH, rt.LEERUNGEN_ZU_HOCH, rt.ZU_WENIG_LEERUNGEN):
            assert "Betroffen: " in row["beschreibung"]
            named = re.findall(r"\d{2}\.\d{2}\.\d{4}", row["beschreibung"].split("Betroffen: ")[1])
            assert len(named) >= 4 and set(named) <= set(own["datum"])


# -------------------------------------------------------------------------------------------- traps


def test_tickets_with_unknown_tour_and_impossible_date(data):
    mengen, touren = data["mengen"], data["touren"]
    unknown = mengen[~mengen["tour_id"].isin(touren["tour_id"])]
    assert unknown["tour_id"].tolist() == [rt.UNKNOWN_TOUR]
    days = pd.to_datetime(mengen["datum"], format="%d.%m.%Y", errors="coerce")
    assert mengen.loc[days.isna(), "datum"].tolist() == ["31.02.2025"]
    # Both traps sit inside the table, not at its end.
    assert 0 < unknown.index[0] < len(mengen) - 1 and 0 < days.isna().idxmax() < len(mengen) - 1


def test_complaints_without_a_tour_run(data):
    per_run = _complaints_per_run(data)
    orphans = per_run[per_run["tour_id"].isna()]
    served = set(zip(data["touren"]["bezirk"], data["touren"]["fraktion"], strict=True))
    unserved = orphans[
        [
            (b, f) not in served and f != ""
            for b, f in zip(orphans["bezirk"], orphans["fraktion"], strict=True)
        ]
    ]
    outside = orphans[~orphans["tag"].between(pd.Timestamp("2025-03-03"), pd.Timestamp("2025-04-13"))]
    assert len(unserved) >= 2
    assert len(outside) >= 2


# ------------------------------------------------------------------------------------------- files


def test_committed_files_equal_a_fresh_generate(data):
    for name in NAMES:
        read = _read(name)
        frame = data[name]
        assert tuple(read.columns) == COLUMNS[name], name
        assert len(read) == len(frame), name
        for column in frame.columns:
            if column in FLOATS.get(name, []):
                expected = _text(frame[column], 2 if name == "mengen" else 5)
            else:
                expected = _text(frame[column])
            assert read[column].tolist() == expected, (name, column)


def test_write_sample_reproduces_the_committed_files(tmp_path):
    rt.write_sample(tmp_path)
    for file, _encoding in FILES.values():
        fresh, committed = ((folder / file).read_bytes() for folder in (tmp_path, FOLDER))
        # Line endings may be normalised by a git checkout; the content may not change.
        assert fresh.replace(b"\r\n", b"\n") == committed.replace(b"\r\n", b"\n"), file


def test_files_are_german_exports():
    touren = (FOLDER / rt.TOUR_FILE).read_bytes()
    assert touren.startswith(b"\xef\xbb\xbf") and "Restmüll".encode() in touren
    beschwerden = (FOLDER / rt.COMPLAINT_FILE).read_bytes()
    assert beschwerden.startswith(b"\xef\xbb\xbf")
    mengen = (FOLDER / rt.AMOUNT_FILE).read_bytes()
    assert not mengen.startswith(b"\xef\xbb\xbf")
    lines = mengen.decode("cp1252").splitlines()
    assert lines[0] == ";".join(rt.AMOUNT_COLUMNS)
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4};T\d{2};\d+,\d{2};\d+", lines[1])
    gps = (FOLDER / rt.GPS_FILE).read_bytes()
    assert not gps.startswith(b"\xef\xbb\xbf")
    lines = gps[:2000].decode("utf-8").splitlines()
    assert lines[0] == ";".join(rt.GPS_COLUMNS)
    assert re.fullmatch(r"MS-AW \d{4};\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d;51\.\d{5};7\.\d{5};[01]", lines[1])


def test_gps_file_is_small_enough():
    assert (FOLDER / rt.GPS_FILE).stat().st_size < 8_000_000


# ------------------------------------------------------------------------------------------- scale


def test_benchmark_size_is_fast():
    start = time.perf_counter()
    sample = rt.generate(**BENCH)
    elapsed = time.perf_counter() - start
    gps = sample["gps"]
    assert len(gps) >= 900_000
    assert elapsed < 15, f"{elapsed:.1f} s"  # a sanity bound, not a benchmark
    assert tuple(gps.columns) == rt.GPS_COLUMNS
    assert gps["zeit"].iloc[[0, -1]].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all()
    assert np.isin(gps["schuettung"].to_numpy(), [0, 1]).all()
    assert len(sample["mengen"]) == 60 * 8 + 2
