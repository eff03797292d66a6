"""Structured output: table rows checked against the schema; exports carry notices and stay inert."""

import csv
import io
import json

import docx
import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.fakes import Reply
from workbench.config import Classification
from workbench.exports import neutralize, to_csv, to_docx, to_xlsx
from workbench.gateway import ChatRequest
from workbench.structured import StructuredFormatError, check_rows, rows_frame
from workbench.transparency import Notice, computed_notice
from workbench.usecases import Column, rows_schema

COLUMNS = (
    Column("nr", "Nr.", "integer"),
    Column("anliegen", "Anliegen"),
    Column("dringlichkeit", "Dringlichkeit", allowed=("niedrig", "mittel", "hoch")),
    Column("rueckruf", "Rückruf erwünscht", "boolean"),
    Column("frist", "Frist", "date", required=False),
)


def test_rows_are_read_and_checked():
    answer = json.dumps(
        {
            "zeilen": [
                {
                    "nr": 1,
                    "anliegen": "Schlagloch",
                    "dringlichkeit": "hoch",
                    "rueckruf": True,
                    "frist": "2025-03-01",
                },
                {
                    "nr": "zwei",
                    "anliegen": "",
                    "dringlichkeit": "sofort",
                    "rueckruf": "vielleicht",
                    "frist": "morgen",
                },
                {"nr": 3, "anliegen": "Laterne", "dringlichkeit": "mittel", "rueckruf": False, "extra": "x"},
            ]
        }
    )
    frame = rows_frame("Hier die Tabelle:\n" + answer, COLUMNS)
    assert list(frame.columns) == ["nr", "anliegen", "dringlichkeit", "rueckruf", "frist"]
    issues = check_rows(frame, COLUMNS)
    assert [(i.row, i.column) for i in issues] == [
        (1, "nr"),
        (1, "anliegen"),
        (1, "dringlichkeit"),
        (1, "rueckruf"),
        (1, "frist"),
    ]
    assert "nicht erlaubt (erlaubt: niedrig, mittel, hoch)" in issues[2].message
    assert issues[1].message == "„Anliegen“ fehlt."


def test_broken_answers():
    with pytest.raises(StructuredFormatError):
        rows_frame("Das kann ich nicht.", COLUMNS)
    with pytest.raises(StructuredFormatError):
        rows_frame('{"ergebnis": 3}', COLUMNS)


def test_schema_lists_columns_required_and_allowed_values():
    schema = rows_schema(COLUMNS)
    items = schema["properties"]["zeilen"]["items"]
    assert items["required"] == ["nr", "anliegen", "dringlichkeit", "rueckruf"]
    assert items["properties"]["dringlichkeit"]["enum"] == ["niedrig", "mittel", "hoch"]
    assert items["properties"]["nr"]["type"] == "integer"


@pytest.mark.parametrize("endpoint_id", ["ollama", "openai"])
def test_structured_requests_are_well_formed(gateway, fake_ollama, fake_openai, endpoint_id):
    schema = rows_schema(COLUMNS)
    server = fake_ollama if endpoint_id == "ollama" else fake_openai
    server.replies.append(Reply(text='{"zeilen": []}'))
    request = ChatRequest([{"role": "user", "content": "Tabelle bitte"}], 1, endpoint_id, json_schema=schema)
    assert gateway.chat(request).result.text == '{"zeilen": []}'
    body = server.chat_requests[-1].body
    if endpoint_id == "ollama":
        assert body["format"] == schema
    else:
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"] == schema
        assert body["stream"] is True


def ai_notice() -> Notice:
    return Notice(
        ai_generated=True, model="llama3.2", endpoint_id="ollama", endpoint_label="Lokales Ollama",
        classification=Classification.LOCAL, schutzstufe=2,
    )  # fmt: skip


FRAME = pd.DataFrame(
    {"Name": ['=HYPERLINK("http://x")', "Stadtwerke"], "Betrag": ["+100", "-5"], "Nr": [1, 2]}
)


def test_csv_is_inert_and_carries_the_notice():
    data = to_csv(FRAME, ai_notice()).decode("utf-8-sig")
    assert data.splitlines()[0] == "Name;Betrag;Nr"
    assert "'=HYPERLINK" in data and "'+100" in data and "'-5" in data
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[-1][0].startswith("Transparenzhinweis: Erstellt mit KI")
    assert rows[-2] == []


def test_xlsx_is_inert_and_carries_the_notice():
    book = load_workbook(io.BytesIO(to_xlsx(FRAME, computed_notice("Exakter Abgleich."), "Abgleich")))
    sheet = book["Abgleich"]
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"
    notice_sheet = book["Hinweis"]
    assert "Berechnet ohne KI" in notice_sheet["A1"].value
    assert json.loads(book.properties.description)["ai_generated"] is False


def test_docx_carries_text_table_and_machine_readable_notice():
    data = to_docx("Ablaufplan", "# Überblick\n- Punkt eins\nText **fett**", ai_notice(), FRAME)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert "Überblick" in texts and "Punkt eins" in texts and "Text fett" in texts
    assert any(t.startswith("Erstellt mit KI") for t in texts)
    assert document.tables[0].rows[1].cells[0].text == '=HYPERLINK("http://x")'
    assert json.loads(document.core_properties.comments)["model"] == "llama3.2"
    assert document.core_properties.keywords == "KI-generiert"


@pytest.mark.parametrize(
    ("value", "expected"), [("=1+1", "'=1+1"), ("@SUM", "'@SUM"), ("Text", "Text"), (5, 5)]
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected
