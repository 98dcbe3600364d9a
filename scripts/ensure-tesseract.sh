#!/usr/bin/env bash
# Makes sure Tesseract (OCR of contact points drawn as images, spiders/ocr.py) is installed:
# Debian's `tesseract-ocr` package (English data included; digits are all Scout reads),
# and a font package the OCR tests draw their numbers with. Idempotent.
set -euo pipefail
if command -v tesseract >/dev/null && [ -d /usr/share/fonts/truetype/dejavu ]; then
  echo "tesseract: $(tesseract --version 2>&1 | head -n1) at $(command -v tesseract)"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "tesseract: not found; installing Debian's tesseract-ocr package with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq tesseract-ocr fonts-dejavu-core >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq tesseract-ocr fonts-dejavu-core >/dev/null
  }
  echo "tesseract: installed at $(command -v tesseract)"
  exit 0
fi
echo "tesseract: not found and cannot install it (need root and apt-get);" \
  "install Debian's tesseract-ocr package" >&2
exit 1
