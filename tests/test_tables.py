"""Tables for notebooks, results read back, corpus statistics, the example notebook."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import imr_llm
from imr_llm.cli import main
from imr_llm.tables import item_rows
from tests.conftest import SEEDS

ROOT = Path(__file__).parent.parent


def test_to_dataframe_gives_one_row_per_item_with_letter_facts() -> None:
    dets = [imr_llm.parse(p) for p in SEEDS]
    df = imr_llm.to_dataframe(dets)
    assert len(df) == 9
    assert list(df["outcome"].value_counts().sort_index()) == [1, 8]
    assert set(df["source"]) == {str(p) for p in SEEDS}
    assert df.loc[df["outcome"] == "overturned", "category"].item() == "functional restoration"
    assert not df["may_miss_items"].any()


def test_summarize_manys_results_go_in_as_they_come_an_unreadable_input_giving_no_row(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    results = imr_llm.summarize_many([SEEDS[0], empty, SEEDS[1]], offline=True)
    assert isinstance(results[1], imr_llm.EmptyInputError)
    df = imr_llm.to_dataframe(results)
    assert list(df["source"].unique()) == [str(SEEDS[0]), str(SEEDS[1])]
    with pytest.raises(TypeError, match="expected Determinations, got a str"):
        item_rows(["letter.txt"])  # type: ignore[list-item]


def test_a_letter_that_may_miss_items_is_marked_on_its_rows() -> None:
    raw = SEEDS[1].read_text(encoding="utf-8")
    det = imr_llm.parse(raw.replace("X-ray of the lumbar spine:  Upheld", "X-ray: Upheld (below)"))
    (row,) = item_rows([det])
    assert row["may_miss_items"] is True
    assert row["may_misread_outcomes"] is False


def test_a_letter_whose_outcomes_may_be_misread_is_marked_on_its_rows() -> None:
    raw = "Final Determination: PARTIAL OVERTURN\n\n" + SEEDS[1].read_text(encoding="utf-8")
    rows = item_rows([imr_llm.parse(raw)])
    assert [row["may_misread_outcomes"] for row in rows] == [True, True]


def test_results_round_trip_through_jsonl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    assert main(["summarize", "--offline", *map(str, SEEDS), "--out", str(out)]) == 0
    capsys.readouterr()
    loaded = imr_llm.load_jsonl(out)
    assert [d.items for d in loaded] == [imr_llm.parse(p).items for p in SEEDS]


def test_load_jsonl_skips_error_lines_and_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"source": "x", "error": {"type": "EmptyInputError", "message": "empty"}}\n')
    assert imr_llm.load_jsonl(path) == []
    path.write_text("not json\n")
    with pytest.raises(imr_llm.InputError, match="line 1"):
        imr_llm.load_jsonl(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\n5\n", "line 2 is not a determination"),
        (b'["error"]\n', "line 1 is not a determination"),
        (b"\xff\xfe\x00 binary", "not UTF-8 text: not a results file"),
    ],
)
def test_a_results_file_that_is_not_one_is_an_input_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "results.jsonl"
    path.write_bytes(content)
    with pytest.raises(imr_llm.InputError, match=message):
        imr_llm.load_jsonl(path)
    with pytest.raises(imr_llm.InputError, match="a folder, not a results file"):
        imr_llm.load_jsonl(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_results_read_from_a_pipe(tmp_path: Path) -> None:
    """``imr-llm parse letters/ | imr-llm stats /dev/stdin`` hands load_jsonl a pipe."""
    pipe = tmp_path / "results.fifo"
    os.mkfifo(pipe)
    lines = "".join(imr_llm.parse(p).model_dump_json() + "\n" for p in SEEDS)
    writer = threading.Thread(target=pipe.write_text, args=(lines,))
    writer.start()
    try:
        loaded = imr_llm.load_jsonl(pipe)
    finally:
        if writer.is_alive():  # load_jsonl never opened the pipe: open it to free the writer
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
        writer.join()
    assert [d.source for d in loaded] == [str(p) for p in SEEDS]


def test_stats_counts_outcomes_by_category(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    main(["summarize", "--offline", *map(str, SEEDS), "--out", str(out)])
    capsys.readouterr()
    assert main(["stats", str(out)]) == 0
    text = capsys.readouterr().out
    assert "9 items: 8 upheld (not approved), 1 overturned (approved)" in text
    assert "By service category" in text and "acupuncture" in text
    assert main(["stats", "--csv", str(out)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "grouping,group,upheld,overturned,total,overturn_rate"
    category = [r.split(",") for r in rows[1:] if r.startswith("category,")]
    assert sum(int(r[2]) for r in category) == 8 and sum(int(r[3]) for r in category) == 1


def test_stats_on_results_with_no_items_says_so_instead_of_empty_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text('{"source": "x.pdf", "error": {"type": "InputError", "message": "m"}}\n')
    assert main(["stats", str(out)]) == 0
    text = capsys.readouterr().out
    assert "0 letters, 0 items" in text
    assert "nothing to tabulate" in text and "By service category" not in text


def test_the_notebook_view_highlights_spans_with_a_legend() -> None:
    det = imr_llm.parse(SEEDS[4])
    html = det._repr_html_()
    assert "Legend" in html and "approved (overturned)" in html
    assert html.count("<mark") == 4  # two items: title and rationale each
    assert "One (1) initial evaluation for functional restoration program</mark>" in html


def test_the_example_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "examples" / "explore.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "examples")}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("functional restoration" in str(o.get("data", {})) for o in outputs)
