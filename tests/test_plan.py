"""The running-order checks, table-driven, and reading the model's JSON."""

import json

import pytest

from workbench.plan import PlanFormatError, check_plan, correction_request, parse_plan

PEOPLE = ["Landrätin", "Vertreter eines überregional tätigen Großkonzerns", "lokaler Musiker"]


def plan_json(*segments, title="Neujahrsempfang"):
    keys = ("start_minute", "dauer_minuten", "titel", "format", "auf_der_buehne", "publikum")
    return json.dumps({"titel": title, "segmente": [dict(zip(keys, s, strict=True)) for s in segments]})


GOOD = [
    (0, 15, "Begrüßung", "Rede", ["Landrätin"], "hört zu"),
    (15, 25, "Zukunftstalk", "Talkrunde", ["Landrätin", "Konzernvertreter"], "stellt Fragen per App"),
    (40, 20, "Musik zum Jahresbeginn", "Live-Musik", ["Musiker"], "singt mit"),
]


CASES = [
    ("valid", GOOD, 60, 3, []),
    ("too long", [*GOOD[:2], (40, 35, "Musik", "Live-Musik", ["Musiker"], "singt")], 60, 3,
     ["Der Plan dauert 75 statt 60 Minuten.", "Der Plan endet erst bei Minute 75, vorgesehen sind 60 Minuten."]),
    ("gap", [GOOD[0], (20, 20, "Zukunftstalk", "Talkrunde", ["Landrätin", "Konzernvertreter"], "fragt"), GOOD[2]], 60, 3,
     ["Der Plan dauert 55 statt 60 Minuten.", "Zwischen Minute 15 und 20 ist nichts geplant."]),
    ("overlap", [GOOD[0], (10, 30, "Zukunftstalk", "Talkrunde", ["Landrätin", "Konzernvertreter"], "fragt"), GOOD[2]], 60, 3,
     ["Der Plan dauert 65 statt 60 Minuten.", "„Zukunftstalk“ (ab Minute 10) überschneidet sich mit „Begrüßung“ (bis Minute 15)."]),
    ("late start", [(5, 10, "Begrüßung", "Rede", ["Landrätin"], "hört"), *GOOD[1:]], 60, 3,
     ["Der Plan dauert 55 statt 60 Minuten.", "Der Plan beginnt erst bei Minute 5 statt bei Minute 0."]),
    ("missing person", [GOOD[0], (15, 25, "Zukunftstalk", "Talkrunde", ["Landrätin"], "fragt"), GOOD[2]], 60, 3,
     ["„Vertreter eines überregional tätigen Großkonzerns“ steht im Plan nicht auf der Bühne."]),
    ("too few formats", [GOOD[0], (15, 25, "Zweite Rede", "Rede", ["Konzernvertreter"], "hört"), GOOD[2]], 60, 3,
     ["Der Plan hat 2 statt 3 verschiedene Bühnenformate."]),
    ("zero duration", [*GOOD, (60, 0, "Abschluss", "Rede", ["Landrätin"], "geht")], 60, 3,
     ["„Abschluss“ hat keine gültige Dauer (0 Minuten)."]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "segments", "duration", "formats", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_check_plan(name, segments, duration, formats, expected):
    problems = check_plan(parse_plan(plan_json(*segments)), duration=duration, people=PEOPLE, formats=formats)
    assert problems == expected


def test_people_match_by_keywords():
    plan = parse_plan(plan_json(*GOOD))
    assert check_plan(plan, duration=60, people=["die Landrätin", "Musikerin"], formats=3) == []


@pytest.mark.parametrize(
    "text",
    [
        "Hier ist der Plan:\n```json\n" + plan_json(*GOOD) + "\n```\nViel Erfolg!",
        "Gern! " + plan_json(*GOOD),
        plan_json(*GOOD).replace('"dauer_minuten": 15', '"dauer_minuten": "15"'),
    ],
)
def test_parse_tolerates_wrapping(text):
    plan = parse_plan(text)
    assert [s.duration for s in plan.segments] == [15, 25, 20]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Leider kann ich keinen Plan erstellen.", "kein JSON"),
        ('{"segmente": [}', "fehlerhaft"),
        ('{"titel": "x"}', "segmente"),
        ('{"segmente": [{"start_minute": "früh", "dauer_minuten": 5}]}', "keine ganze Zahl"),
    ],
)
def test_parse_errors_are_german(text, message):
    with pytest.raises(PlanFormatError) as info:
        parse_plan(text)
    assert message in str(info.value)


def test_correction_request_lists_every_problem():
    text = correction_request(
        ["Der Plan dauert 75 statt 60 Minuten.", "„lokaler Musiker“ steht im Plan nicht auf der Bühne."]
    )
    assert "- Der Plan dauert 75 statt 60 Minuten." in text
    assert "„lokaler Musiker“" in text
    assert "JSON" in text
