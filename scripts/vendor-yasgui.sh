#!/usr/bin/env bash
# Reproduce the vendored YASGUI files under src/thb_graph/web/static/yasgui-VERSION/.
#
# Installs the pinned npm package @zazuko/yasgui into a temporary folder (npm's ordinary
# client, no install scripts run), copies the built bundle (JS and CSS, without source
# maps) and writes the licences: the package's own (its package.json declares MIT and ships
# no licence file) and every licence file of the packages the bundle is built from.
# Usage: scripts/vendor-yasgui.sh [VERSION]   (default: the version pinned below)
set -euo pipefail

VERSION="${1:-4.6.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/src/thb_graph/web/static/yasgui-$VERSION"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
echo '{"private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@zazuko/yasgui@$VERSION" >/dev/null
PKG="$WORK/node_modules/@zazuko/yasgui"
test "$(node -p "require('$PKG/package.json').version")" = "$VERSION"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$PKG/build/yasgui.min.js" "$PKG/build/yasgui.min.css" "$DEST/"
# The source maps are not vendored: drop the comments that point to them.
sed -i "/sourceMappingURL=/d" "$DEST/yasgui.min.js" "$DEST/yasgui.min.css"

LICENCE="$(node -p "require('$PKG/package.json').license")"
AUTHOR="$(node -p "const p=require('$PKG/package.json'); [p.author, ...(p.contributors||[]).map(c=>c.name||c)].join(', ')")"
{
  echo "@zazuko/yasgui $VERSION"
  echo "Licence: $LICENCE (declared in the package's package.json; the package ships no licence file)"
  echo "Authors: $AUTHOR"
  echo "Source: $(node -p "require('$PKG/package.json').homepage")"
  echo
  echo "The MIT License"
  echo
  echo "Permission is hereby granted, free of charge, to any person obtaining a copy of this"
  echo "software and associated documentation files (the \"Software\"), to deal in the Software"
  echo "without restriction, including without limitation the rights to use, copy, modify, merge,"
  echo "publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons"
  echo "to whom the Software is furnished to do so, subject to the following conditions:"
  echo
  echo "The above copyright notice and this permission notice shall be included in all copies or"
  echo "substantial portions of the Software."
  echo
  echo "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,"
  echo "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR"
  echo "PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE"
  echo "FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR"
  echo "OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER"
  echo "DEALINGS IN THE SOFTWARE."
} > "$DEST/LICENSE"

# Licences of every package installed with it (the bundle includes their code).
{
  echo "Licences of the packages installed with @zazuko/yasgui $VERSION"
  for dir in $(find node_modules -name package.json -not -path '*/node_modules/*/node_modules/*/node_modules/*' \
                 -exec dirname {} \; | sort); do
    name="$(node -p "require('$WORK/$dir/package.json').name || ''" 2>/dev/null || true)"
    version="$(node -p "require('$WORK/$dir/package.json').version || ''" 2>/dev/null || true)"
    [ -n "$name" ] || continue
    licence="$(node -p "const l=require('$WORK/$dir/package.json').license; typeof l==='object'?l.type:(l||'unknown')")"
    echo
    echo "======================================================================"
    echo "$name $version ($licence)"
    echo "======================================================================"
    for f in "$dir"/LICEN[CS]E* "$dir"/licen[cs]e* "$dir"/COPYING*; do
      [ -f "$f" ] && cat "$f"
    done
  done
} > "$DEST/THIRD-PARTY-LICENSES.txt"

echo "vendored @zazuko/yasgui $VERSION into ${DEST#$ROOT/}:"
ls -l "$DEST"
