"""Fictional sample data for the use case "Daten strukturieren und auswerten" (sponsors of the city festival).

Three tables for the invented "Musterstadt":

- ``companies``: an extract of the company register (Gewerberegister) with registered names, legal form,
  address, district, activity, the owner's name for sole traders (personal data on purpose), staff and
  floor space. The register holds deliberate look-alikes ("Elektro Hoffmann GmbH" and "Hoffmann
  Elektrotechnik GmbH", "Bäckerei Meyer" and "Bäckerei Meier").
- ``sponsors``: last year's sponsor list as typed by hand: register companies written with variants
  (legal form dropped or spelled differently, "Mueller" for "Müller", swapped words, one typo, case,
  "&" vs "und" ...), sponsors from other towns (some with the very name of a register company) and
  sponsors from town that are not in the register (associations, private persons, doctors' practices).
- ``truth``: which sponsor row is which register row, and why (``art``).

With ``review_cases`` a handful of sponsors join the list whose typed name alone does not settle which
company is meant, or whether any is (``art`` "prüffall"): a company typed without the legal form that
tells it from a namesake with another one, strong abbreviations, a name close to two companies, clubs
named like a company. A matcher should put them up for review; the truth says whether to accept the
proposed company or reject it. The app's sample (``build_app_sample``) has them.

Everything is invented and deterministic for a seed. ``python -m sample_data.sponsors`` rewrites the
CSV files beside this module (the register as a German Excel export: ``;``, UTF-8 with BOM, decimal
comma; the sponsor list in Windows cp1252).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

HERE = Path(__file__).resolve().parent
CITY = "Musterstadt"

COMPANY_FILE = "unternehmen_musterstadt.csv"
SPONSOR_FILE = "sponsoren_vorjahr.csv"
TRUTH_FILE = "sponsoren_vorjahr_loesung.csv"

COMPANY_COLUMNS = (
    "Betriebsnummer",
    "Firmenname",
    "Rechtsform",
    "Straße",
    "PLZ",
    "Ort",
    "Stadtteil",
    "Tätigkeit",
    "Inhaber",
    "Beschäftigte",
    "Gewerbefläche_m2",
)
SPONSOR_COLUMNS = ("Sponsor", "Ort", "Betrag", "Ansprechpartner")
TRUTH_COLUMNS = ("sponsor_index", "company_index", "Betriebsnummer", "art")

EXACT = "exakt"
VARIANT = "variante"
OUTSIDE = "auswärts"
NOT_REGISTERED = "nicht im Register"
LOOKALIKE = "doppelgänger"
REVIEW = "prüffall"
ARTEN = (EXACT, VARIANT, OUTSIDE, NOT_REGISTERED, LOOKALIKE, REVIEW)

# Kinds of review cases (``review_cases``), one sponsor each (the clubs two); the app's sample has:
FORM_SIBLING = "rechtsform_geschwister"  # "Steuerberatung Kemper": the e.K. or the GmbH of the name?
STRONG_ABBREVIATION = "starke_abkuerzung"  # "Gartengest. Weber" for "Gartengestaltung Weber"
TWO_CANDIDATES = "zwei_kandidaten"  # "Versich.-Agentur Bußmann": two agencies Bußmann, Hans and Andreas
CLUB = "verein_mit_firmenwort"  # "SV Regenbogen", a club, beside "Regenbogen IT-Service GmbH"
REVIEW_KINDS = (FORM_SIBLING, STRONG_ABBREVIATION, TWO_CANDIDATES, CLUB)

# Shares of the sponsor list (the rest are register companies).
OUTSIDE_SHARE = 0.15
NOT_REGISTERED_SHARE = 0.15
LOOKALIKE_SHARE_OF_OUTSIDE = 0.6
EXACT_SHARE_OF_REGISTERED = 0.15

# --------------------------------------------------------------------------------------------------
# Vocabulary (all cp1252-safe: the sponsor list is written in Windows encoding)
# --------------------------------------------------------------------------------------------------

# district -> (postcodes, streets)
DISTRICTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Altstadt": (
        ("48143", "48144"),
        (
            "Markt",
            "Domplatz",
            "Große Straße",
            "Kirchstraße",
            "Salzgasse",
            "Rathausplatz",
            "Königsstraße",
            "Alter Steinweg",
        ),
    ),
    "Nordviertel": (
        ("48145", "48147"),
        ("Nordring", "Lindenallee", "Kanalstraße", "Am Wasserturm", "Uhlandstraße", "Nordplatz", "Erlenweg"),
    ),
    "Hafen": (
        ("48155",),
        ("Hafenweg", "Am Hafenbecken", "Speicherstraße", "Kaiserkai", "Hansaring", "Kranstraße", "Lotsenweg"),
    ),
    "Kreuzberg-Süd": (
        ("48153", "48154"),
        ("Kreuzstraße", "Südstraße", "Am Kreuzberg", "Friedrich-Ebert-Straße", "Geiststraße", "Bergstraße"),
    ),
    "Lindenhof": (
        ("48165",),
        ("Am Lindenhof", "Lindenweg", "Hofstraße", "Gartenstraße", "Birkenweg", "Schulstraße"),
    ),
    "Schlossfeld": (
        ("48149", "48150"),
        ("Schlossallee", "Am Schlossgarten", "Parkweg", "Orangerieweg", "Fürstenstraße", "Reitbahn"),
    ),
    "Westerholt": (
        ("48161", "48162"),
        ("Westerholter Weg", "Dorfstraße", "Kirchweg", "Am Sportplatz", "Heideweg", "Mühlenstraße"),
    ),
    "Gewerbegebiet Ost": (
        ("48167", "48168"),
        (
            "Industriestraße",
            "Gewerbepark Ost",
            "Robert-Bosch-Straße",
            "Carl-Benz-Straße",
            "Otto-Hahn-Straße",
            "Siemensstraße",
            "Daimlerweg",
        ),
    ),
    "Aaseestadt": (
        ("48151", "48152"),
        ("Aaseeufer", "Am Aasee", "Segelweg", "Seepromenade", "Möwenweg", "Uferstraße"),
    ),
    "Mühlenbach": (
        ("48157", "48159"),
        ("Mühlenbachweg", "Am Mühlenteich", "Wiesenstraße", "Zum Bach", "Kornweg", "Weizenkamp"),
    ),
}
DISTRICT_NAMES = tuple(DISTRICTS)

OUTSIDE_TOWNS = {  # town -> adjective used in company names
    "Nachbarstadt": "Nachbarstädter",
    "Kreisstadt Musterland": "Musterländer",
    "Hafenau": "Hafenauer",
    "Lindenfeld": "Lindenfelder",
}
CITY_SPELLINGS = ((CITY, 78), (CITY.lower(), 12), (CITY.upper(), 10))

SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Meier", "Maier", "Mayer", "Wagner",
    "Becker", "Schulz", "Schulze", "Schultze", "Hoffmann", "Hofmann", "Schäfer", "Koch", "Bauer", "Richter",
    "Klein", "Wolf", "Wolff", "Schröder", "Schröter", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
    "Hartmann", "Lange", "Lang", "Schmitt", "Schmitz", "Werner", "Krause", "Lehmann", "Köhler", "Herrmann",
    "König", "Walter", "Huber", "Kaiser", "Fuchs", "Peters", "Petersen", "Scholz", "Möller", "Weiß",
    "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth",
    "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter",
    "Kraus", "Schumacher", "Krämer", "Vogt", "Voigt", "Stein", "Jäger", "Otto", "Sommer", "Groß",
    "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn",
    "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Sauer", "Arnold", "Pfeiffer", "Wöstmann", "Brinkmann",
    "Brüggemann", "Terhorst", "Hüsing", "Overbeck", "Hölscher", "Wessels", "Tenbrink", "Hagedorn", "Kemper",
    "Niehues", "Röttger", "Austermann", "Bußmann", "Voß", "Strauß", "Meißner", "Preuß", "Rößler", "Kießling",
    "Lütke-Wöstmann", "Schulze-Hagen", "Özdemir", "Yilmaz", "Kaya", "Demir", "Arslan", "Çelik", "Kowalski",
    "Nowak", "Wisniewski", "Lewandowski", "Zielinski", "Nguyen", "Tran", "Pham", "Rossi", "Esposito",
    "Papadopoulos", "Ivanov", "Petrovic", "Horvat", "Jankowski", "Dąbrowski",
)  # fmt: skip
# "Dąbrowski" would not survive cp1252; it is filtered out below (kept here to show why the filter exists).
SURNAMES = tuple(s for s in SURNAMES if s.encode("cp1252", "ignore").decode("cp1252") == s)

TWIN_SURNAMES = (
    ("Meyer", "Meier", "Maier", "Mayer"),
    ("Schmidt", "Schmitt", "Schmitz"),
    ("Hoffmann", "Hofmann"),
    ("Schulz", "Schulze", "Schultze"),
    ("Wolf", "Wolff"),
    ("Vogt", "Voigt"),
    ("Lang", "Lange"),
    ("Peters", "Petersen"),
    ("Schröder", "Schröter"),
)
_TWIN_OF = {name: group for group in TWIN_SURNAMES for name in group}

FIRST_NAMES_F = (
    "Anna", "Maria", "Petra", "Sabine", "Claudia", "Martina", "Andrea", "Birgit", "Julia", "Laura", "Lena",
    "Sarah", "Katharina", "Monika", "Ursula", "Gisela", "Heike", "Anja", "Nicole", "Stefanie", "Ayse",
    "Elif", "Fatma", "Zeynep", "Agnieszka", "Katarzyna", "Linh", "Mai", "Olga", "Irina", "Sofia", "Giulia",
    "Jana", "Ilse", "Renate", "Doris", "Jutta", "Silke", "Tanja", "Yvonne", "Hannelore", "Marlene",
)  # fmt: skip
FIRST_NAMES_M = (
    "Thomas", "Michael", "Andreas", "Stefan", "Frank", "Markus", "Christian", "Peter", "Klaus", "Jürgen",
    "Wolfgang", "Hans", "Heinz", "Dieter", "Uwe", "Jörg", "Ralf", "Sven", "Jan", "Lukas", "Felix", "Tobias",
    "Mehmet", "Mustafa", "Emre", "Can", "Piotr", "Tomasz", "Duc", "Minh", "Sergej", "Dimitri", "Marco",
    "Luca", "Georgios", "Bernd", "Matthias", "Dirk", "Kai", "Timo", "Hermann", "Günter",
)  # fmt: skip

BRANDS = (
    "Nordlicht", "Westfalen", "Hansa", "Aasee", "Sonnenschein", "Leuchtturm", "Hafenblick", "Domblick",
    "Stadttor", "Rosengarten", "Südwind", "Eichenhain", "Löwen", "Falken", "Kastanienhof", "Lindenblüte",
    "Regenbogen", "Wasserturm", "Musterstädter", "Goldstern", "Morgenrot", "Nordstern", "Westwind",
    "Grünspecht", "Silberpfeil", "Brückenkopf", "Seeblick", "Mühlenrad",
)  # fmt: skip
PHARMACY_NAMES = (
    "Aasee", "Hansa", "Löwen", "Rosen", "Sonnen", "Stern", "Markt", "Linden", "Adler", "Einhorn", "Hirsch",
    "Rathaus", "Bahnhof", "Dom", "Burg", "Kronen", "Schloss", "Hafen", "Park", "Post", "Flora", "Mühlen",
    "Glocken", "Marien", "Engel", "Brunnen", "Eichen", "Raben", "Schwanen", "Turm", "Tor", "Ring", "Kloster",
    "Bären", "Greifen", "Falken", "Stadt", "Sonnenhof", "Westfalen", "Nordstern", "Kastanien", "Storchen",
)  # fmt: skip
LANDMARKS = {  # "Apotheke am Markt" -> district and street ("" = any street of the district)
    "am Markt": ("Altstadt", "Markt"),
    "am Dom": ("Altstadt", "Domplatz"),
    "an der Großen Straße": ("Altstadt", "Große Straße"),
    "an der Kirchstraße": ("Altstadt", "Kirchstraße"),
    "am Rathaus": ("Altstadt", "Rathausplatz"),
    "am Aasee": ("Aaseestadt", "Am Aasee"),
    "im Hafen": ("Hafen", ""),
    "am Lindenhof": ("Lindenhof", "Am Lindenhof"),
    "an der Mühle": ("Mühlenbach", "Am Mühlenteich"),
    "am Schlossgarten": ("Schlossfeld", "Am Schlossgarten"),
    "am Wasserturm": ("Nordviertel", "Am Wasserturm"),
    "im Nordviertel": ("Nordviertel", ""),
}
INNS = (
    "Zum Anker", "Zum Goldenen Löwen", "Zum Alten Fährhaus", "Zum Krug", "Zum Schwan", "Zum Grünen Baum",
    "Zum Hirsch", "Zur Alten Post", "Zur Linde", "Zum Weißen Roß", "Zur Mühle", "Zum Stadtkrug",
)  # fmt: skip

LEGAL_FORMS = (
    "GmbH",
    "GmbH & Co. KG",
    "e.K.",
    "AG",
    "UG (haftungsbeschränkt)",
    "eG",
    "OHG",
    "KG",
    "GbR",
    "Einzelunternehmen",
)
SOLE_TRADERS = ("e.K.", "Einzelunternehmen")

# Legal-form weights by the kind of name; a company named after a person is rarely an AG.
_FORMS_DEFAULT = {
    "Einzelunternehmen": 30, "GmbH": 28, "e.K.": 12, "GmbH & Co. KG": 7, "GbR": 6,
    "UG (haftungsbeschränkt)": 6, "OHG": 3, "KG": 3,
}  # fmt: skip
_FORMS_BY_TEMPLATE = {
    "pre_first_s": {"Einzelunternehmen": 50, "e.K.": 30, "GmbH": 8, "UG (haftungsbeschränkt)": 4},
    "two_s": {"GbR": 30, "OHG": 20, "GmbH": 20, "KG": 8, "GmbH & Co. KG": 8},
    "soehne": {"GmbH & Co. KG": 40, "GmbH": 30, "KG": 20, "OHG": 10},
    "brand_suf": {
        "GmbH": 45, "UG (haftungsbeschränkt)": 15, "GmbH & Co. KG": 8, "AG": 4, "eG": 4, "KG": 3,
        "OHG": 3, "e.K.": 4, "GbR": 4, "Einzelunternehmen": 5,
    },
}  # fmt: skip
_FORMS_BY_TEMPLATE["special"] = _FORMS_BY_TEMPLATE["brand_suf"]
_FORMS_PHARMACY = {"e.K.": 85, "OHG": 15}
# Legal forms of companies with a sibling of the same words (``form_siblings``), and the variant
# kinds that would lose the form that tells the two apart.
_SIBLING_FORMS = ("GmbH", "GmbH & Co. KG", "e.K.", "AG", "UG (haftungsbeschränkt)", "eG", "OHG", "KG", "GbR")
_FORM_LOST = frozenset({"rechtsform_weg", "rechtsform_falsch"})


@dataclass(frozen=True)
class Activity:
    name: str
    weight: float
    prefixes: tuple[str, ...]  # "{prefix} Schäfer"
    suffixes: tuple[str, ...]  # "Schäfer {suffix}", "Nordlicht {suffix}"
    specials: tuple[str, ...] = ()  # whole patterns with {S} surname, {F} first name, {B} brand ...
    employees: tuple[int, int] = (1, 20)
    area: tuple[float, float] = (40.0, 400.0)
    industrial: bool = False  # craft / trade: "& Söhne" names, mostly in the industrial estate
    shop: bool = False  # retail: "... am Markt", mostly in the old town
    templates: dict[str, float] | None = None  # overrides the template weights


ACTIVITIES = (
    Activity(
        "Bäckerei", 4,
        ("Bäckerei", "Backhaus", "Bäckerei und Konditorei", "Landbäckerei"),
        ("Backstube", "Backwaren", "Brotmanufaktur", "Feinbäckerei"),
        ("Bäckerei {S}s Backstube", "{S}s Backstube", "{S}s Brotladen"),
        (2, 45), (60, 450), shop=True,
    ),
    Activity(
        "Elektroinstallation", 5,
        ("Elektro", "Elektrotechnik", "Elektroservice"),
        ("Elektrotechnik", "Elektro", "Elektroanlagen", "Elektro- und Gebäudetechnik"),
        (), (1, 40), (40, 900), industrial=True,
    ),
    Activity(
        "Steuerberatung", 4,
        ("Steuerberatung", "Steuerkanzlei", "Steuerbüro"),
        ("Steuerberatung", "Steuerberatungsgesellschaft", "Treuhand"),
        ("Steuerkanzlei Dr. {S} & Partner", "Dr. {S} & Kollegen Steuerberatung"),
        (2, 30), (60, 500),
    ),
    Activity(
        "Autohaus", 3,
        ("Autohaus", "Autozentrum", "Autoservice"),
        ("Automobile", "Autohaus", "Autoservice", "Fahrzeugtechnik"),
        (), (3, 90), (400, 6000), industrial=True,
    ),
    Activity(
        "Gastronomie", 6,
        ("Restaurant", "Café", "Bistro", "Imbiss", "Pizzeria"),
        ("Gastronomie", "Catering", "Eventgastronomie", "Partyservice"),
        ("Gaststätte „{G}“", "Gasthaus „{G}“", "Café {B}", "Bistro {B}", "{S}s Bistro"),
        (1, 35), (50, 600), shop=True,
    ),
    Activity(
        "Sanitär und Heizung", 5,
        ("Sanitär und Heizung", "Heizung und Sanitär", "Haustechnik", "Bad und Heizung"),
        ("Haustechnik", "Sanitärtechnik", "Heizungsbau", "Sanitär & Heizung"),
        (), (1, 40), (60, 1200), industrial=True,
    ),
    Activity(
        "Versicherungsagentur", 4,
        ("Versicherungsbüro", "Versicherungsagentur", "Versicherungsmakler"),
        ("Versicherungen", "Versicherungsmakler", "Finanz- und Versicherungsservice"),
        (), (1, 12), (30, 200), shop=True,
    ),
    Activity(
        "Buchhandlung", 1.5,
        ("Buchhandlung", "Bücherstube", "Buch und Papier"),
        ("Bücher", "Buch & Papier", "Buchhandlung"),
        (), (1, 15), (40, 500), shop=True,
    ),
    Activity(
        "IT-Dienstleistung", 5,
        ("IT-Service", "EDV-Service", "IT-Systemhaus"),
        ("IT-Service", "IT-Solutions", "Systemhaus", "Software", "Datentechnik", "IT-Consulting"),
        ("{B} IT-Service", "{B} Software", "{B} Digital"),
        (1, 60), (25, 800),
    ),
    Activity(
        "Bauunternehmen", 5,
        ("Bauunternehmung", "Hoch- und Tiefbau", "Straßen- und Tiefbau", "Bauunternehmen"),
        ("Bau", "Bauservice", "Bauunternehmen", "Hochbau", "Straßenbau", "Bau und Sanierung"),
        ("{S} & Söhne Bau",), (3, 120), (200, 8000), industrial=True,
    ),
    Activity(
        "Blumenhandel", 2,
        ("Blumen", "Blumenhaus", "Floristik", "Blumen und Pflanzen"),
        ("Blumen", "Floristik", "Blumenwerkstatt"),
        ("{S}s Blumenladen",), (1, 10), (30, 400), shop=True,
    ),
    Activity(
        "Apotheke", 1.5,
        ("Apotheke",), ("Apotheke",),
        ("{A}-Apotheke", "{A}-Apotheke {D}", "Apotheke {D}"),
        (3, 25), (80, 400), shop=True, templates={"special": 3, "landmark": 1},
    ),
    Activity(
        "Fahrschule", 2,
        ("Fahrschule",), ("Fahrschule",),
        ("Fahrschule {B}",), (1, 12), (40, 250),
    ),
    Activity(
        "Friseur", 5,
        ("Friseursalon", "Friseur", "Haarstudio", "Salon"),
        ("Haardesign", "Friseure", "Hair & Beauty", "Haarwerk"),
        ("{F}s Haarstudio", "Salon {F}", "Haarstudio {F}"),
        (1, 15), (30, 250), shop=True,
    ),
    Activity(
        "Metzgerei", 2.5,
        ("Metzgerei", "Fleischerei", "Landmetzgerei"),
        ("Fleisch- und Wurstwaren", "Partyservice", "Landfleischerei"),
        ("{S}s Hofladen", "Metzgerei {S}s Wurstküche"), (2, 30), (60, 500), shop=True,
    ),
    Activity(
        "Optiker", 2,
        ("Optik", "Augenoptik", "Brillenstudio"),
        ("Optik", "Augenoptik", "Brillen & Kontaktlinsen", "Hörakustik und Optik"),
        (), (1, 15), (40, 250), shop=True,
    ),
    Activity(
        "Reisebüro", 1.5,
        ("Reisebüro", "Reisecenter"), ("Reisen", "Touristik", "Reisewelt"),
        ("{B} Reisen", "Reisebüro {B}"), (1, 12), (30, 200), shop=True,
    ),
    Activity(
        "Druckerei", 2,
        ("Druckerei", "Druckhaus", "Copyshop"),
        ("Druck", "Druck & Medien", "Mediengestaltung", "Druckerei"),
        ("{B} Druck",), (1, 50), (80, 3000), industrial=True,
    ),
    Activity(
        "Immobilien", 4,
        ("Immobilien", "Immobilienbüro", "Hausverwaltung"),
        ("Immobilien", "Immobilienverwaltung", "Grundbesitz", "Wohnbau", "Hausverwaltung"),
        ("{B} Immobilien", "Wohnungsgenossenschaft {D}", "Bauverein {D}"),
        (1, 25), (30, 400),
    ),
    Activity(
        "Landschaftsbau", 3,
        ("Garten- und Landschaftsbau", "Gartenbau", "Gartengestaltung"),
        ("Gartenbau", "Landschaftsbau", "Grünpflege", "Gartengestaltung", "Garten- und Landschaftsbau"),
        (), (1, 40), (150, 5000), industrial=True,
    ),
    Activity(
        "Physiotherapie", 3,
        ("Physiotherapie", "Praxis für Physiotherapie", "Krankengymnastik"),
        ("Physio", "Therapiezentrum", "Physiotherapie", "Reha & Training"),
        ("Physiotherapie {B}",), (1, 25), (60, 600),
    ),
    Activity(
        "Brauerei", 0.8,
        ("Brauerei", "Brauhaus", "Hausbrauerei"),
        ("Bräu", "Brauerei", "Brauhaus", "Braumanufaktur"),
        ("{B} Bräu", "{B} Brauhaus"), (2, 150), (200, 9000), industrial=True,
    ),
    Activity(
        "Fitnessstudio", 2,
        ("Fitnessstudio", "Fitness", "Sportstudio"),
        ("Fitness", "Gym", "Sportpark", "Fitnessclub"),
        ("{B} Fitness", "{B} Gym"), (2, 30), (200, 2500),
    ),
    Activity(
        "Spedition", 2.5,
        ("Spedition", "Transporte", "Logistik"),
        ("Logistik", "Spedition", "Transporte", "Logistik und Lagerung"),
        ("{B} Logistik", "Gebrüder {S} Transporte", "Spedition Gebrüder {S}"), (3, 200), (500, 20000), industrial=True,
    ),
    Activity(
        "Tischlerei", 3,
        ("Tischlerei", "Schreinerei", "Möbeltischlerei", "Bau- und Möbeltischlerei"),
        ("Holzbau", "Möbelwerkstatt", "Innenausbau", "Holzwerkstatt"),
        ("{S} & Söhne Holzbau",), (1, 35), (100, 2500), industrial=True,
    ),
)  # fmt: skip
ACTIVITY_BY_NAME = {a.name: a for a in ACTIVITIES}

_TEMPLATE_WEIGHTS = {
    "pre_s": 30,
    "s_suf": 20,
    "brand_suf": 8,
    "pre_first_s": 10,
    "two_s": 6,
    "soehne": 3,
    "landmark": 5,
    "special": 10,
}

# Register rows that are always there (when the register is large enough): the look-alikes of the
# exercise text. (group, name without legal form, legal form, activity, owner surname or "")
# Members of a group are confusable with each other; at most one of them sponsored.
ANCHORS = (
    ("hoffmann", "Elektro Hoffmann", "GmbH", "Elektroinstallation", ""),
    ("hoffmann", "Hoffmann Elektrotechnik", "GmbH", "Elektroinstallation", ""),
    ("schaefer", "Bäckerei Schäfer", "e.K.", "Bäckerei", "Schäfer"),
    ("schaefer", "Bäckerei Schäfers Backstube", "GmbH", "Bäckerei", ""),
    ("mueller", "Müller Bau", "GmbH", "Bauunternehmen", ""),
    ("mueller", "Müller Bauservice", "GmbH", "Bauunternehmen", ""),
    ("mueller", "Müller & Söhne Bau", "GmbH & Co. KG", "Bauunternehmen", ""),
    ("meyer", "Bäckerei Meyer", "e.K.", "Bäckerei", "Meyer"),
    ("meyer", "Bäckerei Meier", "Einzelunternehmen", "Bäckerei", "Meier"),
    ("nordlicht", "Nordlicht IT-Service", "GmbH", "IT-Dienstleistung", ""),
    ("nordlicht", "Nordlicht IT-Solutions", "UG (haftungsbeschränkt)", "IT-Dienstleistung", ""),
    ("", "Autohaus Wöstmann", "GmbH", "Autohaus", ""),
    ("", "Steuerkanzlei Dr. Brinkmann & Partner", "GbR", "Steuerberatung", ""),
    ("", "Sanitär und Heizung Özdemir", "GmbH", "Sanitär und Heizung", ""),
    ("", "Aasee-Apotheke", "e.K.", "Apotheke", ""),
    ("", "Gaststätte „Zum Anker“", "Einzelunternehmen", "Gastronomie", ""),
    ("", "Fahrschule Kowalski", "Einzelunternehmen", "Fahrschule", "Kowalski"),
    ("", "Friseursalon Nguyen", "e.K.", "Friseur", "Nguyen"),
    ("", "Hansa Reisen", "GmbH", "Reisebüro", ""),
    ("", "Spedition Gebrüder Strauß", "GmbH & Co. KG", "Spedition", ""),
    ("", "Musterstädter Brauhaus", "AG", "Brauerei", ""),
    ("", "Buchhandlung an der Großen Straße", "OHG", "Buchhandlung", ""),
    ("", "Weiß & Kießling Garten- und Landschaftsbau", "GbR", "Landschaftsbau", ""),
    ("", "Westfalen Wohnbau", "eG", "Immobilien", ""),
)

# Sponsors from town that are not in the company register.
NOT_REGISTERED_FIXED = (
    "Förderverein Grundschule Am Lindenhof e.V.",
    "Familie Brüggemann",
    "Heimatverein Musterstadt e.V.",
    "Schützenverein St. Hubertus Musterstadt 1888 e.V.",
)
_NOT_REGISTERED_PATTERNS = (
    ("Familie {S}", 4),
    ("{F} {S}", 3),
    ("{F} und {F2} {S}", 1.5),
    ("Förderverein {SCHOOL} {D} e.V.", 2),
    ("{CLUB} {D} e.V.", 3),
    ("{CLUB} Musterstadt {YEAR} e.V.", 1),
    ("Zahnarztpraxis Dr. {S}", 1.5),
    ("Hausarztpraxis Dr. {F} {S}", 1),
    ("Rechtsanwälte {S} & {S2}", 1),
    ("Architekturbüro {S}", 1),
    ("Tierarztpraxis {S}", 0.7),
    ("Ingenieurbüro {S}", 0.7),
    ("Kirchengemeinde {CHURCH}", 0.5),
    ("{SERVICE} Musterstadt", 0.5),
)
_SCHOOLS = ("Grundschule", "Gesamtschule", "Gymnasium", "Realschule", "Kita", "Familienzentrum")
_CLUBS = (
    "Sportverein", "Turnverein", "Heimatverein", "Schützenverein", "Karnevalsverein", "Musikverein",
    "Bürgerverein", "Kleingartenverein", "Tennisclub", "Ruderverein", "Kulturverein", "Chorgemeinschaft",
)  # fmt: skip
_CHURCHES = ("St. Marien", "St. Lamberti", "St. Josef", "St. Ludgeri", "Christuskirche", "Erlöserkirche")
_SERVICE_CLUBS = ("Lions Club", "Rotary Club", "Round Table", "Soroptimist International", "Kiwanis Club")

# Sponsors from other towns that do not resemble a register company.
OUTSIDE_FIXED = (
    ("Kreissparkasse Musterland", "Kreisstadt Musterland"),
    ("Volksbank Nachbarstadt eG", "Nachbarstadt"),
    ("Energieversorgung Musterland AG", "Kreisstadt Musterland"),
    ("Hafenauer Zeitungsverlag GmbH & Co. KG", "Hafenau"),
)
_OUTSIDE_NOUNS = (
    "Getränkehandel", "Landmaschinen", "Baustoffe", "Windenergie", "Möbelhaus", "Logistikzentrum",
    "Landhandel", "Molkerei", "Reifendienst", "Küchenstudio", "Gerüstbau", "Dachdeckerei", "Kieswerk",
    "Autovermietung", "Gebäudereinigung", "Sicherheitsdienst", "Malerbetrieb", "Elektrogroßhandel",
    "Fensterbau", "Recycling", "Energieberatung", "Eventtechnik", "Zeltverleih", "Bühnentechnik",
    "Getränkemarkt", "Orgelbau", "Kältetechnik",
)  # fmt: skip

# Review cases: the first word of a trade cut short, as on a hand-typed list. Beyond the usual
# abbreviations ("Str.", "Gebr."), a reader still sees the company, a string comparison only half.
_STRONG_ABBREVIATIONS = {
    "Autohaus": "Autoh.",
    "Gartengestaltung": "Gartengest.",
    "Hausverwaltung": "Hausverw.",
    "Krankengymnastik": "Krankengym.",
    "Steuerberatung": "Steuerber.",
    "Versicherungsagentur": "Versich.-Agentur",
}
# Clubs are written short ("TV" Turnverein, "SV" Sportverein, "SC" Sportclub, "TC" Tennisclub); a club
# named like register firms ("SC Wasserturm") needs a long name word to come close to them.
_CLUB_ABBREVIATIONS = ("TV", "SV", "SC", "TC")
_CLUB_WORD_MIN = 8

AMOUNTS_COMPANY = (100, 150, 200, 250, 300, 400, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 5000)
AMOUNTS_PRIVATE = (50, 75, 100, 150, 200, 250, 300, 500)

# --------------------------------------------------------------------------------------------------
# Normalisation used to keep the register unambiguous (never for matching: that is the exercise)
# --------------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "ç": "c"})
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_KEY_DROP = frozenset({"dr", "fa", "firma"})
_WORD_RE = re.compile(r"[^\W\d_]+")


def _tokens(text: str) -> list[str]:
    text = text.casefold().translate(_FOLD).replace("&", " und ").replace("+", " und ")
    return [t for t in _TOKEN_RE.findall(text) if t not in _KEY_DROP]


def name_key(base: str) -> tuple[str, ...]:
    """Sorted word set of a name without legal form: case, umlauts, "&"/"und", punctuation and
    word order do not count. Two register names never share a key, except the pairs made on purpose
    with ``form_siblings``."""
    return tuple(sorted(_tokens(base)))


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (insertion, deletion, substitution, adjacent swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def german_amount(value: float) -> str:
    """1250 -> "1.250,00"."""
    return f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_QWERTZ = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "rzg", "z": "tuh", "u": "zij", "i": "uok",
    "o": "ipl", "p": "oü", "ü": "p", "a": "qsy", "s": "adwx", "d": "sfec", "f": "dgrv", "g": "fhtb",
    "h": "gjzn", "j": "hkum", "k": "jli", "l": "kö", "ö": "lä", "ä": "ö", "y": "xa", "x": "ycs",
    "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Variant kinds: how a register name gets typed into the sponsor list
# --------------------------------------------------------------------------------------------------


@dataclass
class _Parts:
    prefix: str
    base: str
    sep: str
    form: str
    text: str = ""
    changed_letters: bool = False

    def compose(self) -> str:
        return f"{self.prefix}{self.base}{self.sep}{self.form}" if self.form else f"{self.prefix}{self.base}"


@dataclass(frozen=True)
class _Kind:
    name: str
    group: str  # at most one kind per group and name
    weight: float  # how common the mistake is
    stage: int  # application order; stage >= 10 works on the composed text


_KINDS = (
    _Kind("tippfehler_einfuegung", "buchstaben", 4, 0),
    _Kind("tippfehler_auslassung", "buchstaben", 4, 0),
    _Kind("tippfehler_vertauschung", "buchstaben", 4, 0),
    _Kind("dr_weg", "punkt", 3, 1),
    _Kind("punkt_weg", "punkt", 2, 1),
    _Kind("abkuerzung", "abk", 3, 2),
    _Kind("wortfolge", "wortfolge", 4, 3),
    _Kind("und_statt_kaufmannsund", "und", 5, 4),
    _Kind("kaufmannsund_statt_und", "und", 3, 4),
    _Kind("plus_statt_kaufmannsund", "und", 1, 4),
    _Kind("bindestrich_weg", "strich", 3, 5),
    _Kind("bindestrich_extra", "strich", 2, 5),
    _Kind("anfuehrungszeichen", "zitat", 3, 5),
    _Kind("firma_vorangestellt", "firma", 2, 5),
    _Kind("rechtsform_weg", "rechtsform", 12, 6),
    _Kind("gmbh_mit_punkten", "rechtsform", 4, 6),
    _Kind("gmbh_schreibweise", "rechtsform", 4, 6),
    _Kind("gmbh_als_mbh", "rechtsform", 2, 6),
    _Kind("co_kg_schreibweise", "rechtsform", 4, 6),
    _Kind("ek_schreibweise", "rechtsform", 4, 6),
    _Kind("ug_schreibweise", "rechtsform", 3, 6),
    _Kind("rechtsform_schreibweise", "rechtsform", 2, 6),
    _Kind("rechtsform_falsch", "rechtsform", 3, 6),
    _Kind("rechtsform_ausgeschrieben", "rechtsform", 1, 6),
    _Kind("komma_vor_rechtsform", "leer", 2, 7),
    _Kind("leerzeichen_fehlt", "leer", 2, 7),
    _Kind("umlaut_ae", "umlaut", 5, 8),
    _Kind("umlaut_ohne_punkte", "buchstaben", 2, 8),
    _Kind("ss_statt_sz", "sz", 4, 8),
    _Kind("grossbuchstaben", "gross", 5, 10),
    _Kind("kleinbuchstaben", "gross", 2, 10),
    _Kind("titelschreibung", "gross", 2, 10),
    _Kind("leerzeichen_doppelt", "leer", 2, 11),
    _Kind("leerzeichen_rand", "leer", 2, 11),
)
KIND_NAMES = tuple(k.name for k in _KINDS)
_KIND_BY_NAME = {k.name: k for k in _KINDS}
# Safe kinds for outside look-alikes (the name is somebody else's anyway).
_LOOKALIKE_KINDS = (
    "rechtsform_weg",
    "rechtsform_falsch",
    "gmbh_mit_punkten",
    "umlaut_ae",
    "grossbuchstaben",
    "und_statt_kaufmannsund",
    "wortfolge",
    "ek_schreibweise",
    "co_kg_schreibweise",
)

_ABBREVIATIONS = (
    (re.compile(r"Gebrüder"), "Gebr."),
    (re.compile(r"(?<=[a-zäöü])straße\b"), "str."),
    (re.compile(r"\bStraße\b"), "Str."),
    (re.compile(r"Garten- und Landschaftsbau"), "GaLaBau"),
    (re.compile(r"Elektrotechnik"), "E-Technik"),
    (re.compile(r"Versicherungen"), "Vers."),
    (re.compile(r"Hoch- und Tiefbau"), "Hoch-/Tiefbau"),
    (re.compile(r"Sanitär und Heizung"), "Sanitär/Heizung"),
    (re.compile(r"Heizung und Sanitär"), "Heizung/Sanitär"),
    (re.compile(r"Bäckerei und Konditorei"), "Bäckerei u. Konditorei"),
    (re.compile(r"Steuerberatungsgesellschaft"), "StBG"),
    (re.compile(r"Praxis für "), "Praxis f. "),
    (re.compile(r"\bund Partner\b|& Partner\b"), "& Partner"),
    (re.compile(r"Immobilienverwaltung"), "Immob.-Verwaltung"),
)
_UMLAUT_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_UMLAUT_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})
_FORM_SPELLINGS = {
    "gmbh_schreibweise": ("Gmbh", "GMBH", "gmbh"),
    "co_kg_schreibweise": ("GmbH & Co KG", "GmbH u. Co. KG", "GmbH + Co. KG", "GmbH&Co.KG", "GmbH & Co.KG"),
    "ek_schreibweise": ("e. K.", "eK", "e.Kfm.", "e.K", "EK"),
    "ug_schreibweise": ("UG", "UG (haftungsbeschr.)", "UG haftungsbeschränkt", "UG (h.b.)"),
}
_FORM_OTHER_SPELLINGS = {
    "OHG": ("oHG", "O.H.G."),
    "KG": ("K.G.", "Kg"),
    "eG": ("e.G.", "EG"),
    "AG": ("A.G.", "Ag"),
    "GbR": ("G.b.R.", "Gbr"),
}
_FORM_WRONG = {
    "GmbH": ("GmbH & Co. KG", "UG", "AG"),
    "GmbH & Co. KG": ("GmbH", "KG"),
    "UG (haftungsbeschränkt)": ("GmbH",),
    "e.K.": ("GmbH", "e.V."),
    "OHG": ("GbR", "KG"),
    "KG": ("GmbH & Co. KG", "OHG"),
    "AG": ("GmbH",),
    "eG": ("e.V.", "GmbH"),
    "GbR": ("OHG", "GmbH"),
    "": ("e.K.", "GmbH"),
}
_FORM_LONG = {
    "AG": "Aktiengesellschaft",
    "eG": "eingetragene Genossenschaft",
    "e.K.": "eingetragener Kaufmann",
    "GmbH": "Gesellschaft mbH",
    "KG": "Kommanditgesellschaft",
    "GbR": "Gesellschaft bürgerlichen Rechts",
    "OHG": "offene Handelsgesellschaft",
}


# --------------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------------


@dataclass
class _Company:
    base: str
    rechtsform: str
    suffix: str  # legal form as written in the name ("" for sole proprietors without entry, "& Partner")
    activity: Activity
    key: tuple[str, ...]
    inhaber: str = ""
    group: str = ""
    district: str = ""
    street: str = ""
    plz: str = ""
    employees: int = 1
    area: float = 0.0
    index: int = -1
    number: str = ""

    @property
    def name(self) -> str:
        return f"{self.base} {self.suffix}" if self.suffix else self.base


class Sample(NamedTuple):
    companies: pd.DataFrame
    sponsors: pd.DataFrame
    truth: pd.DataFrame
    # per sponsor row: the variant kinds applied (empty if none); for a review case its kind (REVIEW_KINDS)
    variant_kinds: tuple[tuple[str, ...], ...]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    items = [k for k, w in weights.items() if w > 0]
    return rng.choices(items, [weights[k] for k in items])[0]


def _race_order(rng: random.Random, items: list[str], weights: dict[str, float]) -> list[str]:
    """Weighted random order without replacement (exponential race)."""
    return sorted(items, key=lambda k: -math.log(1.0 - rng.random()) / weights[k])


@dataclass
class _Builder:
    rng: random.Random
    owner_of_key: dict[tuple[str, ...], int] = field(default_factory=dict)
    companies: list[_Company] = field(default_factory=list)
    _neighbours: dict[tuple[str, ...], list[str]] | None = None
    kind_usage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_NAMES, 0))
    sponsor_names: set[str] = field(default_factory=set)
    _pending: list[_Company] = field(default_factory=list)  # look-alike siblings waiting for a slot
    form_siblings: float = 0.0  # share of the register in pairs with the same words, other legal form
    sibling_keys: set[tuple[str, ...]] = field(default_factory=set)  # keys such pairs share

    # ---------------------------------------------------------------- register -------------------

    def _person(self, surname: str = "", female: bool | None = None) -> tuple[str, str, bool]:
        r = self.rng
        if female is None:
            female = r.random() < 0.5
        first = r.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        return first, surname or r.choice(SURNAMES), female

    def _pattern(self, act: Activity, template: str) -> str:
        r = self.rng
        if template == "pre_s":
            return f"{r.choice(act.prefixes)} {{S}}"
        if template == "s_suf":
            return f"{{S}} {r.choice(act.suffixes)}"
        if template == "brand_suf":
            return f"{{B}} {r.choice(act.suffixes)}"
        if template == "pre_first_s":
            return f"{r.choice(act.prefixes)} {{F}} {{S}}"
        if template == "two_s":
            return f"{{S}} {r.choice(('&', '&', '&', 'und'))} {{S2}} {r.choice(act.suffixes)}"
        if template == "soehne":
            return f"{{S}} & Söhne {r.choice(act.suffixes)}"
        if template == "landmark":
            return f"{r.choice(act.prefixes)} {{L}}"
        return r.choice(act.specials)

    def _template(self, act: Activity) -> str:
        if act.templates:
            return _weighted(self.rng, act.templates)
        weights = dict(_TEMPLATE_WEIGHTS)
        if not act.industrial:
            weights["soehne"] = 0
        if not act.shop:
            weights["landmark"] = 0
        if not act.specials:
            weights["special"] = 0
        return _weighted(self.rng, weights)

    def _values(self, pattern: str) -> dict[str, str]:
        r = self.rng
        values: dict[str, str] = {}
        female = r.random() < 0.5
        first = r.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        while "{F}s" in pattern and first[-1] in "sxzß":
            first = r.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        surname = r.choice(SURNAMES)
        while "{S}s" in pattern and (surname[-1] in "sxzß" or "-" in surname):
            surname = r.choice(SURNAMES)
        second = r.choice(SURNAMES)
        while second == surname:
            second = r.choice(SURNAMES)
        values.update(
            F=first,
            S=surname,
            S2=second,
            B=r.choice(BRANDS),
            L=r.choice(tuple(LANDMARKS)),
            G=r.choice(INNS),
            D=r.choice(DISTRICT_NAMES),
            A=r.choice(PHARMACY_NAMES),
            female="1" if female else "",
        )
        return values

    def _form(self, act: Activity, template: str, pattern: str) -> tuple[str, str]:
        """(Rechtsform, the legal form as written in the name)."""
        if act.name == "Apotheke":
            form = _weighted(self.rng, _FORMS_PHARMACY)
        elif "genossenschaft" in pattern or pattern.startswith("Bauverein"):
            form = "eG"
        elif "& Partner" in pattern:
            return "GbR", ""
        elif template == "special" and ("{S}" in pattern or "{F}" in pattern):
            form = _weighted(self.rng, _FORMS_DEFAULT)  # named after a person: no AG, no eG
        else:
            form = _weighted(self.rng, _FORMS_BY_TEMPLATE.get(template, _FORMS_DEFAULT))
        return form, "" if form == "Einzelunternehmen" else form

    def _add(self, company: _Company) -> bool:
        if company.key in self.owner_of_key or not company.key:
            return False
        self.owner_of_key[company.key] = len(self.companies)
        self.companies.append(company)
        return True

    def _company_from(self, act: Activity, template: str, pattern: str, values: dict[str, str]) -> _Company:
        r = self.rng
        base = pattern.format(**values)
        rechtsform, suffix = self._form(act, template, pattern)
        inhaber = ""
        if rechtsform in SOLE_TRADERS:
            if "{S}" in pattern and "{F}" in pattern:
                inhaber = f"{values['F']} {values['S']}"
            elif "{S}" in pattern:
                first, _, _ = self._person()
                inhaber = f"{first} {values['S']}"
            elif "{F}" in pattern:
                surname = r.choice(SURNAMES)
                inhaber = f"{values['F']} {surname}"
            else:
                first, surname, _ = self._person()
                inhaber = f"{first} {surname}"
        company = _Company(base, rechtsform, suffix, act, name_key(base), inhaber)
        # A district or landmark in the name is where the company is.
        if "{L}" in pattern:
            company.district, company.street = LANDMARKS[values["L"]]
        elif "{D}" in pattern:
            company.district = values["D"]
        return company

    def _new_company(self, act: Activity) -> _Company | None:
        r = self.rng
        for attempt in range(30):
            template = self._template(act)
            pattern = self._pattern(act, template)
            values = self._values(pattern)
            if attempt >= 10 and "{D}" not in pattern and "{L}" not in pattern:
                pattern = f"{pattern} {{D}}"  # the small name spaces are used up: add the district ...
            if attempt >= 20:  # ... then a branch number
                pattern = f"{pattern} Filiale {attempt - 18}"
            company = self._company_from(act, template, pattern, values)
            if self._add(company):
                self._sibling(company, act, template, pattern, values)
                return company
        # Practically unreachable; keeps the generator total for any size.
        base = f"{act.prefixes[0]} {r.choice(SURNAMES)} {r.choice(DISTRICT_NAMES)} {len(self.companies)}"
        company = _Company(base, "GmbH", "GmbH", act, name_key(base))
        self._add(company)
        return company

    def _sibling(
        self, company: _Company, act: Activity, template: str, pattern: str, values: dict[str, str]
    ) -> None:
        """Now and then a look-alike beside the new company: same person, other name pattern
        ("Müller Bau" / "Müller Bauservice"), or a twin surname with the same pattern ("Meyer" / "Meier")."""
        r = self.rng
        if "{S}" not in pattern:
            return
        roll = r.random()
        if roll < 0.10:
            other_template = r.choice(
                [t for t in ("pre_s", "s_suf", "pre_first_s", "two_s") if t != template]
            )
            other = self._pattern(act, other_template)
            sibling = self._company_from(act, other_template, other, values)
        elif roll < 0.14 and values["S"] in _TWIN_OF:
            twin = r.choice([s for s in _TWIN_OF[values["S"]] if s != values["S"]])
            sibling = self._company_from(act, template, pattern, {**values, "S": twin})
        else:
            return
        sibling.group = company.group = company.group or f"fam{len(self.companies)}"
        self._pending.append(sibling)

    def build_register(self, n: int) -> list[_Company]:
        r = self.rng
        for group, base, form, activity, surname in ANCHORS[:n]:
            act = ACTIVITY_BY_NAME[activity]
            suffix = "" if form == "Einzelunternehmen" or "& Partner" in base else form
            company = _Company(base, form, suffix, act, name_key(base), group=group)
            for landmark, (district, street) in LANDMARKS.items():
                if base.endswith(landmark):
                    company.district, company.street = district, street
            if form in SOLE_TRADERS:
                first, last, _ = self._person(surname)
                company.inhaber = f"{first} {last}"
            if not self._add(company):
                raise AssertionError(f"anchor {base!r} is not unique")
        # Every activity at least twice (so a chart by activity has all bars), then by weight.
        guaranteed = [a for a in ACTIVITIES for _ in range(2)]
        r.shuffle(guaranteed)
        weights = [a.weight for a in ACTIVITIES]
        pairs = round(n * self.form_siblings / 2)
        for size in (n - pairs, n) if pairs else (n,):
            while len(self.companies) < size:
                if self._pending:
                    sibling = self._pending.pop()
                    self._add(sibling)
                    continue
                act = guaranteed.pop() if guaranteed else r.choices(ACTIVITIES, weights)[0]
                self._new_company(act)
            self._pending.clear()
            if size < n:
                self._form_siblings(pairs)
        for company in self.companies:
            self._place(company)
        order = list(range(len(self.companies)))
        r.shuffle(order)
        shuffled = [self.companies[i] for i in order]
        number = r.randint(100, 400)
        for index, company in enumerate(shuffled):
            company.index = index
            company.number = f"GR-{number:06d}"
            number += r.randint(1, 3)
        self.companies = shuffled
        self.owner_of_key = {c.key: c.index for c in shuffled}
        return shuffled

    def _form_siblings(self, pairs: int) -> None:
        """Up to `pairs` companies get a sibling with the same words and another legal form, half of
        them in the other word order ("Schuster Malerbetrieb KG" / "Malerbetrieb Schuster AG")."""
        r = self.rng
        eligible = [
            c
            for c in self.companies
            if c.suffix in _SIBLING_FORMS and (not c.group or c.group.startswith("fam"))
        ]
        for company in r.sample(eligible, min(pairs, len(eligible))):
            form = r.choice([f for f in _SIBLING_FORMS if f != company.suffix])
            base = company.base
            words = base.split(" ")
            if len(words) == 2 and not any(c in base for c in "„“&") and r.random() < 0.5:
                base = f"{words[1]} {words[0]}"
            sibling = _Company(base, form, form, company.activity, company.key)
            if form in SOLE_TRADERS:
                first, surname, _ = self._person()
                sibling.inhaber = f"{first} {surname}"
            if company.street:  # named after a landmark: the same place
                sibling.district, sibling.street = company.district, company.street
            self.companies.append(sibling)
            self.sibling_keys.add(company.key)

    def append_form_sibling(self, company: _Company, form: str) -> _Company:
        """A company with the same words as `company` and another legal form, in the same district,
        appended to the (already numbered) register."""
        suffix = "" if form == "Einzelunternehmen" else form
        sibling = _Company(
            company.base, form, suffix, company.activity, company.key, district=company.district
        )
        if form in SOLE_TRADERS:
            first, surname, _ = self._person()
            sibling.inhaber = f"{first} {surname}"
        self._place(sibling)
        sibling.index = len(self.companies)
        last = int(self.companies[-1].number.removeprefix("GR-")) if self.companies else 100
        sibling.number = f"GR-{last + self.rng.randint(1, 3):06d}"
        self.companies.append(sibling)
        self.sibling_keys.add(company.key)
        return sibling

    def _place(self, company: _Company) -> None:
        r = self.rng
        act = company.activity
        if act.industrial:
            weights = {d: 1.0 for d in DISTRICT_NAMES} | {"Gewerbegebiet Ost": 5.0, "Hafen": 3.0}
        elif act.shop:
            weights = {d: 1.0 for d in DISTRICT_NAMES} | {"Altstadt": 3.0, "Gewerbegebiet Ost": 0.3}
        else:
            weights = {d: 1.0 for d in DISTRICT_NAMES} | {"Gewerbegebiet Ost": 0.5}
        district = company.district or _weighted(r, weights)
        postcodes, streets = DISTRICTS[district]
        number = str(r.randint(1, 150 if act.industrial else 90))
        roll = r.random()
        if roll < 0.10:
            number += r.choice("abc")
        elif roll < 0.13:
            number = f"{number}-{int(number) + 2}"
        company.district = district
        company.street = f"{company.street or r.choice(streets)} {number}"
        company.plz = r.choice(postcodes)
        lo, hi = act.employees
        if company.rechtsform in SOLE_TRADERS:
            hi = min(hi, 12)
        elif company.rechtsform == "AG":
            lo, hi = max(lo, 40), hi * 3
        elif company.rechtsform in ("GmbH & Co. KG", "KG"):
            lo = max(lo, 4)
        hi = max(hi, lo + 1)
        share = r.random() ** 1.6
        company.employees = round(lo * (hi / lo) ** share)
        a_lo, a_hi = act.area
        company.area = round(a_lo * (a_hi / a_lo) ** (0.6 * share + 0.4 * r.random()), 1)

    # ---------------------------------------------------------------- variants -------------------

    def _neighbour_words(self, rest: tuple[str, ...]) -> list[str]:
        if self._neighbours is None:
            index: dict[tuple[str, ...], list[str]] = {}
            for key in self.owner_of_key:
                for i, word in enumerate(key):
                    index.setdefault(key[:i] + key[i + 1 :], []).append(word)
            self._neighbours = index
        return self._neighbours.get(rest, [])

    def _typo_is_clear(self, company: _Company, word: str, typo: str) -> bool:
        """A human must still see which company is meant: no other register name differs from the
        typed one only in a word that is one edit away from the typo."""
        original = _tokens(word)
        changed = _tokens(typo)
        if len(original) != 1 or len(changed) != 1:
            return False
        rest = list(company.key)
        if original[0] not in rest:
            return False
        rest.remove(original[0])
        for other in self._neighbour_words(tuple(rest)):
            if other != original[0] and _within_one_edit(other, changed[0]):
                return False
        return True

    def _typo(self, parts: _Parts, company: _Company, kind: str) -> bool:
        r = self.rng
        words = [m for m in _WORD_RE.finditer(parts.base) if len(m.group()) >= 6]
        if not words:
            return False
        for _ in range(6):
            match = r.choice(words)
            word = match.group()
            if kind == "tippfehler_einfuegung":
                i = r.randint(1, len(word) - 1)
                prev = word[i - 1]
                if r.random() < 0.6 or prev.lower() not in _QWERTZ:
                    extra = prev.lower()
                else:
                    extra = r.choice(_QWERTZ[prev.lower()])
                typo = word[:i] + extra + word[i:]
            elif kind == "tippfehler_auslassung":
                i = r.randint(1, len(word) - 1)
                typo = word[:i] + word[i + 1 :]
            else:
                i = r.randint(1, len(word) - 2)
                if word[i] == word[i + 1]:
                    continue
                typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if typo != word and self._typo_is_clear(company, word, typo):
                parts.base = parts.base[: match.start()] + typo + parts.base[match.end() :]
                parts.changed_letters = True
                return True
        return False

    def _apply(self, kind: str, parts: _Parts, company: _Company) -> bool:
        """Apply one variant kind in place; False when it does not apply to this name."""
        r = self.rng
        if kind in _FORM_LOST and company.key in self.sibling_keys:
            return False  # only the legal form tells this company from its sibling
        before = (parts.prefix, parts.base, parts.sep, parts.form, parts.text)
        base, form = parts.base, parts.form
        if kind.startswith("tippfehler_"):
            if parts.changed_letters:
                return False
            return self._typo(parts, company, kind)
        if kind == "dr_weg":
            parts.base = re.sub(r"\bDr\.\s*", "", base)
        elif kind == "punkt_weg":
            parts.base = base.replace(".", "")
        elif kind == "abkuerzung":
            usable = [(p, s) for p, s in _ABBREVIATIONS if p.search(base) and p.sub(s, base, count=1) != base]
            if usable:
                pattern, short = r.choice(usable)
                parts.base = pattern.sub(short, base, count=1)
        elif kind == "wortfolge":
            words = base.split(" ")
            if len(words) == 2 and not any(c in base for c in "„“&"):
                parts.base = f"{words[1]} {words[0]}"
        elif kind == "und_statt_kaufmannsund":
            parts.base = base.replace(" & ", " und ")
        elif kind == "kaufmannsund_statt_und":
            parts.base = base.replace(" und ", " & ")
        elif kind == "plus_statt_kaufmannsund":
            parts.base = base.replace(" & ", " + ")
        elif kind == "bindestrich_weg":
            parts.base = re.sub(r"(?<=\w)-(?=\w)", r.choice([" ", ""]), base, count=1)
        elif kind == "bindestrich_extra":
            parts.base = re.sub(r"(?<=[^\W\d_]{3}) (?=[^\W\d_]{3})", "-", base, count=1)
        elif kind == "anfuehrungszeichen":
            if "„" in base:
                quote = r.choice(['"', ""])
                parts.base = base.replace("„", quote).replace("“", quote)
        elif kind == "firma_vorangestellt":
            parts.prefix = r.choice(("Fa. ", "Firma ", "Fa "))
        elif kind == "rechtsform_weg":
            parts.form = ""
        elif kind == "gmbh_mit_punkten":
            parts.form = form.replace("GmbH", "G.m.b.H.")
        elif kind == "gmbh_als_mbh":
            if form == "GmbH":
                parts.form = r.choice(("mbH", "Ges.m.b.H."))
        elif kind in _FORM_SPELLINGS:
            wanted = {
                "gmbh_schreibweise": "GmbH" in form and "&" not in form,
                "co_kg_schreibweise": form == "GmbH & Co. KG",
                "ek_schreibweise": form == "e.K.",
                "ug_schreibweise": form.startswith("UG"),
            }[kind]
            if wanted:
                spelling = r.choice(_FORM_SPELLINGS[kind])
                parts.form = form.replace("GmbH", spelling) if kind == "gmbh_schreibweise" else spelling
        elif kind == "rechtsform_schreibweise":
            if form in _FORM_OTHER_SPELLINGS:
                parts.form = r.choice(_FORM_OTHER_SPELLINGS[form])
        elif kind == "rechtsform_falsch":
            if form == company.suffix:
                parts.form = r.choice(_FORM_WRONG.get(form, ("GmbH",)))
        elif kind == "rechtsform_ausgeschrieben":
            if form in _FORM_LONG:
                parts.form = _FORM_LONG[form]
        elif kind == "komma_vor_rechtsform":
            if form and parts.sep == " ":
                parts.sep = ", "
        elif kind == "leerzeichen_fehlt":
            options = []
            if form and parts.sep == " ":
                options.append("sep")
            if " & " in base:
                options.append("amp")
            if options:
                if r.choice(options) == "sep":
                    parts.sep = ""
                else:
                    parts.base = base.replace(" & ", "&", 1)
        elif kind == "umlaut_ae":
            parts.base, parts.form = base.translate(_UMLAUT_AE), form.translate(_UMLAUT_AE)
        elif kind == "umlaut_ohne_punkte":
            if parts.changed_letters:
                return False
            parts.base, parts.form = base.translate(_UMLAUT_PLAIN), form.translate(_UMLAUT_PLAIN)
            parts.changed_letters = parts.base != base
        elif kind == "ss_statt_sz":
            parts.base = base.replace("ß", "ss")
        elif kind == "grossbuchstaben":
            parts.text = parts.text.upper()
        elif kind == "kleinbuchstaben":
            parts.text = parts.text.lower()
        elif kind == "titelschreibung":
            parts.text = parts.text.title()
        elif kind == "leerzeichen_doppelt":
            spaces = [m.start() for m in re.finditer(" ", parts.text)]
            if spaces:
                i = r.choice(spaces)
                parts.text = parts.text[:i] + " " + parts.text[i:]
        elif kind == "leerzeichen_rand":
            parts.text = r.choice((" " + parts.text, parts.text + " ", parts.text + "  "))
        else:  # pragma: no cover - guarded by KIND_NAMES
            raise ValueError(kind)
        return (parts.prefix, parts.base, parts.sep, parts.form, parts.text) != before

    def _render(self, company: _Company, kinds: list[str]) -> tuple[str, tuple[str, ...]] | None:
        """Apply the kinds in stage order; the typed name and the kinds that changed something."""
        parts = _Parts("", company.base, " ", company.suffix)
        applied = []
        for kind in sorted(kinds, key=lambda k: _KIND_BY_NAME[k].stage):
            if _KIND_BY_NAME[kind].stage >= 10 and not parts.text:
                parts.text = parts.compose()
            if self._apply(kind, parts, company):
                applied.append(kind)
        if not parts.text:
            parts.text = parts.compose()
        if not applied or parts.text == company.name:
            return None
        key = name_key(parts.base)
        if key != company.key and key in self.owner_of_key:
            return None  # would read as another register company
        return parts.text, tuple(applied)

    def _applicable(self, kind: str, company: _Company) -> bool:
        return self._render(company, [kind]) is not None

    def variant(self, company: _Company) -> tuple[str, tuple[str, ...]]:
        """A hand-typed variant: the rarest usable kind first (so a small sample shows many kinds,
        a large one shows them by their weight), plus zero to two further kinds of other groups."""
        r = self.rng
        weights = {k.name: k.weight for k in _KINDS}
        for _ in range(8):
            unused = [k for k in KIND_NAMES if self.kind_usage[k] == 0]
            used = [k for k in KIND_NAMES if self.kind_usage[k] > 0]
            order = _race_order(r, unused, weights) + sorted(
                used, key=lambda k: (self.kind_usage[k] + r.random()) / weights[k]
            )
            primary = next((k for k in order if self._applicable(k, company)), None)
            if primary is None:
                break
            kinds = [primary]
            extra = r.choices((0, 1, 2), (35, 45, 20))[0]
            groups = {_KIND_BY_NAME[primary].group}
            for kind in _race_order(r, list(KIND_NAMES), weights):
                if len(kinds) > extra:
                    break
                if _KIND_BY_NAME[kind].group not in groups and self._applicable(kind, company):
                    kinds.append(kind)
                    groups.add(_KIND_BY_NAME[kind].group)
            rendered = self._render(company, kinds)
            if rendered and rendered[0].strip().casefold() not in self.sponsor_names:
                for kind in rendered[1]:
                    self.kind_usage[kind] += 1
                return rendered
        text = company.name.upper()  # always distinct from the register spelling
        self.kind_usage["grossbuchstaben"] += 1
        return text, ("grossbuchstaben",)

    def lookalike(self, company: _Company) -> str:
        """The name of a register company as used by a firm in another town."""
        r = self.rng
        if r.random() < 0.45:
            return company.name
        for kind in _race_order(
            r, list(_LOOKALIKE_KINDS), {k: _KIND_BY_NAME[k].weight for k in _LOOKALIKE_KINDS}
        ):
            parts = _Parts("", company.base, " ", company.suffix)
            if kind == "grossbuchstaben":
                parts.text = parts.compose()
            if self._apply(kind, parts, company):
                return parts.text or parts.compose()
        return company.name

    # ---------------------------------------------------------------- other sponsors -------------

    def _unique(self, name: str) -> bool:
        folded = name.strip().casefold()
        if folded in self.sponsor_names or name_key(name) in self.owner_of_key:
            return False
        self.sponsor_names.add(folded)
        return True

    def not_registered(self, fixed: list[str]) -> tuple[str, str]:
        """(name, contact person) of a sponsor from town that is not in the register."""
        r = self.rng
        while fixed:
            name = fixed.pop(0)
            if self._unique(name):
                return name, self.contact()
        weights = dict(_NOT_REGISTERED_PATTERNS)
        for attempt in range(50):
            pattern = _weighted(r, weights)
            first, surname, female = self._person()
            values = {
                "S": surname,
                "F": first,
                "F2": r.choice(FIRST_NAMES_M if female else FIRST_NAMES_F),
                "S2": r.choice(SURNAMES),
                "D": r.choice(DISTRICT_NAMES),
                "SCHOOL": r.choice(_SCHOOLS),
                "CLUB": r.choice(_CLUBS),
                "YEAR": str(r.randint(1850, 1990)),
                "CHURCH": r.choice(_CHURCHES),
                "SERVICE": r.choice(_SERVICE_CLUBS),
            }
            name = pattern.format(**values)
            if attempt > 30:
                name = f"{name} ({values['D']})"
            if self._unique(name):
                if pattern.startswith("{F}"):
                    contact = "" if r.random() < 0.6 else f"{first} {surname}"
                elif pattern.startswith("Familie"):
                    contact = f"{r.choice(FIRST_NAMES_F + FIRST_NAMES_M)} {surname}"
                else:
                    contact = self.contact()
                return name, contact
        raise RuntimeError("no unique sponsor name left")  # pragma: no cover

    def outside(self, fixed: list[tuple[str, str]]) -> tuple[str, str]:
        """(name, town) of a sponsor from another town that does not resemble a register company."""
        r = self.rng
        while fixed:
            name, town = fixed.pop(0)
            if self._unique(name):
                return name, town
        for attempt in range(50):
            town = r.choice(tuple(OUTSIDE_TOWNS))
            noun = r.choice(_OUTSIDE_NOUNS)
            roll = r.random()
            if roll < 0.35:
                base = f"{OUTSIDE_TOWNS[town]} {noun}"
            elif roll < 0.7:
                base = f"{noun} {r.choice(SURNAMES)}"
            else:
                base = f"{r.choice(SURNAMES)} {noun}"
            if attempt > 30:
                base = f"{base} {r.choice(SURNAMES)}"
            form = _weighted(r, _FORMS_DEFAULT)
            name = base if form == "Einzelunternehmen" else f"{base} {form}"
            if self._unique(name):
                return name, town
        raise RuntimeError("no unique outside sponsor name left")  # pragma: no cover

    def contact(self, inhaber: str = "") -> str:
        r = self.rng
        roll = r.random()
        if inhaber and roll < 0.6:
            return inhaber
        if roll < 0.15:
            return ""
        first, surname, female = self._person()
        if roll < 0.27:
            return f"{'Frau' if female else 'Herr'} {surname}"
        if roll < 0.33:
            return f"Dr. {first} {surname}"
        return f"{first} {surname}"

    def amount(self, employees: int | None) -> str:
        r = self.rng
        if employees is None:
            return german_amount(r.choice(AMOUNTS_PRIVATE))
        centre = min(len(AMOUNTS_COMPANY) - 1, int(math.log2(employees + 1) * 1.6))
        i = max(0, min(len(AMOUNTS_COMPANY) - 1, centre + r.randint(-3, 2)))
        return german_amount(AMOUNTS_COMPANY[i])


def _counts(n_sponsors: int, n_companies: int) -> tuple[int, int, int, int]:
    """(register sponsors, outside look-alikes, other outside sponsors, not in the register)."""
    n_outside = round(n_sponsors * OUTSIDE_SHARE)
    n_not_registered = round(n_sponsors * NOT_REGISTERED_SHARE)
    n_registered = n_sponsors - n_outside - n_not_registered
    n_lookalike = math.ceil(n_outside * LOOKALIKE_SHARE_OF_OUTSIDE)
    # A small register cannot carry many sponsors: keep at least one company that did not sponsor.
    spare = max(0, n_companies - 1)
    n_lookalike = min(n_lookalike, spare // 2)
    n_registered_max = max(0, spare - n_lookalike)
    if n_registered > n_registered_max:
        n_not_registered += n_registered - n_registered_max
        n_registered = n_registered_max
    n_outside_other = n_outside - n_lookalike
    return n_registered, n_lookalike, n_outside_other, n_not_registered


def _choose_sponsors(
    b: _Builder, n_registered: int, n_lookalike: int
) -> tuple[list[_Company], list[_Company]]:
    """Register companies that sponsored, and register companies whose name an outside firm shares."""
    r = b.rng
    companies = b.companies
    chosen: list[_Company] = []
    sources: list[_Company] = []
    taken: set[int] = set()
    reserved: set[int] = set()
    # One company per activity and per district stays out, so the non-sponsors cover them all.
    by_activity: dict[str, list[int]] = {}
    by_district: dict[str, list[int]] = {}
    for c in companies:
        if not c.group or c.group.startswith("fam"):  # the anchor look-alikes are placed below
            by_activity.setdefault(c.activity.name, []).append(c.index)
            by_district.setdefault(c.district, []).append(c.index)
    candidate_reserve = {r.choice(v) for v in [*by_activity.values(), *by_district.values()]}
    if len(companies) - len(candidate_reserve) >= n_registered + n_lookalike + 1:
        reserved = candidate_reserve
    # The look-alike groups of the exercise: one member sponsored, another lends its name to an outside firm.
    groups: dict[str, list[_Company]] = {}
    for c in companies:
        if c.group and not c.group.startswith("fam"):
            groups.setdefault(c.group, []).append(c)
    anchors_single = [c for c in companies if c.base in {a[1] for a in ANCHORS if not a[0]}]
    anchors_single.sort(key=lambda c: c.base)
    budget = n_registered // 2
    for name in sorted(groups):
        members = sorted(groups[name], key=lambda c: c.base)
        if len(members) < 2 or len(chosen) >= budget:
            continue
        r.shuffle(members)
        chosen.append(members[0])
        taken.add(members[0].index)
        if len(sources) < n_lookalike:
            sources.append(members[1])
        for m in members[1:]:
            taken.add(m.index)
    for c in anchors_single:
        if len(chosen) < budget and r.random() < 0.6 and c.index not in reserved:
            chosen.append(c)
            taken.add(c.index)
    # The rest by size: larger firms sponsor more often (weighted sampling without replacement).
    pool = [c for c in companies if c.index not in taken and c.index not in reserved]
    need = n_registered - len(chosen)
    keyed = sorted(pool, key=lambda c: -math.log(1.0 - r.random()) / (1.0 + math.log1p(c.employees)))
    chosen.extend(keyed[:need])
    taken.update(c.index for c in keyed[:need])
    rest = [c for c in companies if c.index not in taken]
    more = n_lookalike - len(sources)
    if more > 0:
        sources.extend(r.sample(rest, min(more, len(rest))))
    return chosen, sources


_Row = tuple[str, str, str, str, _Company | None, str, tuple[str, ...]]


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _review_rows(b: _Builder, taken: set[int], city: Callable[[], str]) -> list[_Row]:
    """The review cases (see REVIEW_KINDS), from companies that did not sponsor otherwise; a kind is
    left out when the register has no company for it. May append a company to the register."""
    r = b.rng
    rows: list[_Row] = []
    # Not the look-alike groups of the exercise (ANCHORS), they have their own part to play; nor companies
    # with a namesake of another legal form (``form_siblings``), which would make it three of a name.
    free = [
        c
        for c in b.companies
        if c.index not in taken and (not c.group or c.group.startswith("fam")) and c.key not in b.sibling_keys
    ]
    free_ids = {c.index for c in free}

    def add(typed: str, company: _Company | None, contact: str, kind: str) -> None:
        b.sponsor_names.add(typed.casefold())
        if company:
            taken.add(company.index)
        amount = b.amount(company.employees if company else None)
        rows.append((typed, city(), amount, contact, company, REVIEW, (kind,)))

    def new(typed: str) -> bool:
        return typed.casefold() not in b.sponsor_names

    def surname_in(company: _Company, surname: str) -> bool:
        return _tokens(surname)[0] in _tokens(company.base)

    # A sole trader and a GmbH of the same words; the list leaves out the legal form. Only the contact
    # person, the trader's owner, tells which one sponsored.
    traders = [c for c in free if c.rechtsform == "e.K." and len(c.base.split()) >= 2 and new(c.base)]
    if traders:
        company = r.choice(traders)
        b.append_form_sibling(company, "GmbH")
        add(company.base, company, company.inhaber, FORM_SIBLING)

    # "{Trade} {Surname}" with the trade cut short, by at least a quarter of the letters left (less is no
    # real doubt): alone in its trade with that name, or beside a second company of the trade with the
    # name ("Versicherungsagentur Andreas Bußmann"); then the contact person is the owner of the one meant.
    clear: list[tuple[_Company, str]] = []
    beside: list[tuple[_Company, str]] = []
    for company in free:
        words = company.base.split(" ")
        if len(words) != 2 or words[0] not in _STRONG_ABBREVIATIONS or company.index in taken:
            continue
        typed = f"{_STRONG_ABBREVIATIONS[words[0]]} {words[1]}"
        cut = _letters(company.base) - _letters(typed)
        if not new(typed) or 4 * cut < _letters(typed):
            continue
        others = [
            c
            for c in b.companies
            if c is not company and c.activity is company.activity and surname_in(c, words[1])
        ]
        if not others:
            clear.append((company, typed))
        elif (
            len(others) == 1
            and others[0].index in free_ids
            and others[0].index not in taken
            and company.inhaber
            and others[0].inhaber != company.inhaber
            and len(others[0].base) > len(company.base)
        ):
            beside.append((company, typed))
    if beside:
        company, typed = r.choice(beside)
        add(typed, company, company.inhaber, TWO_CANDIDATES)
    clear = [(c, typed) for c, typed in clear if c.index not in taken]
    if clear:
        company, typed = r.choice(clear)
        add(typed, company, b.contact(company.inhaber), STRONG_ABBREVIATION)

    # Clubs named like firms of the register ("SV Regenbogen" beside "Regenbogen IT-Service GmbH"): one
    # word shared with one firm, one with several. Not in the register.
    by_word: dict[str, list[_Company]] = {}
    for company in b.companies:
        for word in dict.fromkeys(company.base.split(" ")):
            if word in BRANDS and len(word) >= _CLUB_WORD_MIN:
                by_word.setdefault(word, []).append(company)
    for pool in (
        sorted(w for w, cs in by_word.items() if len(cs) == 1),
        sorted(w for w, cs in by_word.items() if len(cs) > 1),
    ):
        names = [f"{club} {word}" for word in pool for club in _CLUB_ABBREVIATIONS]
        names = [name for name in names if new(name) and name_key(name) not in b.owner_of_key]
        if names:
            add(r.choice(names), None, b.contact(), CLUB)
    return rows


def build_sample(
    n_companies: int = 400,
    n_sponsors: int = 60,
    *,
    seed: int = 7,
    form_siblings: float = 0.0,
    review_cases: bool = False,
) -> Sample:
    """The three tables plus, per sponsor row, the variant kinds used to type it.

    ``form_siblings`` (0 to 1) puts that share of the register into pairs with the same words and
    another legal form (sometimes in the other word order); their sponsors keep the legal form.
    ``review_cases`` adds up to five sponsors beyond ``n_sponsors`` (and for one of them a company at
    the end of the register) that need a person's decision (see REVIEW_KINDS); the kind of case is
    their variant kind. They are drawn last and put in among the others: without them, the sample is
    the one without ``review_cases``.
    """
    if n_companies < 1 or n_sponsors < 0 or not 0.0 <= form_siblings <= 1.0:
        raise ValueError("n_companies must be >= 1, n_sponsors >= 0 and form_siblings between 0 and 1")
    rng = random.Random(seed)
    b = _Builder(rng, form_siblings=form_siblings)
    companies = b.build_register(n_companies)
    n_registered, n_lookalike, n_outside_other, n_not_registered = _counts(n_sponsors, n_companies)
    registered, sources = _choose_sponsors(b, n_registered, n_lookalike)

    rows: list[_Row] = []

    def city() -> str:
        return _weighted(rng, dict(CITY_SPELLINGS))

    # Exact spellings first (so their names are reserved), preferably not of the anchor firms whose
    # special characters make the better variants.
    anchor_names = {a[1] for a in ANCHORS}
    n_exact = round(len(registered) * EXACT_SHARE_OF_REGISTERED)
    plain = [c for c in registered if c.base not in anchor_names]
    exact = {c.index for c in rng.sample(plain, min(n_exact, len(plain)))}
    for c in registered:
        if c.index in exact:
            b.sponsor_names.add(c.name.casefold())
    for c in registered:
        if c.index in exact:
            typed, kinds, art = c.name, (), EXACT
        else:
            typed, kinds = b.variant(c)
            b.sponsor_names.add(typed.strip().casefold())
            art = VARIANT
        rows.append((typed, city(), b.amount(c.employees), b.contact(c.inhaber), c, art, kinds))
    towns = tuple(OUTSIDE_TOWNS)
    for c in sources:
        typed = b.lookalike(c)
        for _ in range(5):
            if typed.strip().casefold() not in b.sponsor_names:
                break
            typed = b.lookalike(c)
        b.sponsor_names.add(typed.strip().casefold())
        rows.append((typed, rng.choice(towns), b.amount(c.employees), b.contact(), None, LOOKALIKE, ()))
    fixed_outside = list(OUTSIDE_FIXED)
    rng.shuffle(fixed_outside)
    for _ in range(n_outside_other):
        name, town = b.outside(fixed_outside)
        rows.append((name, town, b.amount(rng.randint(2, 80)), b.contact(), None, OUTSIDE, ()))
    fixed_local = list(NOT_REGISTERED_FIXED)
    for _ in range(n_not_registered):
        name, contact = b.not_registered(fixed_local)
        rows.append((name, city(), b.amount(None), contact, None, NOT_REGISTERED, ()))
    rng.shuffle(rows)
    if review_cases:
        taken = {row[4].index for row in rows if row[4]} | {c.index for c in sources}
        for row in _review_rows(b, taken, city):
            rows.insert(rng.randint(0, len(rows)), row)
        companies = b.companies

    company_frame = pd.DataFrame(
        {
            "Betriebsnummer": [c.number for c in companies],
            "Firmenname": [c.name for c in companies],
            "Rechtsform": [c.rechtsform for c in companies],
            "Straße": [c.street for c in companies],
            "PLZ": [c.plz for c in companies],
            "Ort": [CITY] * len(companies),
            "Stadtteil": [c.district for c in companies],
            "Tätigkeit": [c.activity.name for c in companies],
            "Inhaber": [c.inhaber for c in companies],
            "Beschäftigte": pd.array([c.employees for c in companies], dtype="int64"),
            "Gewerbefläche_m2": pd.array([c.area for c in companies], dtype="float64"),
        }
    )
    sponsor_frame = pd.DataFrame(
        {
            "Sponsor": [row[0] for row in rows],
            "Ort": [row[1] for row in rows],
            "Betrag": [row[2] for row in rows],
            "Ansprechpartner": [row[3] for row in rows],
        },
        columns=list(SPONSOR_COLUMNS),
    )
    truth = pd.DataFrame(
        {
            "sponsor_index": pd.array(range(len(rows)), dtype="int64"),
            "company_index": pd.array([row[4].index if row[4] else pd.NA for row in rows], dtype="Int64"),
            "Betriebsnummer": [row[4].number if row[4] else "" for row in rows],
            "art": [row[5] for row in rows],
        },
        columns=list(TRUTH_COLUMNS),
    )
    return Sample(company_frame, sponsor_frame, truth, tuple(row[6] for row in rows))


def generate(
    n_companies: int = 400,
    n_sponsors: int = 60,
    *,
    seed: int = 7,
    form_siblings: float = 0.0,
    review_cases: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """companies, sponsors, truth (see the module docstring); deterministic for a seed."""
    sample = build_sample(
        n_companies, n_sponsors, seed=seed, form_siblings=form_siblings, review_cases=review_cases
    )
    return sample.companies, sample.sponsors, sample.truth


def build_app_sample() -> Sample:
    """The sample the sponsor page offers: default sizes, seed 7, with the review cases."""
    return build_sample(review_cases=True)


def write_sample(folder: Path = HERE) -> None:
    """Write the three CSV files of the app's sample the way German offices export them."""
    sample = build_app_sample()
    companies, sponsors, truth = sample.companies, sample.sponsors, sample.truth
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    companies.to_csv(
        folder / COMPANY_FILE, sep=";", index=False, encoding="utf-8-sig", decimal=",", lineterminator="\r\n"
    )
    sponsors.to_csv(folder / SPONSOR_FILE, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    truth.to_csv(folder / TRUTH_FILE, sep=";", index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":
    write_sample()
