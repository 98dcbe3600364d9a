#!/usr/bin/env bash
# Makes sure Playwright can launch a Chromium: Playwright's own build when it is
# installed, else Debian's `chromium` package (installed with apt when we are root).
set -euo pipefail
BIN="${VENV:-.venv}/bin"

own=$("$BIN/python" - <<'PY' 2>/dev/null || true
import os
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    path = p.chromium.executable_path
print(path if os.path.exists(path) else "")
PY
)
if [ -n "$own" ]; then
  echo "chromium: Playwright's own build at $own"
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  echo "chromium: Debian's package at /usr/bin/chromium"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium: not found; installing Debian's chromium package with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  echo "chromium: installed at /usr/bin/chromium"
  exit 0
fi
echo "chromium: none found. Install Debian's 'chromium' package (apt-get install chromium)" \
     "or run '$BIN/playwright install chromium' where downloads are allowed." >&2
exit 1
