#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium and its WebDriver (chromium-driver).
# Run by tests/browser/conftest.py once per session; exits 0 when both are there, 3 when they cannot be installed
# here (not root, no apt-get), with the reason on stderr. Idempotent: does nothing when both are installed.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "chromium/chromium-driver are missing and this is not root: run 'sudo apt-get install chromium chromium-driver'" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium/chromium-driver are missing and there is no apt-get: install Chromium and its driver by hand" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine: update once, then install.
if ! apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
