#!/usr/bin/env bash
# Debian packages the test suite needs, installed only when missing (CI runs as root on a fresh machine).
set -euo pipefail
# postgresql: a real server for the Postgres tests; docker-compose: `docker-compose config` validates
# docker-compose.yml offline (tests/deploy), no Docker engine needed; chromium: Playwright drives it for the
# pages' browser tests and `csw report scorecard --pdf` (playwright install cannot download a browser here);
# npm: installs the Data Docs' scripts and styles (make data-docs-assets).
packages=(postgresql docker-compose chromium)
command -v npm >/dev/null || packages+=(npm)  # a Node.js installed otherwise brings its own npm
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
