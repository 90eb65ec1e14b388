#!/usr/bin/env bash
# Render each sample letter's claimant letter to PDF and a PNG of its first page, to look at
# them as a person would. Needs pdftoppm (apt-get install poppler-utils).
#   bash scripts/render_letters.sh [OUT_DIR]      (default: out/pictures)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-out/pictures}"
mkdir -p "$OUT"
for letter in examples/letters/*.txt; do
  name=$(basename "$letter" .txt)
  for lang in en es; do
    .venv/bin/imr-llm letter "$letter" --offline --language "$lang" --format pdf --out "$OUT/$name.$lang.pdf"
    pdftoppm -png -r 60 -f 1 -l 1 "$OUT/$name.$lang.pdf" "$OUT/$name.$lang"
  done
done
# The pictures shown in the README.
cp "$OUT/004_d3d3d7d6fe2d34a7.en-1.png" docs/letter-en-1.png
cp "$OUT/004_d3d3d7d6fe2d34a7.es-1.png" docs/letter-es-1.png
ls "$OUT"
