"""German words for the few texts Streamlit draws itself and offers no parameter for.

The file uploader's button ("Upload") and its size note ("50MB per file • CSV"), and the multiselect's
"Select all" entry, are fixed English in Streamlit 1.67. A style sheet hides those words and shows German ones in their place: the English text
is set invisible (so screen readers skip it too) and a generated German text takes its spot.
Everything that has a parameter (labels, placeholders, help texts) is set in German where it is used.
"""

from __future__ import annotations

import streamlit as st

# German placeholder for every multiselect (Streamlit's own reads "Choose options").
CHOOSE = "Bitte auswählen"

_UPLOADER = '[data-testid="stFileUploaderDropzone"]'
STYLE = f"""<style>
{_UPLOADER} button [data-testid="stMarkdownContainer"] p {{ visibility: hidden; font-size: 0; }}
{_UPLOADER} button [data-testid="stMarkdownContainer"] p::after {{
  content: "Datei auswählen"; visibility: visible; font-size: 0.875rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ visibility: hidden; font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "oder hierher ziehen"; visibility: visible; font-size: 0.875rem;
}}
[data-key="__select_all__"] [data-item-hl] {{ visibility: hidden; font-size: 0; }}
[data-key="__select_all__"] [data-item-hl]::after {{
  content: "Alle auswählen"; visibility: visible; font-size: 0.875rem;
}}
[data-key="__select_matches__"] [data-item-hl] {{ visibility: hidden; font-size: 0; }}
[data-key="__select_matches__"] [data-item-hl]::after {{
  content: "Alle Treffer auswählen"; visibility: visible; font-size: 0.875rem;
}}
</style>"""


def apply() -> None:
    """Once per script run, before the page is drawn."""
    st.html(STYLE)
