"""Batch API files: the same request body as summarize; answers validated as summarize does.

The batch output here is a stand-in written by the test (no Batch API is called). A file
that is not what prepare or the Batch API writes is refused with a clear error before any
result; a bad answer, or a bad letter, only costs its own letter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from imr_llm.batch import collect, prepare
from imr_llm.cli import main
from imr_llm.config import Settings
from imr_llm.errors import InputError
from imr_llm.testing import cooperative_answer
from tests.conftest import SEEDS


def _tool_call_body(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {
                                "name": "LetterEnrichment",
                                "arguments": json.dumps(answer),
                            },
                        }
                    ],
                }
            }
        ],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100},
    }


def _answer_line(request: dict[str, Any], *, flip: bool = False) -> dict[str, Any]:
    answer = cooperative_answer(request["body"]["messages"][-1]["content"])
    if flip:
        for item in answer["items"]:
            item["outcome"] = "overturned"
    body = _tool_call_body(answer)
    return {"custom_id": request["custom_id"], "response": {"status_code": 200, "body": body}}


def _stand_in_output(input_file: Path, *, flip_second: bool = False) -> str:
    requests = [json.loads(line) for line in input_file.read_text().splitlines()]
    lines = [_answer_line(r, flip=flip_second and n == 1) for n, r in enumerate(requests)]
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_prepare_then_collect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch_in = tmp_path / "batch.jsonl"
    assert main(["batch", "prepare", *map(str, SEEDS), "--out", str(batch_in)]) == 0
    requests = [json.loads(line) for line in batch_in.read_text().splitlines()]
    assert len(requests) == 5
    body = requests[0]["body"]
    assert body["messages"][0]["role"] == "system"
    assert body["messages"][-1]["content"].rstrip().endswith("LETTER>>>")
    assert body["tools"][0]["function"]["name"] == "LetterEnrichment"
    assert requests[0]["url"] == "/v1/chat/completions"

    output = tmp_path / "batch_output.jsonl"
    output.write_text(_stand_in_output(batch_in, flip_second=True))
    capsys.readouterr()
    assert main(["batch", "collect", str(output)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["method"] for r in rows] == ["llm", "rules", "llm", "llm", "llm"]
    assert rows[1]["warnings"][-1].startswith("LLM fallback: the batch answer failed validation")
    assert [i["outcome"] for i in rows[1]["items"]] == ["upheld", "upheld"]
    assert rows[4]["items"][1]["outcome"] == "overturned"


@pytest.fixture(scope="module")
def prepared() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    requests, manifest, failures = prepare(SEEDS[:3], Settings())
    assert not failures
    return requests, manifest


def _collected(
    answers: list[dict[str, Any]], manifest: list[dict[str, Any]]
) -> list[tuple[str, Any]]:
    lines = [json.dumps(a) for a in answers]
    return list(collect(lines, [json.dumps(m) for m in manifest], Settings()))


def test_prepare_reports_a_bad_letter_and_writes_the_others(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    requests, manifest, failures = prepare([SEEDS[0], empty, SEEDS[1]], Settings())
    assert [m["source"] for m in manifest] == [str(SEEDS[0]), str(SEEDS[1])]
    assert len(requests) == 2
    assert [(source, type(exc).__name__) for source, exc in failures] == [
        (str(empty), "EmptyInputError")
    ]


@pytest.mark.parametrize(
    ("spoil", "warning"),
    [
        (lambda line: None, "no answer for this letter in the batch output"),
        (lambda line: line | {"error": {"code": "x"}}, "the batch request failed: {'code': 'x'}"),
        (
            lambda line: line | {"response": {"status_code": 500, "body": {}}},
            "the batch request failed with HTTP 500",
        ),
        (
            lambda line: line | {"response": {"status_code": 200, "body": {"choices": []}}},
            "the batch answer has no message",
        ),
        (
            lambda line: (
                line | {"response": {"body": {"choices": [{"message": {"content": None}}]}}}
            ),
            "the batch answer is empty",
        ),
        (
            lambda line: (
                line | {"response": {"body": {"choices": [{"message": {"tool_calls": [{}]}}]}}}
            ),
            "the batch answer is malformed: response.body.choices.0.message.tool_calls.0.function:"
            " Field required",
        ),
        (
            lambda line: line | {"response": "yes"},
            "the batch answer is malformed: response: Input should be an object",
        ),
    ],
    ids=["missing", "error", "http-500", "no-choices", "empty", "no-function", "not-an-object"],
)
def test_a_bad_answer_sends_only_its_own_letter_to_the_fallback(
    prepared: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    spoil: Any,
    warning: str,
) -> None:
    requests, manifest = prepared
    answers = [_answer_line(r) for r in requests]
    spoiled = spoil(answers[1])
    answers = [answers[0], answers[2]] + ([spoiled] if spoiled else [])
    results = _collected(answers, manifest)
    assert [source for source, _ in results] == [m["source"] for m in manifest]
    assert [det.method for _, det in results] == ["llm", "rules", "llm"]
    assert results[1][1].warnings[-1] == f"LLM fallback: {warning}; used the rules result"


def test_an_answer_in_the_message_content_is_read_like_a_tool_call(
    prepared: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    requests, manifest = prepared
    answers = [_answer_line(r) for r in requests]
    message = answers[0]["response"]["body"]["choices"][0]["message"]
    message["content"] = message.pop("tool_calls")[0]["function"]["arguments"]
    results = _collected(answers, manifest)
    assert [det.method for _, det in results] == ["llm", "llm", "llm"]
    assert results[0][1].usage.input_tokens == 1000


def test_a_letter_changed_or_gone_since_prepare_costs_only_itself(tmp_path: Path) -> None:
    changed, gone = tmp_path / "changed.txt", tmp_path / "gone.txt"
    changed.write_text(SEEDS[0].read_text())
    gone.write_text(SEEDS[1].read_text())
    requests, manifest, _ = prepare([changed, gone, SEEDS[2]], Settings())
    changed.write_text(SEEDS[0].read_text() + "\nA late addendum.\n")
    gone.unlink()
    results = _collected([_answer_line(r) for r in requests], manifest)
    assert results[0][1].method == "rules"
    assert results[0][1].warnings[-1] == (
        "LLM fallback: the letter changed since the batch was prepared; used the rules result"
    )
    assert type(results[1][1]).__name__ == "InputNotFoundError"
    assert results[2][1].method == "llm"


_ENTRY = json.dumps({"custom_id": "imr-000000-x", "source": "letter.txt", "sha256": "x"})


@pytest.mark.parametrize(
    ("output", "manifest", "message"),
    [
        (["not json"], [_ENTRY], "batch output line 1 is not JSON"),
        (["", "[1, 2]"], [_ENTRY], "batch output line 2 is not a JSON object"),
        (['{"response": {}}'], [_ENTRY], "batch output line 1 has no custom_id"),
        ([], ['{"custom_id": "imr-000000-x"}'], "manifest line 1 is not an entry"),
        ([], [_ENTRY, "garbage"], "manifest line 2 is not JSON"),
    ],
    ids=["not-json", "not-an-object", "no-custom-id", "entry-fields", "entry-not-json"],
)
def test_a_file_that_is_not_batch_output_or_manifest_is_refused_before_any_result(
    output: list[str], manifest: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        collect(output, manifest, Settings())


def test_collect_cli_says_what_is_wrong_with_a_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "batch.manifest.jsonl").write_text("")
    latin1 = tmp_path / "output.jsonl"
    latin1.write_bytes('{"custom_id": "caf\xe9"}\n'.encode("latin-1"))
    assert main(["batch", "collect", str(latin1)]) == 1
    assert capsys.readouterr().err == f"imr-llm: {latin1}: not UTF-8 text\n"

    broken = tmp_path / "broken.jsonl"
    broken.write_text("{}\n")
    out = tmp_path / "results.jsonl"
    assert main(["batch", "collect", str(broken), "--out", str(out)]) == 1
    assert capsys.readouterr().err == "imr-llm: batch output line 1 has no custom_id\n"
    assert not out.exists()


def test_collect_cli_asks_for_the_manifest_when_it_cannot_tell_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "output.jsonl"
    output.write_text("")
    assert main(["batch", "collect", str(output)]) == 2
    assert "none *.manifest.jsonl beside" in capsys.readouterr().err
    for name in ("a", "b"):
        (tmp_path / f"{name}.manifest.jsonl").write_text("")
    assert main(["batch", "collect", str(output)]) == 2
    assert "2 *.manifest.jsonl beside" in capsys.readouterr().err
