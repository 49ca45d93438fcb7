#!/usr/bin/env bash
# System packages for the end-to-end report test (test/e2e/report-chromium.test.ts): Debian's
# `chromium` (the browser playwright-core drives; no browser download from elsewhere) and a font
# package, so that screenshots of the report show text. Usage: scripts/system-deps.sh.
# Idempotent: does nothing when /usr/bin/chromium and the fonts are already there. Uses apt-get only.
set -euo pipefail

log() { echo "system-deps.sh: $*" >&2; }

packages=()
if [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi
if [ ! -d /usr/share/fonts/truetype/dejavu ]; then packages+=(fonts-dejavu-core); fi

if [ "${#packages[@]}" -eq 0 ]; then
  log "chromium and fonts-dejavu-core are already installed; nothing to do"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    log "need root (or sudo) to install: ${packages[*]}"
    exit 1
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "apt-get not found; install these packages with your system's package manager: ${packages[*]}"
  exit 1
fi

log "installing ${packages[*]}"
${sudo} apt-get update
DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y --no-install-recommends "${packages[@]}"

if [ ! -x /usr/bin/chromium ]; then
  log "apt-get finished but /usr/bin/chromium is still missing"
  exit 1
fi
log "done: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
