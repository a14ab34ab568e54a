#!/usr/bin/env bash
# Install the Debian packages Minutebook uses, when they are missing.
#   tesseract-ocr, tesseract-ocr-eng: OCR for scanned pages (ingest)
#   chromium: headless browser for the UI tests (only with --dev)
# Needs root or sudo; otherwise prints what to install and carries on.
set -euo pipefail
pkgs=(tesseract-ocr tesseract-ocr-eng)
if [[ "${1:-}" == "--dev" ]]; then pkgs+=(chromium); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "note: not a Debian system; install these yourself: ${missing[*]}" >&2; exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "note: run as root to install: ${missing[*]}" >&2; exit 0; fi
fi
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
