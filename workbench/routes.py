"""Waste-collection tours: loading the four sources, checking tonnage against GPS, finding anomalies.

Pure pandas, no model. The checks learn what is normal from the data itself: kg per lift per waste
fraction (median over all runs) and the spread of deviations (median absolute deviation), so a few
percent of noise never flags a tour. Data problems (unknown tour ids, vehicles without GPS on a tour
day, unreadable dates, complaints that fit no tour) are collected as findings, never raised.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import german
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
# A time-zone offset after the time of a timestamp ("…T06:12:18+02:00", "…T06:12Z"); group 1 keeps the rest.
OFFSET = r"^(.*[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)(?:Z|[+-]\d\d(?::?\d\d)?)$"


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
    """GPS exports are large: read them with pandas' C parser instead of the general table loader.

    No dtypes are forced: inferred columns come out as numbers and pandas' own string type in one pass,
    while a forced string dtype costs a second conversion of every value. Vehicles and times are
    turned into their types afterwards (`load_route_data`); a vehicle column read as numbers is read
    again as text so that leading zeros survive."""
    head = data[:4096].decode("utf-8", errors="replace")
    separator = ";" if head.count(";") >= head.count(",") else ","
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        try:
            frame = pd.read_csv(io.BytesIO(data), sep=separator, encoding=encoding)
        except UnicodeDecodeError:
            encoding = "cp1252"
            frame = pd.read_csv(io.BytesIO(data), sep=separator, encoding=encoding)
        vehicle = next((c for c in frame.columns if str(c).strip().lower() == "fahrzeug"), None)
        if vehicle is not None and not _is_text(frame[vehicle]):
            frame[vehicle] = pd.read_csv(
                io.BytesIO(data), sep=separator, encoding=encoding, usecols=[vehicle], dtype=str
            )[vehicle]
    except (pd.errors.ParserError, ValueError) as exc:
        raise WorkbenchError(
            f"„gps.csv“ lässt sich nicht lesen ({exc}).", "Prüfen Sie das Trennzeichen und die Kopfzeile."
        ) from exc
    return frame


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) or values.dtype == object


def _parse_times(values: pd.Series) -> pd.Series:
    """ISO timestamps of the GPS export as local times, the way the export writes them.

    Plain local times ("2025-03-03T06:12:18") take a fast path: Arrow's cast where pandas already holds
    the text in Arrow memory, otherwise numpy's C parser, both several times faster than
    `pd.to_datetime`. Both refuse a time-zone offset (numpy would turn it into UTC with only a warning:
    that warning is an error here); such exports lose their offsets instead ("…T06:12:18+02:00" is
    06:12:18 local time, and offsets change with summer time within one export). Whatever is still
    unreadable becomes NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    try:
        if getattr(values.dtype, "storage", None) == "pyarrow":
            return values.astype("timestamp[us][pyarrow]").astype("datetime64[us]")
        if _is_text(values):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                parsed = values.to_numpy(dtype=object).astype("datetime64[us]")
            return pd.Series(parsed, index=values.index, name=values.name)
    except (ValueError, TypeError, OverflowError, UserWarning):
        pass  # an offset, an unreadable value: the general parser below
    text = values.astype(str).str.strip().str.replace(OFFSET, r"\1", regex=True)
    return pd.to_datetime(text, errors="coerce", format="ISO8601")


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
            f"mengen.csv: {german.plural(int(bad.sum()), 'Zeile', 'Zeilen')} mit unlesbarem Datum ({examples}) wurden übersprungen."
        )
    amounts = amounts[~bad]
    amounts["menge_t"] = _numbers(amounts["menge_t"])
    amounts["leerungen"] = _numbers(amounts["leerungen"])
    unknown = ~amounts["tour_id"].isin(tours["tour_id"])
    if unknown.any():
        names = ", ".join(sorted(set(amounts.loc[unknown, "tour_id"])))
        findings.append(
            f"mengen.csv: {german.plural(int(unknown.sum()), 'Zeile', 'Zeilen')} mit unbekannter Tour ({names}) wurden nicht ausgewertet."
        )
    amounts = amounts[~unknown]

    gps = frames["gps"]
    vehicles = gps["fahrzeug"]
    if not isinstance(vehicles.dtype, pd.StringDtype):
        vehicles = vehicles.astype(str)
    gps = pd.DataFrame(
        {
            "fahrzeug": vehicles.str.strip(),
            "zeit": _parse_times(gps["zeit"]),
            "lat": _numbers(gps["lat"]),
            "lon": _numbers(gps["lon"]),
            "schuettung": _numbers(gps["schuettung"]).fillna(0).astype(int),
        }
    )
    bad_time = gps["zeit"].isna()
    if bad_time.any():
        findings.append(f"gps.csv: {int(bad_time.sum())} Punkt(e) ohne lesbare Zeit wurden übersprungen.")
        gps = gps[~bad_time].reset_index(drop=True)

    complaints = frames["beschwerden"].copy()
    complaints["datum"] = _parse_dates(complaints["datum"])
    bad = complaints["datum"].isna()
    if bad.any():
        findings.append(
            f"beschwerden.csv: {german.plural(int(bad.sum()), 'Beschwerde', 'Beschwerden')} ohne lesbares Datum "
            "wurden übersprungen."
        )
    complaints = complaints[~bad]
    return RouteData(
        tours,
        amounts.reset_index(drop=True),
        gps,
        complaints.reset_index(drop=True),
        findings,
    )


def _mad(values: pd.Series) -> float:
    values = values.dropna()
    if values.empty:
        return 0.0
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _vehicle_days(gps: pd.DataFrame) -> pd.DataFrame:
    """GPS points and bin lifts per vehicle and calendar day, counted with numpy on integer codes."""
    columns = ["fahrzeug", "datum", "gps_punkte", "leerungen_gps"]
    times = gps["zeit"]
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # the local calendar day, as the export shows it
    days = np.asarray(times.to_numpy(), dtype="datetime64[D]")
    vehicle_codes, plates = pd.factorize(gps["fahrzeug"])  # a missing vehicle: -1
    lifted = gps["schuettung"].to_numpy() == 1
    valid = ~np.isnat(days) & (vehicle_codes >= 0)
    if not valid.all():
        days, vehicle_codes, lifted = days[valid], vehicle_codes[valid], lifted[valid]
    if not len(days):
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("fahrzeug", "datum") else int) for c in columns}
        )
    day_numbers = days.astype(np.int64)
    first = int(day_numbers.min())
    span = int(day_numbers.max()) - first + 1
    key = vehicle_codes.astype(np.int64) * span + (day_numbers - first)
    if len(plates) * span <= 4 * len(key) + 1_000_000:  # dense: one counter per vehicle and day
        points = np.bincount(key, minlength=len(plates) * span)
        lifts = np.bincount(key[lifted], minlength=len(plates) * span)
        cells = np.flatnonzero(points)
        points, lifts = points[cells], lifts[cells]
    else:  # years of data for many vehicles: count only the cells that occur
        cells, inverse, points = np.unique(key, return_inverse=True, return_counts=True)
        lifts = np.bincount(inverse[lifted], minlength=len(cells))
    dates = (cells % span + first).astype("datetime64[D]").astype(object)
    return pd.DataFrame(
        {
            "fahrzeug": np.asarray(plates, dtype=object)[cells // span],
            "datum": dates,
            "gps_punkte": points.astype(int),
            "leerungen_gps": lifts.astype(int),
        },
        columns=columns,
    )


def runs(data: RouteData) -> tuple[pd.DataFrame, list[str]]:
    """One row per tour run with reported and GPS figures; plus the data findings of the join."""
    findings: list[str] = []
    counted = _vehicle_days(data.gps).set_index(["fahrzeug", "datum"])
    table = data.amounts.merge(data.tours, on="tour_id", how="inner")
    table = table.join(counted, on=["fahrzeug", "datum"])
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


def _share_over(values: pd.Series, limit: float, tours: pd.Series) -> pd.Series:
    """Per tour: the share of runs whose value lies above the limit (missing values count as not above)."""
    return (values > limit).groupby(tours).mean()


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
            f"beschwerden.csv: {german.plural(unattributed, 'Beschwerde', 'Beschwerden')} ließen sich keiner Tour zuordnen (Bezirk, Fraktion, Datum){detail}."
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

    # All per-tour figures in one grouping each instead of filtering the run table once per tour.
    tour_ids = covered["tour_id"]
    grouped = covered.groupby(tour_ids)
    figures = pd.DataFrame(
        {
            "mit_gps": grouped.size(),
            "menge_median": grouped["abweichung_menge_pct"].median(),
            "menge_ueber": _share_over(covered["abweichung_menge_pct"].abs(), tonnage_limit, tour_ids),
            "leerungen_median": grouped["abweichung_leerungen_pct"].median(),
            "leerungen_ueber": _share_over(covered["abweichung_leerungen_pct"], lifts_limit, tour_ids),
            "anteil_median": grouped["anteil_soll_pct"].median(),
            "menge_gemeldet_t": grouped["menge_t"].sum(),
            "menge_gps_t": grouped["menge_gps_t"].sum(),
            "leerungen_gemeldet": grouped["leerungen"].sum(),
            "leerungen_gps": grouped["leerungen_gps"].sum(),
        }
    ).reindex(data.tours["tour_id"])  # also tours without runs, in the plan's order
    figures["laeufe"] = run_table.groupby("tour_id").size()
    figures["laeufe_ohne_gps"] = (~run_table["gps_vorhanden"]).groupby(run_table["tour_id"]).sum()
    counted = ["mit_gps", "laeufe", "laeufe_ohne_gps", "leerungen_gemeldet", "leerungen_gps"]
    figures[counted] = figures[counted].fillna(0)
    figures[["menge_gemeldet_t", "menge_gps_t"]] = figures[["menge_gemeldet_t", "menge_gps_t"]].fillna(0.0)

    rows = []
    for tour, row in zip(data.tours.itertuples(index=False), figures.to_dict("records"), strict=True):
        enough = row["mit_gps"] >= 2
        reasons = []
        if enough and row["menge_ueber"] >= 0.5:
            reasons.append(
                f"Gemeldete Menge weicht um {row['menge_median']:+.0f} % von der GPS-Erwartung ab "
                f"(üblich sind ±{tonnage_limit:.0f} %)."
            )
        if enough and row["leerungen_ueber"] >= 0.5:
            reasons.append(
                f"Gemeldete Leerungen liegen {row['leerungen_median']:+.0f} % über den per GPS erfassten."
            )
        if enough and row["anteil_median"] < share_median - share_limit:
            reasons.append(
                f"Nur {row['anteil_median']:.0f} % der geplanten Behälter geleert (üblich sind etwa {share_median:.0f} %)."
            )
        n_complaints = int(per_tour.get(tour.tour_id, 0))
        if n_complaints >= complaint_limit:
            reasons.append(
                f"{n_complaints} Beschwerden zu dieser Tour (üblich sind höchstens {complaint_limit - 1:.0f})."
            )
        rows.append(
            {
                "tour_id": tour.tour_id,
                "bezirk": tour.bezirk,
                "fraktion": tour.fraktion,
                "fahrzeug": tour.fahrzeug,
                "flagged": bool(reasons),
                "reasons": " ".join(reasons),
                "complaints": n_complaints,
                "laeufe": int(row["laeufe"]),
                "laeufe_ohne_gps": int(row["laeufe_ohne_gps"]),
                "menge_gemeldet_t": round(float(row["menge_gemeldet_t"]), 2),
                "menge_gps_t": round(float(row["menge_gps_t"]), 2),
                "abweichung_menge_pct": round(float(row["menge_median"]), 1) if row["mit_gps"] else np.nan,
                "leerungen_gemeldet": int(row["leerungen_gemeldet"]),
                "leerungen_gps": int(row["leerungen_gps"]),
                "abweichung_leerungen_pct": round(float(row["leerungen_median"]), 1)
                if row["mit_gps"]
                else np.nan,
                "anteil_soll_pct": round(float(row["anteil_median"]), 1) if row["mit_gps"] else np.nan,
            }
        )
    result = pd.DataFrame(rows)
    result.attrs["findings"] = findings
    return result
