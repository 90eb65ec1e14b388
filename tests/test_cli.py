"""The command line: JSON Lines in input order, typed errors as data, honest exit codes."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import imr_llm
from imr_llm.cli import main
from tests.conftest import SEEDS


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, Any]], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_parse_writes_one_line_per_input_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, _ = run_cli(["parse", *map(str, SEEDS)], capsys)
    assert code == 0
    assert [Path(r["source"]).name for r in rows] == [p.name for p in SEEDS]
    assert rows[4]["items"][1]["outcome"] == "overturned"
    assert rows[0]["method"] == "rules"


def test_bad_inputs_mixed_with_a_good_letter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n%%EOF")
    other = tmp_path / "recipe.txt"
    other.write_text("Two cups of flour and a pinch of salt.")
    inputs = [empty, binary, SEEDS[1], broken, other, tmp_path / "missing.txt"]
    code, rows, err = run_cli(["parse", *map(str, inputs)], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert [r["source"] for r in rows] == [str(p) for p in inputs]
    assert [r.get("error", {}).get("type") for r in rows] == [
        "EmptyInputError",
        "BinaryInputError",
        None,
        "PdfError",
        "NotADeterminationError",
        "InputNotFoundError",
    ]
    assert len(rows[2]["items"]) == 2


def test_a_folder_stands_for_the_letters_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    for seed in reversed(SEEDS[:3]):
        (letters / seed.name).write_bytes(seed.read_bytes())
    (letters / "zz_saved_page.html").write_text(
        "<html><body><pre>"
        + html.escape(SEEDS[3].read_text(encoding="utf-8"))
        + "</pre></body></html>"
    )
    (letters / "notes.md").write_text("not a letter")
    (letters / "older").mkdir()
    empty = tmp_path / "empty"
    empty.mkdir()
    code, rows, err = run_cli(["parse", str(letters), str(SEEDS[4]), str(empty)], capsys)
    assert [Path(r["source"]).name for r in rows] == [
        *(p.name for p in SEEDS[:3]),
        "zz_saved_page.html",
        SEEDS[4].name,
        "empty",
    ]
    assert all("items" in r for r in rows[:5])
    assert rows[5]["error"]["type"] == "InputError"
    assert (
        rows[5]["error"]["message"] == "this folder holds no letters (no .txt, .pdf or .html files)"
    )
    assert code == 1
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse"]) == 2
    assert main(["parse", "--no-such-option", str(SEEDS[0])]) == 2
    assert main(["no-such-command"]) == 2


def test_pretty_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--pretty", str(SEEDS[4])]) == 0
    out = capsys.readouterr().out
    assert "restoration" in out
    assert "(overturned)" in out
    assert "(upheld)" in out


def test_pretty_shows_a_letters_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "letter.txt"
    raw = SEEDS[1].read_text(encoding="utf-8")
    letter.write_text(
        raw.replace("X-ray of the lumbar spine:  Upheld", "X-ray: Upheld (see below)")
    )
    assert main(["parse", "--pretty", str(letter)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "letter.txt: the letter has 2 decision rationales" in out


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Determination"
    assert "items" in schema["properties"]


def test_the_offline_command_never_imports_the_llm_stack() -> None:
    code = (
        "import sys; from imr_llm.cli import main; main(['parse', sys.argv[1]]); "
        "heavy = ('openai', 'instructor', 'httpx2', 'tenacity', 'jinja2'); "
        "bad = [m for m in heavy if m in sys.modules]; "
        "sys.stderr.write(repr(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SEEDS[0])], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip() == "[]"


def test_summarize_writes_llm_fields_and_a_closing_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from imr_llm.testing import StandInServer

    with StandInServer("cooperative") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(
            [
                "summarize",
                *map(str, SEEDS[:2]),
                "--no-cache",
                "--model",
                "stand-in",
                "--letters",
                str(tmp_path / "letters"),
            ]
        )
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["method"] for r in rows] == ["llm", "llm"]
    assert rows[0]["usage"]["requests"] == 1 and rows[0]["model"] == "stand-in"
    assert "2 letters (2 llm, 0 unreadable); 2 requests" in " ".join(err.split())
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == [
        f"{p.stem}.en.html" for p in SEEDS[:2]
    ]


def test_claimant_letters_of_one_run_never_overwrite_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = []
    for folder, seed in (("a", SEEDS[0]), ("b", SEEDS[4])):
        (tmp_path / folder).mkdir()
        inputs.append(tmp_path / folder / "letter.txt")
        inputs[-1].write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    args = ["summarize", "--offline", "--letters", str(out), "--language", "es"]
    assert main([*args, *map(str, inputs)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["letter-2.es.html", "letter.es.html"]
    assert "ADDITIONAL ACUPUNCTURE" in (out / "letter.es.html").read_text()
    assert "functional restoration" in (out / "letter-2.es.html").read_text()


def test_a_bad_letter_language_is_refused_before_any_letter_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["summarize", "--offline", "--letters", str(out), "--language", "fr"]
    assert main([*args, str(SEEDS[0])]) == 2
    assert capsys.readouterr().out == ""
    assert not out.exists()


def test_summarize_exit_code_when_an_input_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["summarize", "--offline", str(SEEDS[0]), str(tmp_path / "missing.txt")])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert rows[1]["error"]["type"] == "InputNotFoundError"


def test_letter_command_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("html", "md", "pdf"):
        out = tmp_path / f"letter.{fmt}"
        assert (
            main(
                [
                    "letter",
                    str(SEEDS[4]),
                    "--offline",
                    "--language",
                    "es",
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        assert out.stat().st_size > 500
    assert main(["letter", str(SEEDS[4]), "--format", "docx"]) == 2


@pytest.mark.parametrize("behaviour", ["error500", "hang"])
def test_summarize_survives_a_failing_server_with_exit_0(
    behaviour: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The acceptance run: IMR_LLM_TIMEOUT=3, five samples, a server that fails or hangs."""
    import time

    from imr_llm.testing import StandInServer

    with StandInServer(behaviour, hang_seconds=10) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.base_url,
            "IMR_LLM_TIMEOUT": "3",
            "IMR_LLM_CACHE_DIR": str(tmp_path / "cache"),
        }
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "imr_llm.cli", "summarize", *map(str, SEEDS)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert elapsed < 60
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [len(r["items"]) for r in rows] == [1, 2, 2, 2, 2]
    assert all(
        r["method"] == "rules" and r["warnings"][-1].startswith("LLM fallback") for r in rows
    )


def test_the_example_results_are_what_summarize_offline_gives_today(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # examples/results.jsonl feeds the example notebook: it must not drift from the parser.
    examples = Path(__file__).resolve().parent.parent / "examples"
    monkeypatch.chdir(examples)
    letters = sorted(str(p.relative_to(examples)) for p in (examples / "letters").glob("*.txt"))
    assert main(["summarize", "--offline", *letters]) == 0
    today = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    recorded = [json.loads(line) for line in (examples / "results.jsonl").read_text().splitlines()]
    assert today == recorded, "regenerate it as examples/README.md says"


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="- is read through /dev/stdin")
def test_a_dash_reads_the_letter_or_the_results_from_standard_input() -> None:
    command = [sys.executable, "-m", "imr_llm.cli"]
    letter = SEEDS[4].read_bytes()
    parsed = subprocess.run(
        [*command, "parse", "-"], input=letter, capture_output=True, check=True
    ).stdout
    row = json.loads(parsed)
    assert row["source"] == "/dev/stdin"
    assert [i["outcome"] for i in row["items"]] == ["upheld", "overturned"]
    stats = subprocess.run(
        [*command, "stats", "--csv", "-"], input=parsed, capture_output=True, check=True
    )
    assert b"\ncategory,functional restoration,0,1,1,1.000\n" in stats.stdout  # Unix line ends
    refused = subprocess.run(
        [*command, "batch", "prepare", "--out", os.devnull, "-"], input=letter, capture_output=True
    )
    assert refused.returncode == 2 and b"not standard input" in refused.stderr


def test_the_version_and_python_dash_m(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"imr-llm {imr_llm.__version__}\n"
    result = subprocess.run(
        [sys.executable, "-m", "imr_llm", "parse", str(SEEDS[0])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["items"][0]["outcome"] == "upheld"
