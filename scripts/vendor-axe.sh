#!/usr/bin/env bash
# Reproduce the vendored axe-core file under tests/vendor/ (the accessibility checker the
# browser tests inject into every page type; it is a test tool, so it is not served).
#
# Installs the pinned npm package axe-core into a temporary folder (npm's ordinary client,
# no install scripts run) and copies its built axe.min.js and its licence (MPL-2.0).
# Usage: scripts/vendor-axe.sh [VERSION]   (default: the version pinned below)
set -euo pipefail

VERSION="${1:-4.14.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/tests/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
echo '{"private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "axe-core@$VERSION" >/dev/null
PKG="$WORK/node_modules/axe-core"
test "$(node -p "require('$PKG/package.json').version")" = "$VERSION"

mkdir -p "$DEST"
rm -f "$DEST"/axe-core-*.min.js "$DEST"/axe-core-*.LICENSE.txt
cp "$PKG/axe.min.js" "$DEST/axe-core-$VERSION.min.js"
{
  echo "axe-core $VERSION"
  echo "Licence: $(node -p "require('$PKG/package.json').license")"
  echo "Source: $(node -p "require('$PKG/package.json').homepage")"
  echo
  cat "$PKG/LICENSE"
} > "$DEST/axe-core-$VERSION.LICENSE.txt"
echo "vendored axe-core $VERSION into $DEST"
