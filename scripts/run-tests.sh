#!/usr/bin/env bash
# Start the servers the tests use (Virtuoso on loopback), run every test, stop the servers.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
mkdir -p test-artifacts
if [ -f scripts/virtuoso.sh ]; then
  bash scripts/virtuoso.sh start || echo "Virtuoso did not start; its tests fail under CI=true" >&2
fi
lint=0
"$BIN"/ruff check src tests bench || lint=1
"$BIN"/ruff format --check src tests bench || lint=1
"$BIN"/mypy || lint=1
"$BIN"/python -m pytest -p no:cacheprovider "$@"
status=$?
if [ -f scripts/virtuoso.sh ]; then
  bash scripts/virtuoso.sh stop || true
fi
if [ $status -eq 0 ] && [ $lint -ne 0 ]; then
  echo "ruff or mypy found problems" >&2
  status=1
fi
exit $status
