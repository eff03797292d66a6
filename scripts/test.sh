#!/usr/bin/env bash
# The whole check, in a virtual environment made new for this run: only what pyproject.toml declares is
# installed, so nothing installed on the machine by hand can hide a missing dependency. Then the gates
# (ruff, deptry, mypy) and every test, the headless-browser tests included. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

VENV="$(mktemp -d "${TMPDIR:-/tmp}/werkbank-test.XXXXXX")"
trap 'rm -rf "$VENV"' EXIT
trap 'exit 130' INT TERM  # so that the EXIT trap also cleans up after Ctrl+C or kill
INSTALL_LOG="$VENV/install.log"

step "Neue virtuelle Umgebung: $VENV"
if ! python3 -m venv "$VENV/env" >"$INSTALL_LOG" 2>&1; then
  cat "$INSTALL_LOG" >&2
  echo "Die virtuelle Umgebung ließ sich nicht anlegen. Unter Debian/Ubuntu: sudo apt-get install python3-venv" >&2
  exit 1
fi
PY="$VENV/env/bin/python"
# Tests that start `workbench` or `streamlit` as commands find the fresh environment's copies first.
export PATH="$VENV/env/bin:$PATH"

step "Installiere die Werkbank mit ihren Testwerkzeugen (nur was pyproject.toml nennt)"
# llama-cpp-python (the real model server of the tests) is compiled on the first run: 10–30 minutes on
# two cores, afterwards pip takes it from its cache. Built for the common x86-64 feature set, not for
# this machine's newest instructions, so the cached wheel runs on any machine the cache moves to.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
if ! "$PY" -m pip cache list llama_cpp_python 2>/dev/null | grep -q llama_cpp_python; then
  echo "Erster Lauf: llama-cpp-python wird übersetzt (10–30 Minuten); spätere Läufe nehmen es aus dem Cache."
fi
if ! "$PY" -m pip install --disable-pip-version-check --upgrade pip >>"$INSTALL_LOG" 2>&1 ||
  ! "$PY" -m pip install --disable-pip-version-check -e ".[test]" >>"$INSTALL_LOG" 2>&1; then
  grep -v "is neither a file nor a directory" "$INSTALL_LOG" | tail -40 >&2
  echo "Die Installation ist fehlgeschlagen (siehe oben). Ist der Paketindex erreichbar?" >&2
  exit 1
fi
"$PY" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null | grep -ciE '^[a-z0-9]' |
  xargs printf '%s Pakete installiert\n'

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "Installiere Chromium (Debian-Paket) für die Browsertests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "Hinweis: Für die Browsertests fehlt Chromium. Installieren Sie es mit: sudo apt-get install chromium" >&2
  fi
fi

# The real PostgreSQL of the storage and multi-instance tests: Debian's cluster with a role that may create
# a database per test. Elsewhere, name a server in WORKBENCH_TEST_DATABASE_URL; without one the
# PostgreSQL tests are skipped (in CI they fail).
if [ -z "${WORKBENCH_TEST_DATABASE_URL:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  step "Starte PostgreSQL (Debian-Paket) für die Speichertests"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  pg_version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  pg_lsclusters -h | grep -q "^$pg_version main" || pg_createcluster "$pg_version" main >/dev/null
  pg_ctlcluster "$pg_version" main start 2>/dev/null || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  psql_admin() { su postgres -c "psql -qtAc \"$1\""; }
  psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'werkbank'" | grep -q 1 ||
    psql_admin "CREATE ROLE werkbank LOGIN CREATEDB PASSWORD 'werkbank'"
  psql_admin "SELECT 1 FROM pg_database WHERE datname = 'werkbank'" | grep -q 1 ||
    psql_admin "CREATE DATABASE werkbank OWNER werkbank"
  export WORKBENCH_TEST_DATABASE_URL="postgresql://werkbank:werkbank@127.0.0.1:5432/werkbank"
fi

step "ruff: Stil und Formatierung"
"$PY" -m ruff check .
"$PY" -m ruff format --check .

step "deptry: deklarierte Abhängigkeiten"
# Product code: every import declared, nothing only transitive, no test tool, nothing unused.
"$PY" -m deptry .
# Tests and benchmarks as well: nothing they import may be missing or only transitive.
"$PY" -m deptry . --exclude '(^|/)(\.venv|venv|\.git|build|dist)(/|$)' --ignore DEP002,DEP004

step "mypy: Typen in workbench/"
"$PY" -m mypy

step "pytest"
"$PY" -m pytest "$@"
