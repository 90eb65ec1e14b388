"""Batch API files: the same request body as summarize; answers validated as summarize does.

The batch output here is a stand-in written by the test (no Batch API is called).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imr_llm.cli import main
from imr_llm.testing import cooperative_answer
from tests.conftest import SEEDS


def _stand_in_output(input_file: Path, *, flip_second: bool = False) -> str:
    lines = []
    for number, line in enumerate(input_file.read_text().splitlines()):
        request = json.loads(line)
        user = request["body"]["messages"][-1]["content"]
        answer = cooperative_answer(user)
        if flip_second and number == 1:
            for item in answer["items"]:
                item["outcome"] = "overturned"
        body = {
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
        lines.append(
            json.dumps(
                {"custom_id": request["custom_id"], "response": {"status_code": 200, "body": body}}
            )
        )
    return "\n".join(lines) + "\n"


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
