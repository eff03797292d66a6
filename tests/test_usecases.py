"""The use-case catalogue: built-ins, a trainer's folder, broken files reported in German."""

from pathlib import Path

import pytest

from workbench.config import load_settings
from workbench.usecases import CATEGORIES, load_catalog, read_catalog

REQUIRED_BUILTINS = {
    "neujahrsempfang",
    "text_zusammenfassen",
    "einfache_sprache",
    "buergeranfrage_antwort",
    "pressemitteilung",
    "stellenausschreibung",
    "recherche_vergleich",
    "buergermeldungen_tabelle",
    "brandschutz_massnahmen",
}

TRAINER_CASE = """
id = "einladung_ehrenamt"
title = "Einladung zum Ehrenamtsempfang"
category = "Texte erstellen"
description = "Eine Einladung an Ehrenamtliche formulieren."
schutzstufe = 1
schutzstufe_reason = "Keine personenbezogenen Daten nötig."
prompt = "Schreiben Sie eine Einladung zum {anlass} am {datum}."
tips = ["Datum prüfen"]

[[fields]]
name = "anlass"
label = "Anlass"
type = "text"
default = "Ehrenamtsempfang"

[[fields]]
name = "datum"
label = "Datum"
type = "text"
default = "12. März"
"""


def settings_with(tmp_path: Path, folder: str = "uebungen"):
    (tmp_path / "workbench.toml").write_text(f'usecases_dir = "{folder}"\n', encoding="utf-8")
    return load_settings(env={}, path=tmp_path / "workbench.toml")


def test_builtins_load_cleanly():
    catalog = read_catalog()
    assert catalog.problems == []
    ids = {u.id for u in catalog.usecases}
    assert ids >= REQUIRED_BUILTINS
    for usecase in catalog.usecases:
        assert usecase.category in CATEGORIES
        assert usecase.schutzstufe in (1, 2) and usecase.schutzstufe_reason
        assert usecase.tips, usecase.id
        rendered = usecase.render(usecase.defaults())
        assert "{" not in rendered and rendered.strip()
        if usecase.kind == "table":
            assert usecase.columns
    assert {u.id: u.schutzstufe for u in catalog.usecases}["buergeranfrage_antwort"] == 2
    assert {u.id: u.kind for u in catalog.usecases}["neujahrsempfang"] == "plan"


def test_neujahrsempfang_has_the_guideline_scenario():
    usecase = next(u for u in load_catalog() if u.id == "neujahrsempfang")
    defaults = usecase.defaults()
    assert {"verwaltung", "einwohner", "gaeste", "buehne", "dauer", "formate", "ton"} <= set(defaults)
    assert defaults["dauer"] == 60 and defaults["formate"] == 3
    assert usecase.followups[0].label == "Zu harmlos – innovativere Formate, mit Beteiligung des Publikums"
    assert usecase.field("ton").options == ("klassisch", "innovativ", "mit Publikumsbeteiligung")


def test_trainer_folder_adds_cases(tmp_path):
    folder = tmp_path / "uebungen"
    folder.mkdir()
    (folder / "einladung.toml").write_text(TRAINER_CASE, encoding="utf-8")
    catalog = read_catalog(settings_with(tmp_path))
    assert catalog.problems == []
    case = catalog.get("einladung_ehrenamt")
    assert case is not None and not case.builtin
    assert case.render(case.defaults()) == "Schreiben Sie eine Einladung zum Ehrenamtsempfang am 12. März."


def test_trainer_file_replaces_a_builtin(tmp_path):
    folder = tmp_path / "uebungen"
    folder.mkdir()
    (folder / "eigen.toml").write_text(
        TRAINER_CASE.replace("einladung_ehrenamt", "pressemitteilung"), encoding="utf-8"
    )
    case = read_catalog(settings_with(tmp_path)).get("pressemitteilung")
    assert case.title == "Einladung zum Ehrenamtsempfang" and not case.builtin


@pytest.mark.parametrize(
    ("broken", "key", "words"),
    [
        (
            TRAINER_CASE.replace('category = "Texte erstellen"', 'category = "Sonstiges"'),
            "category",
            "Texte erstellen",
        ),
        (TRAINER_CASE.replace("schutzstufe = 1", "schutzstufe = 3"), "schutzstufe", "1 oder 2"),
        (TRAINER_CASE.replace("{datum}", "{uhrzeit}"), "prompt", "{uhrzeit}"),
        (
            TRAINER_CASE.replace('type = "text"\ndefault = "12. März"', 'type = "kalender"'),
            "fields[2].type",
            "long_text",
        ),
        (TRAINER_CASE.replace('title = "Einladung zum Ehrenamtsempfang"\n', ""), "title", "fehlt"),
        (
            TRAINER_CASE + '\n[[fields]]\nname = "art"\nlabel = "Art"\ntype = "choice"\n',
            "fields[3].options",
            "options",
        ),
        ("id = [kaputt", "", "kein gültiges TOML"),
    ],
)
def test_broken_files_are_reported_and_the_rest_still_loads(tmp_path, broken, key, words):
    folder = tmp_path / "uebungen"
    folder.mkdir()
    (folder / "kaputt.toml").write_text(broken, encoding="utf-8")
    (folder / "gut.toml").write_text(TRAINER_CASE, encoding="utf-8")
    catalog = read_catalog(settings_with(tmp_path))
    assert len(catalog.problems) == 1
    problem = catalog.problems[0]
    assert problem.file.endswith("kaputt.toml")
    assert problem.key == key
    assert words in str(problem)
    assert catalog.get("einladung_ehrenamt") is not None
    assert {u.id for u in catalog.usecases} >= REQUIRED_BUILTINS


def test_missing_folder_is_reported(tmp_path):
    catalog = read_catalog(settings_with(tmp_path, "gibt-es-nicht"))
    assert "nicht gefunden" in str(catalog.problems[0])


def test_new_file_appears_without_restart(tmp_path):
    folder = tmp_path / "uebungen"
    folder.mkdir()
    settings = settings_with(tmp_path)
    assert read_catalog(settings).get("einladung_ehrenamt") is None
    (folder / "neu.toml").write_text(TRAINER_CASE, encoding="utf-8")
    assert read_catalog(settings).get("einladung_ehrenamt") is not None


def test_a_use_case_can_limit_the_answer_length(tmp_path):
    from workbench.chat import Conversation

    folder = tmp_path / "uebungen"
    folder.mkdir()
    (folder / "kurz.toml").write_text(
        TRAINER_CASE.replace('tips = ["Datum prüfen"]', 'tips = ["Datum prüfen"]\nmax_tokens = 300'),
        encoding="utf-8",
    )
    (folder / "falsch.toml").write_text(
        TRAINER_CASE.replace('id = "einladung_ehrenamt"', 'id = "zu_kurz"').replace(
            'tips = ["Datum prüfen"]', 'tips = ["Datum prüfen"]\nmax_tokens = 3'
        ),
        encoding="utf-8",
    )
    catalog = read_catalog(settings_with(tmp_path))
    case = catalog.get("einladung_ehrenamt")
    assert case is not None and case.max_tokens == 300
    assert any("max_tokens" in str(p) and "16 und 200000" in str(p) for p in catalog.problems)
    request = Conversation(max_tokens=case.max_tokens).request("Hallo", 2, "ollama", None)
    assert request.max_tokens == 300
    assert Conversation().request("Hallo", 2, "ollama", None).max_tokens is None
