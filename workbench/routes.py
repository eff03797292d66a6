"""Waste-collection tours: loading the four sources, checking tonnage against GPS, finding anomalies.

Pure pandas, no model. The checks learn what is normal from the data itself: kg per lift per waste
fraction (median over all runs) and the spread of deviations (median absolute deviation), so a few
percent of noise never flags a tour. Data problems (unknown tour ids, vehicles without GPS on a tour
day, unreadable dates, complaints that fit no tour) are collected as findings, never raised.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.tables import load_table

FILES = {
    "touren": ("touren.csv", ["tour_id", "bezirk", "fraktion", "fahrzeug", "behaelter_soll"]),
    "mengen": ("mengen.csv", ["datum", "tour_id", "menge_t", "leerungen"]),
    "gps": ("gps.csv", ["fahrzeug", "zeit", "lat", "lon", "schuettung"]),
    "beschwerden": ("beschwerden.csv", ["datum", "bezirk", "fraktion", "kategorie", "text"]),
}
COMPLAINT_DAYS = 2  # complaints up to two days after a run count for it
# A collection date named in a complaint text: "am 11.09.", "am 11.09.2024", "vom 3.3.25",
# "am Mittwoch, 11.09."; without a year it is the latest such date not after the complaint.
DATE_IN_TEXT = re.compile(
    r"\b(?:am|vom)\s+(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag),?\s+(?:den\s+)?)?"
    r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})(?:\.(?P<year>\d{4}|\d{2})?)?(?!\d)",
    re.IGNORECASE,
)


@dataclass
class RouteData:
    tours: pd.DataFrame
    amounts: pd.DataFrame
    gps: pd.DataFrame
    complaints: pd.DataFrame
    findings: list[str] = field(default_factory=list)


def _parse_dates(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    german = pd.to_datetime(text, format="%d.%m.%Y", errors="coerce")
    return iso.fillna(german).dt.date


def _numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.astype(str).str.strip().str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    plain = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    return plain.fillna(pd.to_numeric(text, errors="coerce"))


def _read(name: str, data: bytes, columns: list[str]) -> pd.DataFrame:
    frame = _read_gps(data) if name == "gps.csv" and data else load_table(name, data, max_mb=500).frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise WorkbenchError(
            f"In „{name}“ fehlen die Spalten: {', '.join(missing)}.",
            "Vergleichen Sie die Kopfzeile mit der Vorlage (README, Abschnitt Abfalltouren) und laden Sie die Datei erneut.",
        )
    return frame


def _read_gps(data: bytes) -> pd.DataFrame:
    """GPS exports are large: read them with pandas' C parser instead of the general table loader."""
    head = data[:4096].decode("utf-8", errors="replace")
    separator = ";" if head.count(";") >= head.count(",") else ","
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return pd.read_csv(
            io.BytesIO(data), sep=separator, encoding=encoding, dtype={"fahrzeug": str, "zeit": str}
        )
    except UnicodeDecodeError:
        return pd.read_csv(
            io.BytesIO(data), sep=separator, encoding="cp1252", dtype={"fahrzeug": str, "zeit": str}
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise WorkbenchError(
            f"„gps.csv“ lässt sich nicht lesen ({exc}).", "Prüfen Sie das Trennzeichen und die Kopfzeile."
        ) from exc


def load_route_data(source: Path | str | dict[str, bytes]) -> RouteData:
    """Read the four files from a folder, or from uploaded files given as {file name: bytes}."""
    if isinstance(source, dict):
        files = {name.lower(): data for name, data in source.items()}
    else:
        folder = Path(source)
        files = {}
        for file_name, _ in FILES.values():
            path = folder / file_name
            if path.is_file():
                files[file_name] = path.read_bytes()
    missing = [file_name for file_name, _ in FILES.values() if file_name not in files]
    if missing:
        raise WorkbenchError(
            f"Es fehlen Dateien: {', '.join(missing)}.",
            "Benötigt werden touren.csv, mengen.csv, gps.csv und beschwerden.csv (Vorlage im README).",
        )
    frames = {key: _read(file_name, files[file_name], columns) for key, (file_name, columns) in FILES.items()}
    findings: list[str] = []

    tours = frames["touren"].copy()
    tours["tour_id"] = tours["tour_id"].astype(str).str.strip()
    tours["behaelter_soll"] = _numbers(tours["behaelter_soll"])

    amounts = frames["mengen"].copy()
    amounts["tour_id"] = amounts["tour_id"].astype(str).str.strip()
    raw_dates = amounts["datum"].astype(str)
    amounts["datum"] = _parse_dates(amounts["datum"])
    bad = amounts["datum"].isna()
    if bad.any():
        examples = ", ".join(f"„{d}“" for d in raw_dates[bad].head(3))
        findings.append(
            f"mengen.csv: {int(bad.sum())} Zeile(n) mit unlesbarem Datum ({examples}) wurden übersprungen."
        )
    amounts = amounts[~bad]
    amounts["menge_t"] = _numbers(amounts["menge_t"])
    amounts["leerungen"] = _numbers(amounts["leerungen"])
    unknown = ~amounts["tour_id"].isin(tours["tour_id"])
    if unknown.any():
        names = ", ".join(sorted(set(amounts.loc[unknown, "tour_id"])))
        findings.append(
            f"mengen.csv: {int(unknown.sum())} Zeile(n) mit unbekannter Tour ({names}) wurden nicht ausgewertet."
        )
    amounts = amounts[~unknown]

    gps = frames["gps"]
    gps = pd.DataFrame(
        {
            "fahrzeug": gps["fahrzeug"].astype(str).str.strip(),
            "zeit": pd.to_datetime(gps["zeit"], errors="coerce", format="ISO8601"),
            "lat": _numbers(gps["lat"]),
            "lon": _numbers(gps["lon"]),
            "schuettung": _numbers(gps["schuettung"]).fillna(0).astype(int),
        }
    )
    bad_time = gps["zeit"].isna()
    if bad_time.any():
        findings.append(f"gps.csv: {int(bad_time.sum())} Punkt(e) ohne lesbare Zeit wurden übersprungen.")
        gps = gps[~bad_time]

    complaints = frames["beschwerden"].copy()
    complaints["datum"] = _parse_dates(complaints["datum"])
    bad = complaints["datum"].isna()
    if bad.any():
        findings.append(
            f"beschwerden.csv: {int(bad.sum())} Beschwerde(n) ohne lesbares Datum wurden übersprungen."
        )
    complaints = complaints[~bad]
    return RouteData(
        tours,
        amounts.reset_index(drop=True),
        gps.reset_index(drop=True),
        complaints.reset_index(drop=True),
        findings,
    )


def _mad(values: pd.Series) -> float:
    values = values.dropna()
    if values.empty:
        return 0.0
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def runs(data: RouteData) -> tuple[pd.DataFrame, list[str]]:
    """One row per tour run with reported and GPS figures; plus the data findings of the join."""
    findings: list[str] = []
    gps = data.gps
    day = gps["zeit"].dt.date
    lifts = gps[gps["schuettung"] == 1].groupby([gps["fahrzeug"], day]).size().rename("leerungen_gps")
    points = gps.groupby([gps["fahrzeug"], day]).size().rename("gps_punkte")
    table = data.amounts.merge(data.tours, on="tour_id", how="inner")
    table = table.join(points, on=["fahrzeug", "datum"]).join(lifts, on=["fahrzeug", "datum"])
    table["gps_punkte"] = table["gps_punkte"].fillna(0).astype(int)
    table["leerungen_gps"] = table["leerungen_gps"].fillna(0).astype(int)
    no_gps = table["gps_punkte"] == 0
    for _, row in table[no_gps].iterrows():
        # no plate in the text: findings also go to the model, and plates count as personal data
        findings.append(
            f"Tour {row['tour_id']}: Für den Lauf am {row['datum']:%d.%m.%Y} fehlen die GPS-Daten des Fahrzeugs; "
            "dieser Lauf fehlt im Mengenabgleich."
        )
    table["gps_vorhanden"] = ~no_gps
    covered = table[table["gps_vorhanden"] & (table["leerungen_gps"] > 0)]
    kg_per_lift = (covered["menge_t"] * 1000 / covered["leerungen_gps"]).groupby(covered["fraktion"]).median()
    table["kg_je_leerung"] = table["fraktion"].map(kg_per_lift)
    table["menge_gps_t"] = np.where(
        table["gps_vorhanden"], table["leerungen_gps"] * table["kg_je_leerung"] / 1000, np.nan
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        table["abweichung_menge_pct"] = 100 * (table["menge_t"] - table["menge_gps_t"]) / table["menge_gps_t"]
        table["abweichung_leerungen_pct"] = np.where(
            table["gps_vorhanden"] & (table["leerungen_gps"] > 0),
            100 * (table["leerungen"] - table["leerungen_gps"]) / table["leerungen_gps"],
            np.nan,
        )
        table["anteil_soll_pct"] = np.where(
            table["gps_vorhanden"], 100 * table["leerungen_gps"] / table["behaelter_soll"], np.nan
        )
    return table.sort_values(["tour_id", "datum"]).reset_index(drop=True), findings


def _stated_dates(texts: pd.Series, received: pd.Series) -> pd.Series:
    """The collection date a complaint text names ("am 11.09.", "am 11.09.2024"), else NaT.

    Without a year it is the latest such date not after the complaint; a named date after the complaint
    or an impossible one ("am 31.02.") counts as none."""
    parts = texts.fillna("").astype(str).str.extract(DATE_IN_TEXT)
    received_year = received.dt.year
    year = pd.to_numeric(parts["year"], errors="coerce")
    year = year.where(year >= 100, year + 2000)
    named = pd.DataFrame(
        {
            "year": year.fillna(received_year),
            "month": pd.to_numeric(parts["month"], errors="coerce"),
            "day": pd.to_numeric(parts["day"], errors="coerce"),
        }
    )
    stated = pd.to_datetime(named, errors="coerce")
    last_year = pd.to_datetime(named.assign(year=named["year"] - 1), errors="coerce")
    without_year = year.isna()
    stated = stated.where(~(without_year & (stated > received)), last_year)
    return stated.where(stated <= received)


def attribute_complaints(data: RouteData, run_table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Each complaint goes to one run of its district and fraction (an empty fraction: any fraction).

    The run is the one on the collection date the text names ("Tonne am 11.09. nicht geleert"), if the
    district and fraction had a run that day; otherwise the latest run on or before the complaint date,
    at most COMPLAINT_DAYS earlier. Where that day has runs of several tours (a complaint without
    fraction in a district with several collections that day), the complaint is ambiguous and stays
    unattributed rather than being counted for an arbitrary tour.

    Returns the complaints with `tour_id`, `lauf_datum` (the run's date) and `mehrdeutig`, and the number
    of complaints without a tour."""
    complaints = data.complaints.copy()
    complaints["fraktion"] = complaints["fraktion"].fillna("").astype(str).str.strip()
    received = pd.to_datetime(complaints["datum"], errors="coerce")
    texts = complaints["text"] if "text" in complaints else pd.Series("", index=complaints.index)
    labels = {"bezirk": str, "fraktion": str}  # one dtype on both sides, also for empty tables
    key = pd.DataFrame(
        {
            "bezirk": complaints["bezirk"].astype(str).str.strip().to_numpy(),
            "fraktion": complaints["fraktion"].to_numpy(),
            "tag": received.to_numpy(dtype="datetime64[ns]"),
            "genannt": _stated_dates(texts, received).to_numpy(dtype="datetime64[ns]"),
            "zeile": np.arange(len(complaints)),
        }
    ).astype(labels)
    own = (
        pd.DataFrame(
            {
                "bezirk": run_table["bezirk"].astype(str).str.strip().to_numpy(),
                "fraktion": run_table["fraktion"].fillna("").astype(str).str.strip().to_numpy(),
                "lauf": pd.to_datetime(run_table["datum"]).to_numpy(dtype="datetime64[ns]"),
                "tour_id": run_table["tour_id"].to_numpy(dtype=object),
            }
        )
        .astype(labels)
        .dropna(subset=["lauf"])
    )
    # One row per (district, fraction, day); fraction "" stands for any fraction of the district. A day
    # with runs of several tours keeps no tour: which of them is meant cannot be told.
    any_fraction = own.assign(fraktion="").astype(labels)
    candidates = pd.concat([own, any_fraction], ignore_index=True).drop_duplicates()
    tours_that_day = candidates.groupby(["bezirk", "fraktion", "lauf"])["tour_id"].transform("size")
    lookup = (
        candidates.assign(mehrdeutig=tours_that_day > 1)
        .drop_duplicates(["bezirk", "fraktion", "lauf"])
        .sort_values("lauf", kind="stable")
    )
    lookup["tour_id"] = lookup["tour_id"].where(~lookup["mehrdeutig"])

    nearest = pd.merge_asof(
        key.dropna(subset=["tag"]).sort_values("tag", kind="stable"),
        lookup,
        left_on="tag",
        right_on="lauf",
        by=["bezirk", "fraktion"],
        direction="backward",
        tolerance=pd.Timedelta(days=COMPLAINT_DAYS),
    ).set_index("zeile")
    nearest = nearest.reindex(key["zeile"])
    named = (
        key.dropna(subset=["genannt"])
        .merge(lookup, left_on=["bezirk", "fraktion", "genannt"], right_on=["bezirk", "fraktion", "lauf"])
        .set_index("zeile")
    )
    chosen = nearest[["tour_id", "lauf", "mehrdeutig"]].copy()
    chosen.loc[named.index, ["tour_id", "lauf", "mehrdeutig"]] = named[["tour_id", "lauf", "mehrdeutig"]]

    complaints["tour_id"] = chosen["tour_id"].to_numpy(dtype=object)
    complaints["lauf_datum"] = pd.Series(
        chosen["lauf"].where(chosen["tour_id"].notna()).to_numpy(), index=complaints.index
    ).dt.date
    complaints["mehrdeutig"] = chosen["mehrdeutig"].fillna(False).to_numpy(dtype=bool)
    unattributed = int(complaints["tour_id"].isna().sum())
    return complaints, unattributed


def analyze(data: RouteData) -> pd.DataFrame:
    """One row per tour: flagged, German reasons, complaints and the figures behind them."""
    run_table, join_findings = runs(data)
    complaints, unattributed = attribute_complaints(data, run_table)
    findings = [*data.findings, *join_findings]
    if unattributed:
        ambiguous = int(complaints["mehrdeutig"].sum())
        detail = (
            f", davon {ambiguous} ohne eindeutige Tour (mehrere Touren des Bezirks am selben Tag)"
            if ambiguous
            else ""
        )
        findings.append(
            f"beschwerden.csv: {unattributed} Beschwerde(n) ließen sich keiner Tour zuordnen (Bezirk, Fraktion, Datum){detail}."
        )

    covered = run_table[run_table["gps_vorhanden"]]
    # What is normal is learnt from all runs: centre and spread of each deviation.
    tonnage_limit = max(15.0, 4 * _mad(covered["abweichung_menge_pct"]))
    lifts_limit = max(10.0, 4 * _mad(covered["abweichung_leerungen_pct"]))
    share_median = float(covered["anteil_soll_pct"].median()) if len(covered) else 100.0
    share_limit = max(15.0, 4 * _mad(covered["anteil_soll_pct"]))
    counts = complaints.dropna(subset=["tour_id"]).groupby("tour_id").size()
    per_tour = counts.reindex(data.tours["tour_id"], fill_value=0)
    complaint_limit = max(4.0, float(per_tour.median()) + 4 * max(1.0, _mad(per_tour.astype(float))))

    rows = []
    for tour in data.tours.itertuples(index=False):
        own = run_table[run_table["tour_id"] == tour.tour_id]
        with_gps = own[own["gps_vorhanden"]]
        reasons = []
        tonnage = with_gps["abweichung_menge_pct"]
        if len(with_gps) >= 2 and (tonnage.abs() > tonnage_limit).mean() >= 0.5:
            reasons.append(
                f"Gemeldete Menge weicht um {tonnage.median():+.0f} % von der GPS-Erwartung ab "
                f"(üblich sind ±{tonnage_limit:.0f} %)."
            )
        lifts = with_gps["abweichung_leerungen_pct"]
        if len(with_gps) >= 2 and (lifts > lifts_limit).mean() >= 0.5:
            reasons.append(f"Gemeldete Leerungen liegen {lifts.median():+.0f} % über den per GPS erfassten.")
        share = with_gps["anteil_soll_pct"]
        if len(with_gps) >= 2 and share.median() < share_median - share_limit:
            reasons.append(
                f"Nur {share.median():.0f} % der geplanten Behälter geleert (üblich sind etwa {share_median:.0f} %)."
            )
        n_complaints = int(per_tour.get(tour.tour_id, 0))
        if n_complaints >= complaint_limit:
            reasons.append(
                f"{n_complaints} Beschwerden zu dieser Tour (üblich sind höchstens {complaint_limit - 1:.0f})."
            )
        missing_gps = int((~own["gps_vorhanden"]).sum())
        rows.append(
            {
                "tour_id": tour.tour_id,
                "bezirk": tour.bezirk,
                "fraktion": tour.fraktion,
                "fahrzeug": tour.fahrzeug,
                "flagged": bool(reasons),
                "reasons": " ".join(reasons),
                "complaints": n_complaints,
                "laeufe": len(own),
                "laeufe_ohne_gps": missing_gps,
                "menge_gemeldet_t": round(float(with_gps["menge_t"].sum()), 2),
                "menge_gps_t": round(float(with_gps["menge_gps_t"].sum()), 2),
                "abweichung_menge_pct": round(float(tonnage.median()), 1) if len(tonnage) else np.nan,
                "leerungen_gemeldet": int(with_gps["leerungen"].sum()),
                "leerungen_gps": int(with_gps["leerungen_gps"].sum()),
                "abweichung_leerungen_pct": round(float(lifts.median()), 1) if len(lifts) else np.nan,
                "anteil_soll_pct": round(float(share.median()), 1) if len(share) else np.nan,
            }
        )
    result = pd.DataFrame(rows)
    result.attrs["findings"] = findings
    return result
