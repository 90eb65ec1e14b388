#!/usr/bin/env bash
# Re-create tests/data/letters/ocr/: each labelled letter's PDF rendered to images and read
# back by OCR, the way a scanned letter reaches imr_llm (pages joined by form feeds).
# Needs poppler-utils (pdftoppm) and tesseract-ocr (Debian: apt-get install poppler-utils
# tesseract-ocr). The files in the repository were made with pdftoppm 22.12 and tesseract 5.3.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/letters/ocr
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pdf in tests/data/letters/pdf/*.pdf; do
  case=$(basename "$pdf" .pdf)
  pdftoppm -r 200 -gray -png "$pdf" "$work/$case"
  : >"$work/$case.txt"
  for page in $(ls "$work/$case"-*.png | sort -V); do
    tesseract "$page" - 2>/dev/null >>"$work/$case.txt"
    printf '\f' >>"$work/$case.txt"
  done
  mv "$work/$case.txt" "$out/$case.txt"
  rm -f "$work/$case"-*.png
done
