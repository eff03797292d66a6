"""What the pages keep between reruns: tables read from files, computed analyses and built charts.

Streamlit runs a page from top to bottom on every click. Reading a 6 MB GPS file, analysing the
tours or building a chart each time would make every click wait for it, so these are remembered
by the content they come from, across sessions (two people with the same file share one entry):

- small results (an analysis, a loaded table) with `st.cache_data`: each run gets its own copy, so a
  page may change it freely;
- large read-only data (the GPS points) and chart figures with `st.cache_resource`: copying them on
  every rerun would cost as much as building them. They are shared, so nobody may change them;
  the pages only read them.

The key is a digest of the file content (and name), never the file itself: hashing megabytes on
every rerun is what the cache is meant to avoid. An uploaded file's digest is computed once per
upload and kept in the session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench.routes import RouteData, analyze, load_route_data
from workbench.tables import LoadedTable, load_table

T = TypeVar("T")

MAX_DATA_SETS = 8  # distinct uploads remembered per process; the oldest is dropped first
TTL_SECONDS = 6 * 3600  # an entry nobody used for six hours is dropped


def digest(files: Mapping[str, bytes]) -> str:
    """A digest of file names and contents."""
    hasher = hashlib.blake2b(digest_size=16)
    for name in sorted(files):
        hasher.update(name.encode("utf-8") + b"\0" + len(files[name]).to_bytes(8, "little"))
        hasher.update(files[name])
    return hasher.hexdigest()


def upload_digest(name: str, file_id: str, read: Callable[[], bytes]) -> str:
    """The content digest of an uploaded file, computed once per upload (its file id)."""
    known: dict[str, str] = st.session_state.setdefault("_upload_digests", {})
    if file_id not in known:
        known[file_id] = digest({name: read()})
    return known[file_id]


def folder_digest(folder: Path, names: list[str]) -> str:
    """A digest for files on disk from their names, sizes and modification times (not their content)."""
    parts = []
    for name in sorted(names):
        path = folder / name
        stat = path.stat() if path.is_file() else None
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{path}:-")
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()


# --- waste-collection tours -------------------------------------------------------------------------


@st.cache_resource(max_entries=MAX_DATA_SETS, ttl=TTL_SECONDS, show_spinner="Die Daten werden gelesen …")
def route_data(key: str, _source: Callable[[], Path | dict[str, bytes]]) -> RouteData:
    """The four tour files, read and checked once per content `key` (shared, read-only). `_source`
    gives the folder or the files' bytes; it is only called when `key` is not known yet."""
    return load_route_data(_source())


@st.cache_data(max_entries=MAX_DATA_SETS, ttl=TTL_SECONDS, show_spinner="Die Touren werden geprüft …")
def route_analysis(key: str, _data: RouteData) -> pd.DataFrame:
    """`analyze` of the data set with content `key`; each run gets its own copy."""
    return analyze(_data)


@st.cache_resource(max_entries=64, ttl=TTL_SECONDS, show_spinner=False)
def figure(key: str, _build: Callable[[], go.Figure]) -> go.Figure:
    """A chart built once per `key` (which names the data and the chart); shared, read-only."""
    return _build()


# --- tables -----------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, ttl=TTL_SECONDS, show_spinner=False)
def table(key: str, name: str, _read: Callable[[], bytes], sheet: str | None, max_mb: float) -> LoadedTable:
    """`load_table` once per content `key` and sheet; each run gets its own copy. `_read` gives the
    file's bytes; it is only called when `key` and sheet are not known yet."""
    return load_table(name, _read(), sheet=sheet, max_mb=max_mb)
