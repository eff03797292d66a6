"""Waste-collection tours: loading the four sources, checking tonnage against GPS, finding anomalies.

Pure pandas, no model. The checks learn what is normal from the data itself: kg per lift per waste
fraction (median over all runs) and the spread of deviations (median absolute deviation), so a few
percent of noise never flags a tour. Data problems (unknown tour ids, vehicles without GPS on a tour
day, unreadable dates, complaints that fit no tour) are collected as findings, never raised.
"""

from __future__ import annotations

import io
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


def attribute_complaints(data: RouteData, run_table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Each complaint goes to the tour of its district and fraction whose run was up to two days earlier."""
    complaints = data.complaints.copy()
    complaints["fraktion"] = complaints["fraktion"].fillna("").astype(str).str.strip()
    complaints["tour_id"] = None
    runs_by_key = run_table.groupby(["bezirk", "fraktion"])
    for index, complaint in complaints.iterrows():
        candidates = []
        for (district, fraction), group in runs_by_key:
            if district != complaint["bezirk"] or (
                complaint["fraktion"] and complaint["fraktion"] != fraction
            ):
                continue
            delta = pd.to_datetime(complaint["datum"]) - pd.to_datetime(group["datum"])
            close = group[(delta.dt.days >= 0) & (delta.dt.days <= COMPLAINT_DAYS)]
            candidates.extend(close["tour_id"].tolist())
        if candidates:
            complaints.at[index, "tour_id"] = candidates[0]
    unattributed = int(complaints["tour_id"].isna().sum())
    return complaints, unattributed


def analyze(data: RouteData) -> pd.DataFrame:
    """One row per tour: flagged, German reasons, complaints and the figures behind them."""
    run_table, join_findings = runs(data)
    complaints, unattributed = attribute_complaints(data, run_table)
    findings = [*data.findings, *join_findings]
    if unattributed:
        findings.append(
            f"beschwerden.csv: {unattributed} Beschwerde(n) ließen sich keiner Tour zuordnen (Bezirk, Fraktion, Datum)."
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
