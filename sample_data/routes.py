"""Fictional sample data for the use case "KI-Agenten in Schritten" (waste-collection tours of Musterstadt).

The municipal waste-collection service checks its tours in steps: merge the data sources, check the
reported tonnage against the GPS bin lifts, find tours with anomalies and compare them with citizen
complaints. Five tables:

- ``touren``: the tour plan: one tour per district, waste fraction and weekday, one vehicle per tour.
- ``mengen``: weighbridge tickets, one per tour run (``datum``, ``tour_id``, reported tonnes and lifts).
- ``gps``: the vehicles' tracks: a point every ~10–20 s, ``schuettung`` = 1 where a bin was lifted.
  A tour run is (``tour_id``, ``datum``); it joins to the track by ``fahrzeug`` and the date of ``zeit``.
- ``beschwerden``: citizen complaints (Mängelmelder) with district, fraction, category and free text;
  many texts name a person, a street address or a phone number (personal data on purpose).
- ``loesung``: the planted problem of each problem tour (``tour_id``, ``problem``, ``beschreibung``).

Planted problems, one kind per problem tour and every kind at least once (see ``PROBLEMS``):
``menge_zu_hoch`` (tonnage 35–60 % above what the lifts imply on most runs), ``leerungen_zu_hoch``
(reported lifts ~25 % above the GPS lifts, tonnage consistent with the reported lifts),
``zu_wenig_leerungen`` (only ~60 % of the planned bins on most runs, a part of the route skipped, and
"nicht geleert" complaints on those dates), ``beschwerden`` (a normal tour with a cluster of complaints on
its run dates) and ``gps_ausfall`` (no GPS points on two run dates).

Data-quality traps that are no tour problem and therefore not in ``loesung``: one weighbridge ticket with
an unknown tour id (``UNKNOWN_TOUR``, normally "T99"), one extra ticket with an impossible date
("31.02.<year>"), and a few complaints that belong to no tour run (a district/fraction combination
without a tour, or a date outside the period).

Everything is invented and deterministic for a seed. ``python -m sample_data.routes`` rewrites the CSV
files in ``sample_data/abfalltouren/`` (German Excel exports with ``;``; the weighbridge tickets in
Windows cp1252 with decimal commas and ``dd.mm.yyyy`` dates; the GPS export in UTF-8 with decimal points).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "abfalltouren"

TOUR_FILE = "touren.csv"
AMOUNT_FILE = "mengen.csv"
GPS_FILE = "gps.csv"
COMPLAINT_FILE = "beschwerden.csv"
SOLUTION_FILE = "loesung.csv"

TOUR_COLUMNS = ("tour_id", "bezirk", "fraktion", "fahrzeug", "behaelter_soll", "wochentag")
AMOUNT_COLUMNS = ("datum", "tour_id", "menge_t", "leerungen")
GPS_COLUMNS = ("fahrzeug", "zeit", "lat", "lon", "schuettung")
COMPLAINT_COLUMNS = ("datum", "bezirk", "fraktion", "kategorie", "text")
SOLUTION_COLUMNS = ("tour_id", "problem", "beschreibung")

START = dt.date(2025, 3, 3)  # a Monday
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag")

FRACTIONS = ("Restmüll", "Bioabfall", "Papier", "Leichtverpackungen")
# kg per emptied bin (mean over the mix of bin sizes), the yardstick of the tonnage check.
KG_PER_LIFT = {"Restmüll": 14.0, "Bioabfall": 18.0, "Papier": 9.0, "Leichtverpackungen": 5.0}
# fraction -> the bin as named by citizens (nominative/accusative, genitive/dative)
BIN_NAMES = {
    "Restmüll": ("Restmülltonne", "Restmülltonne"),
    "Bioabfall": ("Biotonne", "Biotonne"),
    "Papier": ("Papiertonne", "Papiertonne"),
    "Leichtverpackungen": ("Gelbe Tonne", "Gelben Tonne"),
    "": ("Tonne", "Tonne"),
}

MENGE_ZU_HOCH = "menge_zu_hoch"
LEERUNGEN_ZU_HOCH = "leerungen_zu_hoch"
ZU_WENIG_LEERUNGEN = "zu_wenig_leerungen"
BESCHWERDEN = "beschwerden"
GPS_AUSFALL = "gps_ausfall"
PROBLEMS = (MENGE_ZU_HOCH, LEERUNGEN_ZU_HOCH, ZU_WENIG_LEERUNGEN, BESCHWERDEN, GPS_AUSFALL)

CATEGORIES = ("nicht geleert", "verspätet", "Verschmutzung", "Lärm", "Behälter beschädigt", "Sonstiges")
NOISE_CATEGORY_WEIGHTS = (0.30, 0.15, 0.20, 0.10, 0.15, 0.10)

UNKNOWN_TOUR = "T99"
BAD_DATE = "31.02.{year}"

# Musterstadt lies around 51.96 N, 7.62 E. District centres as (km north, km east) of the town centre.
CENTRE = (51.96, 7.62)
KM_LAT = 1 / 111.2
KM_LON = 1 / (111.32 * math.cos(math.radians(CENTRE[0])))
DEPOT_KM = (-2.6, 4.4)  # Betriebshof at the harbour
# district -> (centre in km, streets from north to south; the route runs through them in this order)
DISTRICTS: dict[str, tuple[tuple[float, float], tuple[str, ...]]] = {
    "Altstadt": (
        (0.0, 0.0),
        ("Domgasse", "Salzstraße", "Marktstraße", "Kirchgasse", "Rathausstraße", "Burgstraße"),
    ),
    "Nordviertel": (
        (2.6, 0.4),
        ("Nordring", "Uhlandstraße", "Am Wasserturm", "Erlenweg", "Kanalstraße", "Lindenallee"),
    ),
    "Hafen": (
        (-1.4, 2.7),
        ("Speicherstraße", "Hafenweg", "Kaiserkai", "Lotsenweg", "Kranstraße", "Hansaring"),
    ),
    "Kreuzberg-Süd": (
        (-3.1, -0.3),
        ("Bergstraße", "Südstraße", "Kreuzstraße", "Geiststraße", "Friedrich-Ebert-Straße", "Am Kreuzberg"),
    ),
    "Aaseestadt": (
        (-1.6, -2.8),
        ("Seeuferweg", "Aaseeweg", "Am Bootshaus", "Möwenstraße", "Schilfweg", "Inselstraße"),
    ),
    "Lindenhof": (
        (1.4, 3.1),
        ("Lindenweg", "Gartenstraße", "Birkenweg", "Hofstraße", "Schulstraße", "Am Lindenhof"),
    ),
    "Mühlenbach": (
        (2.2, -3.0),
        ("Mühlenweg", "Bachstraße", "Am Mühlenteich", "Wehrstraße", "Müllerweg", "Radgasse"),
    ),
    "Westerholt": (
        (0.2, -5.6),
        ("Dorfstraße", "Kirchweg", "Heideweg", "Am Sportplatz", "Westerholter Weg", "Eichenkamp"),
    ),
}
DISTRICT_NAMES = tuple(DISTRICTS)
MAX_TOURS = len(DISTRICTS) * len(FRACTIONS) * len(WEEKDAYS)

SURNAMES = (
    "Brüggemann", "Hölscher", "Wessels", "Terhorst", "Kötter", "Niehues", "Overbeck", "Lammers", "Többen",
    "Husmann", "Schwering", "Berkemeyer", "Rüschhoff", "Deitmer", "Pieper", "Hövelmann", "Austermann",
    "Kleinschmidt", "Wiesmann", "Große-Wöstmann", "Janßen", "Özdemir", "Kowalski", "Nguyen", "Petrović",
    "Schäfer", "Vogt", "Albers", "Beckmann", "Reckfort",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Jürgen", "Monika", "Thomas", "Sabine", "Klaus", "Fatma", "Lukas", "Marie", "Heinz", "Petra",
    "Jan", "Elif", "Gerda", "Stefan", "Birgit", "Dirk", "Hannelore", "Mehmet", "Karin",
)  # fmt: skip

# Complaint texts. Placeholders: {tonne} / {tonne_gd} (the bin in nominative / genitive-dative),
# {strasse}, {nr}, {name}, {vorname}, {anrede}, {tel}, {uhr}; {in_strasse} is "in der Salzstraße",
# "im Erlenweg", ... Templates with a person's data come first in each list.
TEXTS: dict[str, tuple[str, ...]] = {
    "nicht geleert": (
        "Bei Familie {name}, {strasse} {nr}, wurde die {tonne} wieder nicht geleert.",
        "Unsere {tonne} stand ab 6 Uhr an der Straße und wurde nicht geleert. Bitte um Rückruf unter {tel}. {vorname} {name}, {strasse} {nr}",
        "{anrede} {name} meldet: {tonne} vor Haus {strasse} {nr} nicht abgeholt, die Nachbarn auch nicht.",
        "Die {tonne} {in_strasse} wurde heute nicht geleert, die halbe Straße ist ausgelassen worden.",
        "{tonne} nicht geleert, obwohl sie rechtzeitig rausgestellt war ({strasse}).",
    ),
    "verspätet": (
        "Die Abfuhr kam erst gegen {uhr} Uhr, die {tonne} stand den ganzen Tag auf dem Gehweg. {anrede} {name}, {strasse} {nr}",
        "Müllwagen heute sehr spät {in_strasse}, wir konnten die {tonne} nicht wieder reinholen. Tel. {tel}",
        "{vorname} {name} ({strasse} {nr}): Warum wird die {tonne} neuerdings erst nachmittags geleert?",
        "Die Abholung {in_strasse} war heute stark verspätet.",
    ),
    "Verschmutzung": (
        "Beim Leeren der {tonne_gd} ist Müll auf die Straße gefallen und liegen geblieben, vor {strasse} {nr}. Gemeldet von {vorname} {name}.",
        "Nach der Abfuhr liegt {in_strasse} überall Abfall herum. {anrede} {name}, Tel. {tel}",
        "Auslaufende Flüssigkeit vom Müllfahrzeug {in_strasse}, bitte reinigen.",
        "Rund um die Container {in_strasse} sieht es seit Tagen schlimm aus.",
    ),
    "Lärm": (
        "Das Müllfahrzeug war heute schon um 5:40 Uhr {in_strasse}, viel zu laut. {vorname} {name}, {strasse} {nr}",
        "Die Mitarbeiter werfen die Tonnen so laut zurück, dass unser Baby aufwacht. {anrede} {name}, {tel}",
        "Sehr laute Leerung {in_strasse} am frühen Morgen.",
    ),
    "Behälter beschädigt": (
        "Deckel der {tonne_gd} beim Leeren abgebrochen. Bitte Ersatz liefern an {anrede} {name}, {strasse} {nr}, Tel. {tel}.",
        "Unsere {tonne} hat seit der letzten Leerung einen Riss. {vorname} {name}, {strasse} {nr}",
        "Rad an der {tonne_gd} abgefallen, {strasse} {nr}.",
        "Beschädigte {tonne} {in_strasse}, bitte austauschen.",
    ),
    "Sonstiges": (
        "Wir brauchen eine größere {tonne}, bitte melden Sie sich bei {vorname} {name} unter {tel}.",
        "{anrede} {name}, {strasse} {nr}, fragt, ob die {tonne} auch 14-täglich geleert werden kann.",
        "Wann kommt der Abfuhrkalender für das nächste Jahr?",
        "Die Tonne des Nachbarn steht dauerhaft auf dem Gehweg {in_strasse}.",
    ),
}
PERSONAL_TEMPLATES = {"nicht geleert": 3, "verspätet": 3, "Verschmutzung": 2, "Lärm": 2}  # others: 2


# --------------------------------------------------------------------------------------------------
# Geometry: each district is a ~1 km square crossed by six streets; a tour drives them as a serpentine
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    lat: np.ndarray  # vertices
    lon: np.ndarray
    dist: np.ndarray  # cumulative metres at each vertex
    street_start: np.ndarray  # metres at which each street (route order) begins
    streets: tuple[str, ...]  # in route order


def _to_latlon(north_km: np.ndarray | float, east_km: np.ndarray | float) -> tuple:
    return CENTRE[0] + np.asarray(north_km) * KM_LAT, CENTRE[1] + np.asarray(east_km) * KM_LON


@cache
def _route(district: str, reverse: bool) -> Route:
    """The serpentine through a district's streets; fixed for the town, independent of the seed."""
    (north, east), streets = DISTRICTS[district]
    geo = np.random.default_rng(DISTRICT_NAMES.index(district) + 1000)
    n_streets, n_vertices = len(streets), 6
    parts_n, parts_e = [], []
    for j in range(n_streets):
        y = north + 0.5 - j * (1.0 / (n_streets - 1)) + geo.normal(0, 0.02, n_vertices)
        x = east - 0.5 + np.linspace(0, 1, n_vertices) + geo.uniform(-0.04, 0.04, n_vertices)
        if j % 2:
            x, y = x[::-1], y[::-1]
        parts_n.append(y)
        parts_e.append(x)
    if reverse:
        parts_n, parts_e, streets = (
            [p[::-1] for p in parts_n[::-1]],
            [p[::-1] for p in parts_e[::-1]],
            streets[::-1],
        )
    n_km, e_km = np.concatenate(parts_n), np.concatenate(parts_e)
    step = np.hypot(np.diff(n_km), np.diff(e_km)) * 1000
    dist = np.concatenate([[0.0], np.cumsum(step)])
    lengths = dist[np.arange(n_streets) * n_vertices]
    lat, lon = _to_latlon(n_km, e_km)
    return Route(lat=lat, lon=lon, dist=dist, street_start=lengths, streets=tuple(streets))


# --------------------------------------------------------------------------------------------------
# Tour plan and runs
# --------------------------------------------------------------------------------------------------


def _plan(n_tours: int, rng: np.random.Generator) -> pd.DataFrame:
    """Tours by (district, fraction): first three fractions per district, then the fourth, then
    further tours of the same combinations on other weekdays (only for more than 32 tours)."""
    slots = []
    n_d, n_f = len(DISTRICTS), len(FRACTIONS)
    for i in range(n_tours):
        rnd, rest = divmod(i, n_d * n_f)
        k, d = divmod(rest, n_d)
        f = (d + k) % n_f
        weekday = (d + 2 * f + 3 * rnd) % len(WEEKDAYS)
        slots.append((weekday, d, f, rnd))
    slots.sort()
    plates = rng.choice(np.arange(1001, 1000 + 2 * MAX_TOURS), size=n_tours, replace=False)
    low = {0: 300, 1: 240, 2: 200, 3: 180}  # Restmüll tours are the biggest
    high = {0: 450, 1: 400, 2: 360, 3: 320}
    rows = []
    for number, (weekday, d, f, _rnd) in enumerate(slots, start=1):
        rows.append(
            {
                "tour_id": f"T{number:02d}",
                "bezirk": DISTRICT_NAMES[d],
                "fraktion": FRACTIONS[f],
                "fahrzeug": f"MS-AW {plates[number - 1]}",
                "behaelter_soll": int(rng.integers(low[f], high[f] + 1)),
                "wochentag": WEEKDAYS[weekday],
            }
        )
    return pd.DataFrame(rows, columns=list(TOUR_COLUMNS)).astype({"behaelter_soll": "int64"})


def _pick_problem_tours(touren: pd.DataFrame, rng: np.random.Generator) -> dict[str, str]:
    """tour_id -> problem; about one tour in five, each kind once before any repeats, spread over
    as many districts as possible."""
    n = len(touren)
    n_problems = min(n, max(len(PROBLEMS), round(n * 5 / 24)))
    order = rng.permutation(n)
    chosen: list[int] = []
    used: set[str] = set()
    for i in order:
        if len(chosen) == n_problems:
            break
        if touren.at[i, "bezirk"] not in used:
            chosen.append(int(i))
            used.add(touren.at[i, "bezirk"])
        if len(used) == len(DISTRICTS):
            used = set()
    for i in order:
        if len(chosen) == n_problems:
            break
        if int(i) not in chosen:
            chosen.append(int(i))
    return {touren.at[i, "tour_id"]: PROBLEMS[k % len(PROBLEMS)] for k, i in enumerate(chosen)}


def _german(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --------------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------------


def generate(
    n_tours: int = 24, weeks: int = 6, *, seed: int = 5, point_every_s: int = 15
) -> dict[str, pd.DataFrame]:
    """The five tables of the sample, keyed "touren", "mengen", "gps", "beschwerden", "loesung".

    Dates are strings in the formats of the files (``dd.mm.yyyy`` in ``mengen``, ISO elsewhere); numbers
    are int64/float64 columns. ``point_every_s`` is the mean spacing of the GPS track (10–20 s at 15);
    smaller values give proportionally more GPS rows (benchmarks)."""
    if not 1 <= n_tours <= MAX_TOURS:
        raise ValueError(f"n_tours must be between 1 and {MAX_TOURS}")
    if weeks < 1 or point_every_s < 1:
        raise ValueError("weeks and point_every_s must be positive")
    rng = np.random.default_rng(seed)
    touren = _plan(n_tours, rng)
    problems = _pick_problem_tours(touren, rng)
    days = [START + dt.timedelta(days=i) for i in range(weeks * 7)]
    most = max(1, math.ceil(0.75 * weeks))  # "most runs" of a problem tour

    # ---- runs: lifts, reported lifts and tonnage
    runs = []  # one dict per (tour, week)
    for tour in touren.itertuples(index=False):
        problem = problems.get(tour.tour_id)
        affected = set(rng.choice(weeks, size=min(most, weeks), replace=False).tolist())
        no_gps = set(rng.choice(weeks, size=min(2, weeks), replace=False).tolist())
        kg = KG_PER_LIFT[tour.fraktion]
        for week in range(weeks):
            day = START + dt.timedelta(days=7 * week + WEEKDAYS.index(tour.wochentag))
            hit = week in affected
            if problem == ZU_WENIG_LEERUNGEN and hit:
                share = rng.uniform(0.55, 0.65)
                coverage = share / 0.96
            else:
                share = rng.uniform(0.92, 1.0)
                coverage = 1.0
            lifts = round(tour.behaelter_soll * share)
            reported = round(lifts * rng.uniform(0.99, 1.02))
            if problem == LEERUNGEN_ZU_HOCH and hit:
                reported = round(lifts * rng.uniform(1.2, 1.3))
            factor = float(np.clip(rng.normal(1.0, 0.02), 0.955, 1.045))
            if problem == MENGE_ZU_HOCH and hit:
                factor *= rng.uniform(1.35, 1.6)
            runs.append(
                {
                    "tour_id": tour.tour_id,
                    "bezirk": tour.bezirk,
                    "fraktion": tour.fraktion,
                    "fahrzeug": tour.fahrzeug,
                    "soll": tour.behaelter_soll,
                    "reverse": FRACTIONS.index(tour.fraktion) % 2 == 1,
                    "day": day,
                    "week": week,
                    "problem": problem,
                    "hit": hit and problem in (MENGE_ZU_HOCH, LEERUNGEN_ZU_HOCH, ZU_WENIG_LEERUNGEN),
                    "gps": not (problem == GPS_AUSFALL and week in no_gps),
                    "lifts": lifts,
                    "coverage": coverage,
                    "reported": reported,
                    "menge": round(reported * kg * factor / 1000, 2),
                }
            )

    mengen = _tickets(runs, rng, n_tours)
    gps = _tracks(runs, rng, point_every_s)
    beschwerden = _complaints(runs, touren, problems, days, rng)
    loesung = _solution(runs, touren, problems, beschwerden)
    return {"touren": touren, "mengen": mengen, "gps": gps, "beschwerden": beschwerden, "loesung": loesung}


def _tickets(runs: list[dict], rng: np.random.Generator, n_tours: int) -> pd.DataFrame:
    ordered = sorted(runs, key=lambda r: (r["day"], r["tour_id"]))
    rows = [(_german(r["day"]), r["tour_id"], r["menge"], r["reported"]) for r in ordered]
    # Trap 1: a ticket for a tour that does not exist, a third into the period.
    unknown = UNKNOWN_TOUR if n_tours < 99 else "T00"
    at = len(rows) // 3
    rows.insert(
        at, (rows[at][0], unknown, round(float(rng.uniform(2.5, 4.5)), 2), int(rng.integers(200, 320)))
    )
    # Trap 2: an extra ticket of a normal tour with an impossible date, two thirds into the period.
    normal = [r for r in ordered if r["problem"] is None] or ordered
    twin = normal[int(rng.integers(len(normal)))]
    at = 2 * len(rows) // 3
    bad = BAD_DATE.format(year=twin["day"].year)
    rows.insert(
        at, (bad, twin["tour_id"], round(twin["menge"] * float(rng.uniform(0.9, 1.1)), 2), twin["reported"])
    )
    frame = pd.DataFrame(rows, columns=list(AMOUNT_COLUMNS))
    return frame.astype({"menge_t": "float64", "leerungen": "int64"})


def _tracks(runs: list[dict], rng: np.random.Generator, every: int) -> pd.DataFrame:
    """GPS points of all runs with GPS, vectorised per run (no Python loop per point)."""
    depot_lat, depot_lon = _to_latlon(*DEPOT_KM)
    ordered = sorted((r for r in runs if r["gps"]), key=lambda r: (r["day"], r["fahrzeug"]))
    plates = np.array(sorted({r["fahrzeug"] for r in runs}), dtype=object)
    plate_index = {p: i for i, p in enumerate(plates)}
    days = sorted({r["day"] for r in ordered})
    day_index = {d: i for i, d in enumerate(days)}
    secs_l, lat_l, lon_l, lift_l, veh_l, day_l = [], [], [], [], [], []
    for run in ordered:
        route = _route(run["bezirk"], run["reverse"])
        n = run["lifts"]
        # Points per bin: driving to the next bin plus the lift, 35–55 s at one point per `every` seconds.
        per_bin = np.maximum(1, np.rint(rng.uniform(35, 55, n) / every)).astype(np.int64)
        n_route = int(per_bin.sum())
        n_out = max(2, round(rng.uniform(420, 600) / every))
        n_back = max(2, round(rng.uniform(420, 600) / every))
        total = n_out + n_route + n_back
        step = np.maximum(1, np.rint(rng.uniform(every * 2 / 3, every * 4 / 3, total))).astype(np.int64)
        secs = 6 * 3600 + int(rng.integers(0, 900)) + np.cumsum(step)
        lift = np.zeros(total, dtype=np.int64)
        lift[n_out + np.cumsum(per_bin) - 1] = 1
        # Along the route in proportion to the time spent; a skipped part is simply never reached.
        covered = route.dist[-1] * min(1.0, run["coverage"])
        route_t = np.cumsum(step[n_out : n_out + n_route]).astype(float)
        s = route_t / route_t[-1] * covered
        r_lat, r_lon = np.interp(s, route.dist, route.lat), np.interp(s, route.dist, route.lon)
        u_out = np.arange(1, n_out + 1) / n_out
        u_back = np.arange(1, n_back + 1) / n_back
        lat = np.concatenate(
            [
                depot_lat + (route.lat[0] - depot_lat) * u_out,
                r_lat,
                r_lat[-1] + (depot_lat - r_lat[-1]) * u_back,
            ]
        )
        lon = np.concatenate(
            [
                depot_lon + (route.lon[0] - depot_lon) * u_out,
                r_lon,
                r_lon[-1] + (depot_lon - r_lon[-1]) * u_back,
            ]
        )
        secs_l.append(secs)
        lat_l.append(lat)
        lon_l.append(lon)
        lift_l.append(lift)
        veh_l.append(np.full(total, plate_index[run["fahrzeug"]]))
        day_l.append(np.full(total, day_index[run["day"]]))
    if not secs_l:
        dtypes = {"fahrzeug": "str", "zeit": "str", "lat": "float64", "lon": "float64", "schuettung": "int64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in GPS_COLUMNS})
    secs = np.concatenate(secs_l)
    size = len(secs)
    # ~3 m of GPS noise.
    lat = np.round(np.concatenate(lat_l) + rng.normal(0, 3e-3 * KM_LAT, size), 5)
    lon = np.round(np.concatenate(lon_l) + rng.normal(0, 3e-3 * KM_LON, size), 5)
    # ISO timestamps without a per-point strftime: date prefix + time-of-day from lookup tables.
    clock = np.datetime_as_string(np.arange(86400).astype("datetime64[s]"), unit="s")
    clock = np.array([c[10:] for c in clock], dtype=object)  # "THH:MM:SS"
    prefixes = np.array([d.isoformat() for d in days], dtype=object)
    zeit = prefixes[np.concatenate(day_l)] + clock[secs % 86400]
    return pd.DataFrame(
        {
            "fahrzeug": plates[np.concatenate(veh_l)],
            "zeit": zeit,
            "lat": lat,
            "lon": lon,
            "schuettung": np.concatenate(lift_l),
        }
    )


def _in_street(street: str) -> str:
    """ "in der Salzstraße", "im Erlenweg", "am Kaiserkai", "Am Sportplatz"."""
    if street.startswith("Am "):
        return street
    if street.lower().endswith(("straße", "gasse", "allee")):
        return f"in der {street}"
    if street.endswith("kai"):
        return f"am {street}"
    return f"im {street}"


class _Texts:
    """Complaint texts with invented people, addresses and phone numbers."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def phone(self) -> str:
        r = self.rng
        kind = int(r.integers(4))
        if kind == 0:
            return f"0251 {r.integers(20, 99)} {r.integers(10, 99)} {r.integers(10, 99)}"
        if kind == 1:
            return f"01{self.pick(('51', '52', '60', '70', '71', '76'))} {r.integers(1_000_000, 9_999_999)}"
        if kind == 2:
            return f"+49 17{r.integers(0, 9)} {r.integers(1_000_000, 9_999_999)}"
        return f"(0251) {r.integers(100, 999)}-{r.integers(1000, 9999)}"

    def text(self, kategorie: str, fraktion: str, street: str, personal: bool) -> str:
        templates = TEXTS[kategorie]
        split = PERSONAL_TEMPLATES.get(kategorie, 2)
        template = self.pick(templates[:split] if personal else templates[split:])
        surname = self.pick(SURNAMES)
        text = template.format(
            tonne=BIN_NAMES[fraktion][0],
            tonne_gd=BIN_NAMES[fraktion][1],
            strasse=street,
            in_strasse=_in_street(street),
            nr=f"{self.rng.integers(1, 60)}{self.pick(('', '', '', '', 'a', 'b'))}",
            name=surname,
            vorname=self.pick(FIRST_NAMES),
            anrede=self.pick(("Herr", "Frau")),
            tel=self.phone(),
            uhr=f"{self.rng.integers(14, 18)}:{self.pick(('00', '15', '30', '45'))}",
        )
        return text[0].upper() + text[1:]


def _complaints(
    runs: list[dict],
    touren: pd.DataFrame,
    problems: dict[str, str],
    days: list[dt.date],
    rng: np.random.Generator,
) -> pd.DataFrame:
    texts = _Texts(rng)
    run_at = {(r["bezirk"], r["fraktion"], r["day"]): r for r in runs}
    rows: list[tuple[dt.date, str, str, str, str]] = []

    def add(day, bezirk, fraktion, kategorie, street, personal=None):
        if personal is None:
            personal = bool(rng.random() < 0.7)
        rows.append((day, bezirk, fraktion, kategorie, texts.text(kategorie, fraktion, street, personal)))

    # Cluster 1: a skipped part of the route -> "nicht geleert" from its streets on the affected dates.
    for run in runs:
        if run["problem"] == ZU_WENIG_LEERUNGEN and run["hit"]:
            route = _route(run["bezirk"], run["reverse"])
            covered = route.dist[-1] * run["coverage"]
            skipped = [
                s for s, start in zip(route.streets, route.street_start, strict=True) if start >= covered
            ]
            skipped = skipped or [route.streets[-1]]
            for _ in range(int(rng.integers(2, 4))):
                add(run["day"], run["bezirk"], run["fraktion"], "nicht geleert", texts.pick(skipped))
    # Cluster 2: a normal-looking tour with complaints on several of its run dates.
    for tour_id, problem in problems.items():
        if problem != BESCHWERDEN:
            continue
        own = [r for r in runs if r["tour_id"] == tour_id]
        picked = rng.choice(len(own), size=min(4, len(own)), replace=False)
        for i in sorted(picked.tolist()):
            run = own[i]
            for _ in range(int(rng.integers(2, 4))):
                kategorie = "verspätet" if rng.random() < 0.6 else "nicht geleert"
                add(
                    run["day"],
                    run["bezirk"],
                    run["fraktion"],
                    kategorie,
                    texts.pick(DISTRICTS[run["bezirk"]][1]),
                )

    # Noise: spread over districts, fractions and days; no tour collects more than two of them.
    noise_hits: Counter = Counter()
    cap = {t: 0 for t, p in problems.items() if p in (ZU_WENIG_LEERUNGEN, BESCHWERDEN)}  # clusters stay clean
    for i in range(round(0.3 * len(runs))):
        bezirk = texts.pick(DISTRICT_NAMES)
        if i < len(CATEGORIES):  # every category at least once
            kategorie = CATEGORIES[i]
        else:
            kategorie = CATEGORIES[int(rng.choice(len(CATEGORIES), p=NOISE_CATEGORY_WEIGHTS))]
        fraktion = "" if rng.random() < 0.25 else texts.pick(FRACTIONS)
        on_a_run = rng.random() < 0.2  # some of the noise does concern a tour run
        for _attempt in range(50):
            if on_a_run:
                run = texts.pick(runs)
                bezirk, fraktion, day = run["bezirk"], run["fraktion"], run["day"]
            else:
                day = texts.pick(days)
                run = run_at.get((bezirk, fraktion, day))
            if run is None or noise_hits[run["tour_id"]] < cap.get(run["tour_id"], 2):
                break
        if run is not None:
            noise_hits[run["tour_id"]] += 1
        add(day, bezirk, fraktion, kategorie, texts.pick(DISTRICTS[bezirk][1]))

    # Complaints that belong to no tour run: combinations without a tour, dates outside the period.
    served = set(zip(touren["bezirk"], touren["fraktion"], strict=True))
    free = [(d, f) for d in DISTRICT_NAMES for f in FRACTIONS if (d, f) not in served]
    for _ in range(3 if free else 0):
        bezirk, fraktion = texts.pick(free)
        add(texts.pick(days), bezirk, fraktion, "nicht geleert", texts.pick(DISTRICTS[bezirk][1]))
    for day in (days[0] - dt.timedelta(days=4), days[-1] + dt.timedelta(days=2)):
        tour = touren.iloc[int(rng.integers(len(touren)))]
        kategorie = texts.pick(("nicht geleert", "verspätet"))
        add(day, tour["bezirk"], tour["fraktion"], kategorie, texts.pick(DISTRICTS[tour["bezirk"]][1]))

    order = rng.permutation(len(rows))
    shuffled = sorted((rows[i] for i in order), key=lambda row: row[0])
    frame = pd.DataFrame(
        [(d.isoformat(), b, f, k, t) for d, b, f, k, t in shuffled], columns=list(COMPLAINT_COLUMNS)
    )
    return frame


def _categories(text: Counter) -> str:
    return ", ".join(f"{n} „{kategorie}“" for kategorie, n in text.most_common())


def _solution(
    runs: list[dict], touren: pd.DataFrame, problems: dict[str, str], beschwerden: pd.DataFrame
) -> pd.DataFrame:
    run_days = {(r["bezirk"], r["fraktion"], r["day"].isoformat()): r["tour_id"] for r in runs}
    matched = [
        run_days.get(key)
        for key in zip(beschwerden["bezirk"], beschwerden["fraktion"], beschwerden["datum"], strict=True)
    ]
    per_tour: dict[str, Counter] = {}
    for tour_id, kategorie in zip(matched, beschwerden["kategorie"], strict=True):
        if tour_id is not None:
            per_tour.setdefault(tour_id, Counter())[kategorie] += 1
    rows = []
    for tour in touren.itertuples(index=False):
        problem = problems.get(tour.tour_id)
        if problem is None:
            continue
        own = [r for r in runs if r["tour_id"] == tour.tour_id]
        hit = [r for r in own if r["hit"]]
        dates = ", ".join(_german(r["day"]) for r in hit)
        kg = KG_PER_LIFT[tour.fraktion]
        fraction = f"{tour.fraktion}, {kg:g} kg je Leerung"
        if problem == MENGE_ZU_HOCH:
            excess = [100 * (r["menge"] * 1000 / (r["lifts"] * kg) - 1) for r in hit]
            text = (
                f"Gemeldete Menge an {len(hit)} von {len(own)} Terminen {min(excess):.0f}–{max(excess):.0f} % über dem, "
                f"was die GPS-Schüttungen erwarten lassen ({fraction}). Die gemeldeten Leerungen passen zum GPS. "
                f"Vermutlich Verwechslung an der Waage oder zusätzliche Gewerbeladung. Betroffen: {dates}."
            )
        elif problem == LEERUNGEN_ZU_HOCH:
            excess = [100 * (r["reported"] / r["lifts"] - 1) for r in hit]
            text = (
                f"Gemeldete Leerungen an {len(hit)} von {len(own)} Terminen {min(excess):.0f}–{max(excess):.0f} % über "
                f"den GPS-Schüttungen. Die Menge passt zu den gemeldeten, nicht zu den erfassten Leerungen "
                f"({fraction}). Betroffen: {dates}."
            )
        elif problem == ZU_WENIG_LEERUNGEN:
            shares = [100 * r["lifts"] / r["soll"] for r in hit]
            route = _route(tour.bezirk, FRACTIONS.index(tour.fraktion) % 2 == 1)
            covered = route.dist[-1] * min(r["coverage"] for r in hit)
            skipped = [
                s for s, start in zip(route.streets, route.street_start, strict=True) if start >= covered
            ]
            text = (
                f"An {len(hit)} von {len(own)} Terminen nur {min(shares):.0f}–{max(shares):.0f} % der "
                f"{tour.behaelter_soll} geplanten Behälter geleert (GPS und Meldung stimmen überein): der letzte Teil "
                f"der Tour ({', '.join(skipped)}) wurde ausgelassen. Dazu Beschwerden aus {tour.bezirk} "
                f"({tour.fraktion}) an Abfuhrtagen: {_categories(per_tour[tour.tour_id])}. Betroffen: {dates}."
            )
        elif problem == BESCHWERDEN:
            counts = per_tour[tour.tour_id]
            text = (
                f"Mengen, Leerungen und GPS unauffällig, aber {counts.total()} Beschwerden aus {tour.bezirk} "
                f"({tour.fraktion}) an Abfuhrtagen der Tour: {_categories(counts)}."
            )
        else:
            missing = " und ".join(_german(r["day"]) for r in own if not r["gps"])
            text = (
                f"Keine GPS-Punkte für {tour.fahrzeug} am {missing}, obwohl Wiegescheine vorliegen: Datenlücke, "
                f"keine Mengenabweichung."
            )
        rows.append((tour.tour_id, problem, text))
    return pd.DataFrame(rows, columns=list(SOLUTION_COLUMNS))


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------


def write_sample(folder: Path | None = None) -> None:
    """Write the default sample (24 tours, 6 weeks, seed 5) as the five CSV files."""
    folder = FOLDER if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = generate()
    data["touren"].to_csv(
        folder / TOUR_FILE, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )
    data["mengen"].to_csv(
        folder / AMOUNT_FILE,
        sep=";",
        index=False,
        encoding="cp1252",
        decimal=",",
        float_format="%.2f",
        lineterminator="\r\n",
    )
    data["gps"].to_csv(
        folder / GPS_FILE, sep=";", index=False, encoding="utf-8", float_format="%.5f", lineterminator="\n"
    )
    data["beschwerden"].to_csv(
        folder / COMPLAINT_FILE, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )
    data["loesung"].to_csv(
        folder / SOLUTION_FILE, sep=";", index=False, encoding="utf-8", lineterminator="\n"
    )


if __name__ == "__main__":
    write_sample()
