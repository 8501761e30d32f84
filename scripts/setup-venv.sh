#!/usr/bin/env bash
# Creates .venv (if missing) and installs the pinned requirements. Usage: setup-venv.sh [dev]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-dev >/dev/null
fi
# WeasyPrint (board packets as PDF) needs pango; pdftoppm previews the PDFs in tests.
need=()
ldconfig -p | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ -n "$(fc-list 2>/dev/null | head -1)" ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "dev" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
else
    .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi
