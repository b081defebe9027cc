#!/usr/bin/env bash
# Install the Debian packages the tests use (Chromium, Virtuoso, raptor2-utils, curl, nginx in
# front of a live server, systemd-analyze for the unit file) when missing.
# Needs root; without root it only says what is missing (the tests then fail under CI=true).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rapper >/dev/null 2>&1 || missing+=(raptor2-utils)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "not root: cannot install ${missing[*]}; tests that need them fail under CI=true" >&2
  exit 0
fi
echo "installing ${missing[*]} from Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
