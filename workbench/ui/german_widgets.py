"""German words for the few texts Streamlit draws itself and offers no parameter for.

The file uploader's button ("Upload") and its size note ("50MB per file • CSV"), and the multiselect's
"Select all" entry, are fixed English in Streamlit 1.67. A style sheet takes the English words out (so screen readers skip them too) and puts a
generated German text in their place, which browsers also use as the control's accessible name.
Everything that has a parameter (labels, placeholders, help texts) is set in German where it is used.
"""

from __future__ import annotations

import streamlit as st

# German placeholder for every multiselect (Streamlit's own reads "Choose options").
CHOOSE = "Bitte auswählen"

_UPLOADER = '[data-testid="stFileUploaderDropzone"]'
STYLE = f"""<style>
{_UPLOADER} button [data-testid="stMarkdownContainer"] p {{ display: none; }}
{_UPLOADER} button [data-testid="stMarkdownContainer"]::after {{ content: "Datei auswählen"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "oder hierher ziehen"; font-size: 0.875rem;
}}
[data-key="__select_all__"] [data-item-hl] {{ display: none; }}
[data-key="__select_all__"]::before {{ content: "Alle auswählen"; font-size: 0.875rem; }}
[data-key="__select_matches__"] [data-item-hl] {{ display: none; }}
[data-key="__select_matches__"]::before {{ content: "Alle Treffer auswählen"; font-size: 0.875rem; }}
</style>"""


def apply() -> None:
    """Once per script run, before the page is drawn."""
    st.html(STYLE)
