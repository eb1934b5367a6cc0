#!/usr/bin/env bash
# Installs Debian's chromium-headless-shell when no headless Chromium is
# on the PATH, for examples/server's TestBrowserPage (chromedp), which
# skips without one. About 40 s on a fresh machine; nothing when present.
#
#   bash tools/install-chromium.sh
set -euo pipefail
for name in chromium-headless-shell chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "install-chromium: $(command -v "$name") is there" >&2
    exit 0
  fi
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-chromium: installing Debian's chromium-headless-shell" >&2
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  chromium-headless-shell >/dev/null
command -v chromium-headless-shell >/dev/null
