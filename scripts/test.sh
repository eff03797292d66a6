#!/usr/bin/env bash
# Installs the project with its test tools and runs the whole test suite, browser test included.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installiere Chromium (Debian-Paket) für den Browsertest …"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "Hinweis: Für den Browsertest fehlt Chromium. Installieren Sie es mit: sudo apt-get install chromium" >&2
  fi
fi

python3 -m pytest "$@"
