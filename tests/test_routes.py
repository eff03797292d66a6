"""The tour analysis on small built data: each planted problem alone, noise, broken inputs, findings."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.routes import COMPLAINT_DAYS, RouteData, analyze, attribute_complaints, load_route_data, runs

KG = {"Restmüll": 14.0, "Bioabfall": 18.0, "Papier": 9.0, "Leichtverpackungen": 5.0}
DISTRICTS = [
    "Altstadt",
    "Hafen",
    "Nordviertel",
    "Lindenhof",
    "Aaseestadt",
    "Westerholt",
    "Mühlenbach",
    "Kreuzberg-Süd",
]


def build(problem: str | None = None, tour: str = "T3", seed: int = 1, twin: str | None = None) -> RouteData:
    """Six weeks of 16 tours, tour i+1 running on weekday i % 5. District and fraction are unique per
    tour, unless `twin` names a tour that is given the district and fraction of `tour`."""
    rng = np.random.default_rng(seed)
    fractions = list(KG)
    tours = pd.DataFrame(
        {
            "tour_id": [f"T{i}" for i in range(1, 17)],
            "bezirk": [DISTRICTS[i % 8] for i in range(16)],
            "fraktion": [fractions[(i + i // 8) % 4] for i in range(16)],
            "fahrzeug": [f"MS-AW {1000 + i}" for i in range(16)],
            "behaelter_soll": [300 + 10 * i for i in range(16)],
        }
    )
    if twin is not None:
        own = tours["tour_id"] == tour
        tours.loc[tours["tour_id"] == twin, ["bezirk", "fraktion"]] = tours.loc[
            own, ["bezirk", "fraktion"]
        ].values
    amounts, gps, complaints = [], [], []
    start = dt.date(2025, 3, 3)
    for week in range(6):
        for i, row in tours.iterrows():
            day = start + dt.timedelta(days=7 * week + i % 5)
            lifts = int(row["behaelter_soll"] * rng.uniform(0.94, 0.99))
            if problem == "zu_wenig" and row["tour_id"] == tour:
                lifts = int(row["behaelter_soll"] * 0.6)
            reported_lifts = lifts + int(rng.integers(-2, 3))
            tonnes = lifts * KG[row["fraktion"]] / 1000 * rng.uniform(0.97, 1.03)
            if problem == "menge" and row["tour_id"] == tour:
                tonnes *= 1.45
            if problem == "leerungen" and row["tour_id"] == tour:
                reported_lifts = int(lifts * 1.3)
                tonnes = reported_lifts * KG[row["fraktion"]] / 1000
            amounts.append(
                {
                    "datum": day.isoformat(),
                    "tour_id": row["tour_id"],
                    "menge_t": round(tonnes, 2),
                    "leerungen": reported_lifts,
                }
            )
            if problem == "gps" and row["tour_id"] == tour and week in (1, 2):
                continue
            base = pd.Timestamp(day) + pd.Timedelta(hours=6)
            for k in range(lifts):
                gps.append(
                    {
                        "fahrzeug": row["fahrzeug"],
                        "zeit": base + pd.Timedelta(seconds=30 * k),
                        "lat": 51.96,
                        "lon": 7.62,
                        "schuettung": 1,
                    }
                )
                gps.append(
                    {
                        "fahrzeug": row["fahrzeug"],
                        "zeit": base + pd.Timedelta(seconds=30 * k + 15),
                        "lat": 51.96,
                        "lon": 7.62,
                        "schuettung": 0,
                    }
                )
            if problem in ("beschwerden", "zu_wenig") and row["tour_id"] == tour and week < 4:
                for _ in range(2):
                    complaints.append(
                        {
                            "datum": day + dt.timedelta(days=1),
                            "bezirk": row["bezirk"],
                            "fraktion": row["fraktion"],
                            "kategorie": "nicht geleert",
                            "text": "Frau Müller, Lindenweg 4: nicht geleert",
                        }
                    )
    for j in range(10):  # background noise complaints spread over tours
        row = tours.iloc[j % 16]
        complaints.append(
            {
                "datum": start + dt.timedelta(days=1 + j % 5),
                "bezirk": row["bezirk"],
                "fraktion": "",
                "kategorie": "Verschmutzung",
                "text": "Papier auf der Straße",
            }
        )
    gps_frame = pd.DataFrame(gps)
    return RouteData(
        tours,
        pd.DataFrame(amounts).assign(datum=lambda f: pd.to_datetime(f["datum"]).dt.date),
        gps_frame,
        pd.DataFrame(complaints),
        [],
    )


def flagged(result: pd.DataFrame) -> dict[str, str]:
    return dict(
        zip(result.loc[result["flagged"], "tour_id"], result.loc[result["flagged"], "reasons"], strict=True)
    )


def test_noise_alone_flags_nothing():
    for seed in range(1, 6):
        result = analyze(build(seed=seed))
        assert flagged(result) == {}, seed
        assert set(result.columns) >= {
            "tour_id",
            "flagged",
            "reasons",
            "complaints",
            "abweichung_menge_pct",
            "anteil_soll_pct",
        }


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("menge", "Gemeldete Menge weicht um +4"),
        ("leerungen", "Gemeldete Leerungen liegen +"),
        ("zu_wenig", "der geplanten Behälter geleert"),
        ("beschwerden", "Beschwerden zu dieser Tour"),
    ],
)
def test_each_planted_problem_alone(problem, words):
    result = analyze(build(problem))
    found = flagged(result)
    assert list(found) == ["T3"], found
    assert words in found["T3"]


def test_missing_gps_is_a_finding_not_an_anomaly():
    result = analyze(build("gps"))
    assert flagged(result) == {}
    findings = result.attrs["findings"]
    assert sum("Tour T3: Für den Lauf am" in f for f in findings) == 2
    assert int(result.loc[result["tour_id"] == "T3", "laeufe_ohne_gps"].iloc[0]) == 2


def test_files_with_problems_load_with_findings(tmp_path):
    data = build()
    (tmp_path / "touren.csv").write_text(data.tours.to_csv(sep=";", index=False), encoding="utf-8-sig")
    amounts = data.amounts.copy()
    amounts["datum"] = [d.strftime("%d.%m.%Y") for d in amounts["datum"]]
    amounts["menge_t"] = amounts["menge_t"].map(lambda v: f"{v:.2f}".replace(".", ","))
    amounts.loc[len(amounts)] = ["31.02.2025", "T1", "1,00", 10]
    amounts.loc[len(amounts)] = ["04.03.2025", "T99", "1,00", 10]
    (tmp_path / "mengen.csv").write_bytes(amounts.to_csv(sep=";", index=False).encode("cp1252"))
    gps = data.gps.assign(zeit=data.gps["zeit"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    (tmp_path / "gps.csv").write_text(gps.to_csv(sep=";", index=False), encoding="utf-8")
    (tmp_path / "beschwerden.csv").write_text(
        data.complaints.to_csv(sep=";", index=False), encoding="utf-8-sig"
    )
    loaded = load_route_data(tmp_path)
    assert any("unlesbarem Datum" in f and "31.02.2025" in f for f in loaded.findings)
    assert any("T99" in f for f in loaded.findings)
    assert loaded.amounts["menge_t"].dtype == float
    assert flagged(analyze(loaded)) == {}


def test_gps_times_with_offsets_and_numeric_vehicle_numbers():
    """Offsets that change with summer time within one export give the local times as written; a
    vehicle column of digits keeps its leading zero; an unreadable time is a finding."""
    files = {
        "touren.csv": b"tour_id;bezirk;fraktion;fahrzeug;behaelter_soll\nT1;Hafen;Papier;0123;2\n",
        "mengen.csv": b"datum;tour_id;menge_t;leerungen\n28.03.2025;T1;0,02;2\n31.03.2025;T1;0,02;2\n",
        "gps.csv": (
            b"fahrzeug;zeit;lat;lon;schuettung\n"
            b"0123;2025-03-28T23:30:00+01:00;51.9;7.6;1\n"
            b"0123;2025-03-28T23:40:00+01:00;51.9;7.6;1\n"
            b"0123;2025-03-31T00:10:00+02:00;51.9;7.6;1\n"
            b"0123;2025-03-31T06:00:00+02:00;51.9;7.6;1\n"
            b"0123;31.03.2025 kaputt;51.9;7.6;1\n"
        ),
        "beschwerden.csv": b"datum;bezirk;fraktion;kategorie;text\n2025-03-31;Hafen;;Sonstiges;x\n",
    }
    data = load_route_data(files)
    assert data.gps["fahrzeug"].tolist() == ["0123"] * 4
    assert data.gps["zeit"].dt.strftime("%d.%m. %H:%M").tolist() == [
        "28.03. 23:30",
        "28.03. 23:40",
        "31.03. 00:10",
        "31.03. 06:00",
    ]
    assert any("1 Punkt(e) ohne lesbare Zeit" in f for f in data.findings)
    table, findings = runs(data)
    assert table["leerungen_gps"].tolist() == [2, 2] and findings == []


@pytest.mark.parametrize("dtype", ["str", object])
def test_gps_times_read_the_same_on_every_path(dtype):
    """Plain local times take a fast path (Arrow's cast for Arrow-backed text, numpy's parser for
    Python strings); offsets, fractions and unreadable values end in pandas' parser."""
    from workbench.routes import _parse_times

    plain = pd.Series(["2025-03-03T06:12:18", "2025-03-03 06:12:19", None], dtype=dtype)
    assert _parse_times(plain).tolist() == [
        pd.Timestamp("2025-03-03 06:12:18"),
        pd.Timestamp("2025-03-03 06:12:19"),
        pd.NaT,
    ]
    mixed = pd.Series(
        [
            "2025-03-29T06:00:00+01:00",
            "2025-03-31T06:00:00.5+02:00",
            "2025-03-31T07:00Z",
            "2025-04-01",
            "kaputt",
        ],
        dtype=dtype,
    )
    assert _parse_times(mixed).tolist() == [
        pd.Timestamp("2025-03-29 06:00:00"),
        pd.Timestamp("2025-03-31 06:00:00.5"),
        pd.Timestamp("2025-03-31 07:00:00"),
        pd.Timestamp("2025-04-01 00:00:00"),  # a date alone keeps its day (no offset to cut)
        pd.NaT,
    ]


def test_missing_file_and_column(tmp_path):
    with pytest.raises(WorkbenchError, match="Es fehlen Dateien"):
        load_route_data(tmp_path)
    files = {
        "touren.csv": b"tour_id;bezirk\nT1;Altstadt\n",
        "mengen.csv": b"datum;tour_id;menge_t;leerungen\n2025-03-03;T1;1,0;10\n",
        "gps.csv": b"fahrzeug;zeit;lat;lon;schuettung\nA;2025-03-03T06:00:00;51.9;7.6;1\n",
        "beschwerden.csv": b"datum;bezirk;fraktion;kategorie;text\n2025-03-03;Altstadt;;Sonstiges;x\n",
    }
    with pytest.raises(WorkbenchError) as info:
        load_route_data(files)
    assert "touren.csv" in info.value.user_message and "fraktion" in info.value.user_message


def test_sample_data_flags_every_planted_problem_and_nothing_else():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "sample_data" / "abfalltouren"
    truth = pd.read_csv(folder / "loesung.csv", sep=";")
    result = analyze(load_route_data(folder))
    found = flagged(result)
    expected_words = {
        "menge_zu_hoch": "Gemeldete Menge weicht",
        "leerungen_zu_hoch": "Gemeldete Leerungen liegen",
        "zu_wenig_leerungen": "der geplanten Behälter geleert",
        "beschwerden": "Beschwerden zu dieser Tour",
    }
    anomalies = truth[truth["problem"].isin(expected_words)]
    assert set(found) == set(anomalies["tour_id"])
    for tour, problem in zip(anomalies["tour_id"], anomalies["problem"], strict=True):
        assert expected_words[problem] in found[tour]
    for tour in truth.loc[truth["problem"] == "gps_ausfall", "tour_id"]:
        assert tour not in found
        assert any(f"Tour {tour}: Für den Lauf" in f for f in result.attrs["findings"])


# ------------------------------------------------------------------------- complaints to tour runs


def test_a_complaint_cluster_flags_the_tour_that_ran_not_its_sibling():
    """T3 (Wednesdays) gets complaints on the Thursdays after its runs; T12 collects the same district
    and fraction on Tuesdays, two days before them. The nearest run is T3's: T12 stays clean."""
    data = build("beschwerden", twin="T12")
    tours = data.tours.set_index("tour_id")
    assert tuple(tours.loc["T12", ["bezirk", "fraktion"]]) == tuple(tours.loc["T3", ["bezirk", "fraktion"]])
    result = analyze(data)
    assert list(flagged(result)) == ["T3"]
    counts = result.set_index("tour_id")["complaints"]
    assert counts["T3"] >= 8 and counts["T12"] == 0
    # The chart of the most complaints names the tour that ran.
    assert result.sort_values("complaints", ascending=False)["tour_id"].iloc[0] == "T3"


RUNS = pd.DataFrame(
    [
        ("A", "Hafen", "Papier", dt.date(2025, 3, 3)),  # Monday
        ("B", "Hafen", "Papier", dt.date(2025, 3, 4)),  # Tuesday: same district and fraction
        ("C", "Hafen", "Restmüll", dt.date(2025, 3, 6)),  # Thursday
        ("D", "Hafen", "Bioabfall", dt.date(2025, 3, 6)),  # Thursday too
        ("E", "Altstadt", "Papier", dt.date(2025, 3, 5)),
    ],
    columns=["tour_id", "bezirk", "fraktion", "datum"],
)


def attribute(*complaints: tuple[str, str, str, str]) -> pd.DataFrame:
    """Complaints as (date, district, fraction, text) attributed to RUNS."""
    frame = pd.DataFrame(
        [
            (dt.date.fromisoformat(day), district, fraction, "Sonstiges", text)
            for day, district, fraction, text in complaints
        ],
        columns=["datum", "bezirk", "fraktion", "kategorie", "text"],
    )
    attributed, unattributed = attribute_complaints(
        RouteData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), frame, []), RUNS
    )
    assert unattributed == int(attributed["tour_id"].isna().sum())
    return attributed


def tours_of(attributed: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(t) else t for t in attributed["tour_id"]]


def test_a_complaint_goes_to_the_nearest_preceding_run():
    attributed = attribute(
        ("2025-03-03", "Hafen", "Papier", "nicht geleert"),  # A's day: A
        ("2025-03-04", "Hafen", "Papier", "nicht geleert"),  # B's day: B, not A of the day before
        ("2025-03-05", "Hafen", "Papier", "nicht geleert"),  # a day after B, two after A: B
        ("2025-03-06", "Hafen", " Papier ", "nicht geleert"),  # two days after B: still B
    )
    assert tours_of(attributed) == ["A", "B", "B", "B"]
    assert attributed["lauf_datum"].tolist() == [dt.date(2025, 3, 3)] + [dt.date(2025, 3, 4)] * 3


def test_outside_the_window_or_elsewhere_a_complaint_stays_unattributed():
    attributed = attribute(
        ("2025-03-07", "Hafen", "Papier", "nicht geleert"),  # three days after B
        ("2025-03-02", "Hafen", "Papier", "nicht geleert"),  # before any run
        ("2025-03-05", "Hafen", "Leichtverpackungen", "nicht geleert"),  # no such tour
        ("2025-03-05", "Nordviertel", "Papier", "nicht geleert"),  # no tour in the district
    )
    assert tours_of(attributed) == [None, None, None, None]
    assert not attributed["mehrdeutig"].any()


@pytest.mark.parametrize(
    ("day", "text", "tour"),
    [
        ("2025-03-05", "Tonne am 03.03. nicht geleert", "A"),  # B is nearer, the text names A's day
        ("2025-03-05", "Die Papiertonne wurde am 3.3.2025 vergessen.", "A"),
        ("2025-03-05", "Am Montag, 03.03. kam niemand", "A"),
        ("2025-03-05", "Leerung vom 04.03.25 unvollständig", "B"),
        ("2025-03-12", "Tonne am 03.03. nicht geleert", "A"),  # a named run also counts after the window
        ("2025-03-05", "Tonne am 02.03. nicht geleert", "B"),  # no run that day: the nearest run
        ("2025-03-05", "Tonne am 31.02. nicht geleert", "B"),  # no such date
        ("2025-03-05", "Bitte am 10.03. abholen", "B"),  # a later date is no collection date
        ("2025-03-05", "Haus Nr. 3.3 am Eck, Tel. 0251 03.03", "B"),  # no "am/vom" with a date
    ],
)
def test_a_collection_date_named_in_the_text_decides(day, text, tour):
    assert tours_of(attribute((day, "Hafen", "Papier", text))) == [tour]


def test_a_date_without_year_is_the_latest_one_before_the_complaint():
    runs = pd.DataFrame(
        [("A", "Hafen", "Papier", dt.date(2024, 12, 30)), ("B", "Hafen", "Papier", dt.date(2025, 1, 2))],
        columns=["tour_id", "bezirk", "fraktion", "datum"],
    )
    complaints = pd.DataFrame(
        {
            "datum": [dt.date(2025, 1, 3)],
            "bezirk": ["Hafen"],
            "fraktion": ["Papier"],
            "kategorie": ["nicht geleert"],
            "text": ["Tonne am 30.12. nicht geleert"],
        }
    )
    attributed, _ = attribute_complaints(
        RouteData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), complaints, []), runs
    )
    assert tours_of(attributed) == ["A"] and attributed["lauf_datum"].tolist() == [dt.date(2024, 12, 30)]


def test_an_empty_fraction_matches_any_fraction_of_the_district():
    attributed = attribute(
        ("2025-03-05", "Hafen", "", "Müll liegt auf der Straße"),  # nearest Hafen run: B (Tuesday)
        ("2025-03-05", "Altstadt", "", "Müll liegt auf der Straße"),  # E
        ("2025-03-07", "Hafen", "", "Müll liegt auf der Straße"),  # C and D on Thursday: ambiguous
        ("2025-03-07", "Hafen", "", "Tonne am 04.03. nicht geleert"),  # the named day has one run: B
        ("2025-03-07", "Hafen", "Restmüll", "nicht geleert"),  # with a fraction: C
    )
    attributed["fraktion"] = attributed["fraktion"].astype(object)
    assert tours_of(attributed) == ["B", "E", None, "B", "C"]
    assert attributed["mehrdeutig"].tolist() == [False, False, True, False, False]


def test_ambiguous_complaints_are_named_in_the_findings():
    """T1's truck also collects Bioabfall in its district on the same days (tour T99): the noise
    complaint without fraction on the Tuesday after and a new one on the Monday fit both tours."""
    data = build()
    twin = data.tours.loc[0].copy()
    twin[["tour_id", "fraktion"]] = ["T99", "Bioabfall"]
    t1_runs = data.amounts[data.amounts["tour_id"] == "T1"]
    extra = pd.DataFrame(
        {
            "datum": [dt.date(2025, 3, 3)],
            "bezirk": [twin["bezirk"]],
            "fraktion": [""],
            "kategorie": ["Sonstiges"],
            "text": ["Müll auf dem Gehweg"],
        }
    )
    data = RouteData(
        pd.concat([data.tours, twin.to_frame().T], ignore_index=True),
        pd.concat([data.amounts, t1_runs.assign(tour_id="T99")], ignore_index=True),
        data.gps,
        pd.concat([data.complaints, extra], ignore_index=True),
        [],
    )
    findings = analyze(data).attrs["findings"]
    assert any(
        "davon 2 ohne eindeutige Tour (mehrere Touren des Bezirks am selben Tag)" in f for f in findings
    )


def reference_attribution(
    complaints: pd.DataFrame, run_table: pd.DataFrame
) -> list[tuple[str | None, dt.date | None]]:
    """The rule written out complaint by complaint: (tour, run date) or (None, None)."""
    runs = list(
        zip(run_table["tour_id"], run_table["bezirk"], run_table["fraktion"], run_table["datum"], strict=True)
    )
    out: list[tuple[str | None, dt.date | None]] = []
    for day, district, fraction, text in zip(
        complaints["datum"], complaints["bezirk"], complaints["fraktion"], complaints["text"], strict=True
    ):
        fraction = "" if pd.isna(fraction) else str(fraction).strip()
        matching = [(t, d) for t, b, f, d in runs if b == district and (not fraction or f == fraction)]
        named = re.search(r"\bam (\d{1,2})\.(\d{1,2})\.(\d{4})?", str(text))
        if named:
            year = int(named.group(3)) if named.group(3) else day.year
            stated = dt.date(year, int(named.group(2)), int(named.group(1)))
            if stated > day and not named.group(3):
                stated = stated.replace(year=year - 1)
            if stated <= day:
                that_day = {t for t, d in matching if d == stated}
                if that_day:
                    out.append((that_day.pop(), stated) if len(that_day) == 1 else (None, None))
                    continue
        earlier = [(t, d) for t, d in matching if 0 <= (day - d).days <= COMPLAINT_DAYS]
        if not earlier:
            out.append((None, None))
            continue
        latest = max(d for _, d in earlier)
        tours = {t for t, d in earlier if d == latest}
        out.append((tours.pop(), latest) if len(tours) == 1 else (None, None))
    return out


def with_named_dates(complaints: pd.DataFrame, run_table: pd.DataFrame) -> pd.DataFrame:
    """The complaints plus 40 made from runs: 0–5 days after the run, a third without fraction, all
    naming a date 0, 7 or 14 days before the run in the text (with and without year)."""
    picked = run_table.sample(n=min(40, len(run_table)), random_state=7)
    rows = []
    for k, (run_day, district, fraction) in enumerate(
        zip(picked["datum"], picked["bezirk"], picked["fraktion"], strict=True)
    ):
        named = run_day - dt.timedelta(days=7 * (k % 3))
        text = (
            f"Tonne am {named:%d.%m.} nicht geleert"
            if k % 2
            else f"Die Tonne wurde am {named:%d.%m.%Y} vergessen."
        )
        rows.append(
            (
                run_day + dt.timedelta(days=k % 6),
                district,
                "" if k % 3 == 0 else fraction,
                "nicht geleert",
                text,
            )
        )
    return pd.concat([complaints, pd.DataFrame(rows, columns=complaints.columns)], ignore_index=True)


@pytest.mark.parametrize("size", ["sample", "many_tours_per_district"])
def test_vectorised_attribution_equals_the_rule_written_out(size):
    from pathlib import Path

    from sample_data.routes import generate

    if size == "sample":
        data = load_route_data(Path(__file__).resolve().parent.parent / "sample_data" / "abfalltouren")
        run_table, _ = runs(data)
    else:  # 132 tours: up to five tours per district and fraction, several fractions a day
        tables = generate(132, 3, seed=3, point_every_s=600)
        tickets = tables["mengen"].assign(
            datum=pd.to_datetime(tables["mengen"]["datum"], format="%d.%m.%Y", errors="coerce").dt.date
        )
        run_table = tickets.dropna(subset=["datum"]).merge(tables["touren"], on="tour_id")
        complaints = tables["beschwerden"].assign(
            datum=pd.to_datetime(tables["beschwerden"]["datum"]).dt.date
        )
        data = RouteData(tables["touren"], tickets, pd.DataFrame(), complaints, [])
    data.complaints = with_named_dates(data.complaints, run_table)
    attributed, unattributed = attribute_complaints(data, run_table)
    expected = reference_attribution(data.complaints, run_table)
    got = [
        (None, None) if pd.isna(t) else (t, d)
        for t, d in zip(attributed["tour_id"], attributed["lauf_datum"], strict=True)
    ]
    assert got == expected
    assert unattributed == sum(t is None for t, _ in expected)
    assert 0 < unattributed < len(expected)
