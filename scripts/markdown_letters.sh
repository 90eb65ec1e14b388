#!/usr/bin/env bash
# Re-create tests/data/letters/md/: each labelled letter's PDF turned into Markdown by
# pymupdf4llm, as a PDF-to-Markdown step ahead of an LLM pipeline gives it (bold titles and
# labels, "##" headings, the header block as a table). Installs pymupdf4llm into a
# throw-away virtual environment; the files in the repository were made with pymupdf4llm
# 1.27.2.3 (PyMuPDF and pymupdf-layout 1.27.2.3; where tesseract is installed it also runs
# OCR, as it did on one page of each letter here).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${PYMUPDF4LLM_VERSION:-1.27.2.3}
out=tests/data/letters/md
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "pymupdf4llm==$version"
"$work/venv/bin/python" - "$out" tests/data/letters/pdf/*.pdf <<'PY'
import sys
from pathlib import Path

import pymupdf4llm

out = Path(sys.argv[1])
for pdf in map(Path, sys.argv[2:]):
    (out / f"{pdf.stem}.md").write_text(pymupdf4llm.to_markdown(str(pdf)), encoding="utf-8")
PY
