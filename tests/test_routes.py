"""The tour analysis on small built data: each planted problem alone, noise, broken inputs, findings."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.routes import RouteData, analyze, load_route_data

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


def build(problem: str | None = None, tour: str = "T3", seed: int = 1) -> RouteData:
    rng = np.random.default_rng(seed)
    fractions = list(KG)
    tours = pd.DataFrame(
        {
            "tour_id": [f"T{i}" for i in range(1, 17)],
            "bezirk": [DISTRICTS[i % 8] for i in range(16)],
            "fraktion": [
                fractions[(i + i // 8) % 4] for i in range(16)
            ],  # district + fraction unique per tour
            "fahrzeug": [f"MS-AW {1000 + i}" for i in range(16)],
            "behaelter_soll": [300 + 10 * i for i in range(16)],
        }
    )
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
