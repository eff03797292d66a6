"""German readability (Flesch–Amstad, Wiener Sachtextformel): the measure, Markdown, and where it is shown."""

from __future__ import annotations

import textstat
from textstat.textstat import textstatistics

from tests.fakes import Reply
from tests.test_pages import load, no_exception, texts
from workbench import readability
from workbench.config import ConfigProblem
from workbench.readability import TOO_SHORT, measure, plain_text
from workbench.usecases import parse_usecase, read_catalog

EASY = """Sperrmüll: So melden Sie ihn an

Sie haben alte Möbel oder andere große Sachen? Dann holt die Stadt diese Sachen bei Ihnen ab.
Melden Sie den Sperrmüll vorher an. Das geht am Telefon, mit einem Brief oder im Internet.
Tun Sie das spätestens 14 Tage vor dem Termin. Zweimal im Jahr ist die Abholung kostenlos.
Stellen Sie die Sachen am Abholtag bis 6 Uhr an die Straße. Elektrogeräte und Farben nimmt die Stadt nicht mit."""

HARD = (
    "Die Abholung von Sperrmüll aus privaten Haushaltungen erfolgt im Stadtgebiet ausschließlich auf "
    "Abruf. Die Anmeldung ist unter Angabe der Abholanschrift sowie einer Auflistung der zur Entsorgung "
    "vorgesehenen Gegenstände spätestens 14 Tage vor dem gewünschten Abholtermin schriftlich, über das "
    "Online-Formular oder telefonisch beim Kundenservice des Abfallwirtschaftsbetriebs vorzunehmen. Bei "
    "nicht satzungsgemäßer Bereitstellung behält sich der Abfallwirtschaftsbetrieb vor, die Mitnahme "
    "ganz oder teilweise abzulehnen."
)

# Between the two, so that neither score is held at the end of its scale.
MEDIUM = (
    "Der Wertstoffhof nimmt Elektrogeräte, Altreifen und Bauschutt in haushaltsüblichen Mengen an. "
    "Bitte bringen Sie schadstoffhaltige Abfälle wie Farben oder Lösungsmittel nur zu den angekündigten "
    "Terminen des Schadstoffmobils. Die Öffnungszeiten finden Sie im Abfallkalender der Stadt."
)


def german() -> textstatistics:
    scorer = textstatistics()
    scorer.set_lang("de")
    return scorer


# --- the measure --------------------------------------------------------------------------------


def test_easy_text_scores_easier_than_hard_text_in_plausible_ranges():
    easy, hard = measure(EASY), measure(HARD)
    assert easy.measured and hard.measured
    assert easy.flesch_amstad > hard.flesch_amstad
    assert easy.wiener < hard.wiener
    assert 70 <= easy.flesch_amstad <= 100 and 4 <= easy.wiener <= 6
    assert 0 <= hard.flesch_amstad <= 35 and 12 <= hard.wiener <= 15
    assert easy.in_target and not hard.in_target
    assert easy.band in ("leicht", "sehr leicht") and hard.band == "sehr schwer"
    assert "im Zielbereich für Einfache Sprache" in easy.verdict
    assert "außerhalb des Zielbereichs" in hard.verdict
    assert (hard.sentences, hard.words) == (3, 61)


def test_scores_are_textstats_german_measures():
    """The values equal textstat's flesch_reading_ease with "de" (Amstad) and wiener_sachtextformel(…, 1)."""
    result = measure(MEDIUM)
    assert 0 < result.flesch_amstad < 100 and 4 < result.wiener < 15  # not held at the scale's ends
    prose = plain_text(MEDIUM)
    scorer = german()
    assert result.flesch_amstad == round(scorer.flesch_reading_ease(prose), 1)
    assert result.wiener == round(scorer.wiener_sachtextformel(prose, 1), 1)
    # Amstad: 180 - words per sentence - 58.5 * syllables per word
    words, sentences = scorer.lexicon_count(prose), scorer.sentence_count(prose)
    amstad = 180 - words / sentences - 58.5 * scorer.syllable_count(prose) / words
    assert result.flesch_amstad == round(amstad, 1)
    assert (result.words, result.sentences) == (words, sentences)


def test_the_shared_textstat_language_is_neither_used_nor_changed():
    before = measure(MEDIUM)
    textstat.set_lang("it")  # another part of a program switching the shared object
    try:
        assert readability.measure(MEDIUM) == before
    finally:
        textstat.set_lang("en_US")


def test_empty_and_short_texts_are_not_measured():
    for text in ("", "   \n\n", "Ja, gerne.", "# Überschrift\n\n- Punkt", "```\nprint('x')\n```"):
        result = measure(text)
        assert not result.measured and not result.in_target
        assert result.flesch_amstad is None and result.wiener is None
        assert result.band == TOO_SHORT
        assert "zu kurz für eine Messung" in result.verdict
    assert measure("Ja, gerne.").words == 2


def test_markdown_marks_are_removed_before_measuring():
    markdown = """# Sperrmüll

**Wichtig:** Melden Sie den Sperrmüll an, z. B. am Telefon.

- Die Abholung ist am 1. März 2025.
- Mehr dazu auf [unserer Seite](https://example.org/sperrmuell).

| Menge | Preis |
|---|---|
| 3 Kubikmeter | kostenlos |

```
code = "kein Text"
```
> Zitat ohne Punkt
1. Erster Schritt
2. Zweiter Schritt: __fertig__
"""
    assert plain_text(markdown).splitlines() == [
        "Sperrmüll.",
        "Wichtig: Melden Sie den Sperrmüll an, z B am Telefon.",
        "Die Abholung ist am 1 März 2025.",
        "Mehr dazu auf unserer Seite.",
        "Menge, Preis.",
        "3 Kubikmeter, kostenlos.",
        "Zitat ohne Punkt.",
        "Erster Schritt.",
        "Zweiter Schritt: fertig.",
    ]
    styled = "## Abholung\n\n" + "\n".join(f"- **{s.strip()}.**" for s in EASY.split(".") if s.strip())
    plain = "Abholung.\n" + "\n".join(f"{s.strip()}." for s in EASY.split(".") if s.strip())
    assert measure(styled) == measure(plain)


def test_abbreviations_and_dates_do_not_end_sentences():
    text = "Bitte bringen Sie z. B. Farben, Lacke usw. bis zum 1. März bzw. 01.04.2025 mit, vgl. Nr. 3 der Satzung."
    assert german().sentence_count(plain_text(text)) == 1
    text = "Wir nehmen Farben, Lacke usw. Die Annahme ist kostenlos. Siehe Art. 3 GG und Hauptstr. 5, S. 4."
    assert german().sentence_count(plain_text(text)) == 3


def test_long_text_is_measured():
    text = "\n\n".join([HARD, EASY, MEDIUM] * 30)[:20_000]
    result = measure(text)
    assert result.measured and result.words > 2_000


# --- the use-case definition --------------------------------------------------------------------


def test_readability_key_is_validated_and_set_for_einfache_sprache():
    base = {
        "id": "lesbar",
        "title": "Lesbar",
        "category": "Einfache/Leichte Sprache",
        "description": "Test",
        "schutzstufe": 1,
        "schutzstufe_reason": "Test",
        "prompt": "{text}",
        "fields": [{"name": "text", "label": "Text", "type": "long_text"}],
    }
    problems: list[ConfigProblem] = []
    assert parse_usecase({**base, "readability": "ja"}, "lesbar.toml", problems) is None
    assert [p.key for p in problems] == ["readability"]
    usecase = parse_usecase({**base, "readability": True}, "lesbar.toml", [])
    assert usecase is not None and usecase.readability and usecase.source_field().name == "text"
    assert not parse_usecase(base, "lesbar.toml", []).readability
    builtin = read_catalog().get("einfache_sprache")
    assert builtin.readability and builtin.source_field().name == "text"


# --- on screen ----------------------------------------------------------------------------------


def popover_labels(at) -> list[str]:
    return [block.proto.popover.label for block in at.get("popover")]


def test_usecase_page_compares_source_and_answer(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text=EASY))
    at = load("views/usecase.py", usecase_id="einfache_sprache", schutzstufe=2)
    no_exception(at)
    assert not at.metric  # nothing to measure before an answer
    at.button(key="uc_einfache_sprache_send_btn").click().run()
    no_exception(at)
    assert "Lesbarkeit im Vergleich" in texts(at.markdown)
    flesch = [m for m in at.metric if m.label == "Flesch–Amstad"]
    wiener = [m for m in at.metric if m.label == "Wiener Sachtextformel"]
    assert len(flesch) == len(wiener) == 2  # source text and answer
    source_value = float(flesch[0].value.replace(",", "."))
    answer_value = float(flesch[1].value.replace(",", "."))
    assert source_value < 40 < 70 < answer_value
    assert float(wiener[0].value.replace(",", ".")) > float(wiener[1].value.replace(",", "."))
    assert "Beide Werte liegen im Zielbereich für Einfache Sprache." in texts(at.markdown)
    assert "Zielbereich für Einfache Sprache: Flesch–Amstad ab 60" in texts(at.caption)
    assert len(fake_ollama.chat_requests) == 1  # measured without a model


def test_usecase_without_readability_shows_none(workbench_env, fake_ollama):
    fake_ollama.replies.append(Reply(text=EASY))
    at = load("views/usecase.py", usecase_id="pressemitteilung", schutzstufe=2)
    at.button(key="uc_pressemitteilung_send_btn").click().run()
    no_exception(at)
    assert not at.metric and not popover_labels(at)


def test_chat_shows_readability_under_each_answer(workbench_env, fake_ollama):
    fake_ollama.replies.extend([Reply(text=EASY), Reply(text="Gern geschehen.")])
    at = load("views/chat.py", schutzstufe=2)
    at.chat_input[0].set_value("Bitte erklären Sie die Sperrmüllabfuhr einfach.").run()
    no_exception(at)
    assert popover_labels(at) == ["Lesbarkeit: leicht"]  # under the answer just written
    assert [m.label for m in at.metric] == ["Flesch–Amstad", "Wiener Sachtextformel"]
    assert "im Zielbereich für Einfache Sprache" in texts(at.markdown)
    at.chat_input[0].set_value("Danke!").run()
    no_exception(at)
    assert popover_labels(at) == ["Lesbarkeit: leicht", f"Lesbarkeit: {TOO_SHORT}"]
    assert "zu kurz für eine Messung" in texts(at.markdown)
    assert len(fake_ollama.chat_requests) == 2
