"""Notices: the same fields in German text, Markdown front matter and JSON."""

import json
import os
import subprocess
import sys
from datetime import datetime

from workbench.config import Classification
from workbench.transparency import (
    TIMEZONE,
    Notice,
    Turn,
    computed_notice,
    export_conversation_json,
    export_conversation_markdown,
    export_conversation_text,
    export_json,
    export_markdown,
    export_text,
)

MOMENT = datetime(2026, 1, 9, 14, 5, tzinfo=TIMEZONE)


def ai_notice(**kw) -> Notice:
    base = dict(
        ai_generated=True,
        created_at=MOMENT,
        model="llama3.2",
        endpoint_id="ollama",
        endpoint_label="Lokales Ollama",
        classification=Classification.LOCAL,
        schutzstufe=2,
        organisation="Stadt Musterstadt",
        organisation_notice="Es gilt die Dienstanweisung KI.",
    )
    base.update(kw)
    return Notice(**base)


def parse_front_matter(markdown: str) -> dict:
    """A tiny reader for the two-level YAML the exporter writes (values are JSON scalars)."""
    assert markdown.startswith("---\n")
    block = markdown.split("---\n", 2)[1]
    data: dict = {}
    current = None
    for line in block.splitlines():
        key, _, value = line.strip().partition(": ")
        if not line.startswith(" "):
            if line.endswith(":"):
                current = data.setdefault(line[:-1], {})
            else:
                data[key] = json.loads(value)
        else:
            current[key] = json.loads(value)
    return data


def test_notice_text_has_every_field():
    text = ai_notice().text()
    for part in (
        "llama3.2",
        "Lokales Ollama",
        "lokal",
        "Schutzstufe 2",
        "09.01.2026, 14:05 Uhr",
        "Letztverantwortung",
    ):
        assert part in text
    assert "Es gilt die Dienstanweisung KI." in text


def test_public_notice_says_data_leaves():
    notice = ai_notice(classification=Classification.PUBLIC, schutzstufe=1, endpoint_label="OpenAI")
    assert "öffentlicher Dienst" in notice.text()
    assert notice.to_dict()["data_leaves_organisation"] is True


def test_incomplete_answer_is_marked():
    notice = ai_notice(complete=False)
    assert "unvollständig" in notice.text()
    assert notice.to_dict()["complete"] is False


def test_markdown_export_carries_machine_readable_front_matter():
    md = export_markdown("Der Plan.", ai_notice(), title="Neujahrsempfang")
    meta = parse_front_matter(md)
    assert meta["title"] == "Neujahrsempfang"
    transparency = meta["transparency"]
    assert transparency["ai_generated"] is True
    assert transparency["model"] == "llama3.2"
    assert transparency["location"] == "lokal"
    assert transparency["schutzstufe"] == 2
    assert transparency["created_at"] == "2026-01-09T14:05:00+01:00"
    assert transparency["human_review_required"] is True
    # and the human-readable notice below the text
    body = md.split("---\n", 2)[2]
    assert body.index("Der Plan.") < body.index("**Transparenzhinweis:**")


def test_text_and_json_exports_carry_the_notice():
    notice = ai_notice()
    assert "Transparenzhinweis: Erstellt mit KI" in export_text("Antwort", notice)
    data = json.loads(export_json("Antwort", notice))
    assert data["content"] == "Antwort"
    assert data["transparency"] == notice.to_dict()
    assert data["transparency"]["notice"] == notice.text()


def test_computed_notice_says_without_ai():
    notice = computed_notice("Exakter Namensabgleich.")
    assert notice.to_dict()["ai_generated"] is False
    assert "ohne KI" in notice.text()
    assert "Exakter Namensabgleich." in notice.text()
    assert "Transparenzhinweis" not in export_text("Tabelle", notice)


def test_conversation_exports_keep_each_notice():
    turns = [
        Turn("user", "Frage 1"),
        Turn("assistant", "Antwort 1", ai_notice()),
        Turn("user", "Frage 2"),
        Turn("assistant", "Antwort 2", ai_notice(model="mistral")),
    ]
    md = export_conversation_markdown(turns)
    assert md.count("**Transparenzhinweis:**") == 2
    assert "ai_generated: true" in md.split("---\n", 2)[1]
    assert export_conversation_text(turns).count("Transparenzhinweis") == 2
    data = json.loads(export_conversation_json(turns))
    assert data["ai_generated"] is True
    assert [m.get("transparency", {}).get("model") for m in data["messages"]] == [
        None,
        "llama3.2",
        None,
        "mistral",
    ]


def test_berlin_time_without_a_system_zone_database(tmp_path):
    """Where the operating system has no zone database, the declared tzdata package supplies Berlin time."""
    code = "from workbench.transparency import now; print(now().tzinfo, now().utcoffset())"
    env = {**os.environ, "PYTHONTZPATH": ""}  # hides /usr/share/zoneinfo from zoneinfo
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Europe/Berlin")
