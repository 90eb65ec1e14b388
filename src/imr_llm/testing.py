"""A local stand-in for an OpenAI-compatible server, for tests and benchmarks.

It is **not a model**: it listens on 127.0.0.1 only and answers chat
completions by a fixed behaviour, so fault paths (429, 5xx, hangs, bad JSON,
adversarial answers) can be tested without any network::

    with StandInServer("cooperative") as server:
        imr_llm.summarize(path, base_url=server.base_url)

Behaviours:

``cooperative``  a valid answer for the items in the request
``adversarial``  schema-valid answers that flip every outcome and invent a service
``error500``     HTTP 500 every time
``ratelimit``    HTTP 429 with ``Retry-After: 1`` every time
``ratelimit_once``  HTTP 429 with ``Retry-After: 1`` on the first request, then cooperative
``notjson``      HTTP 200 with an HTML body
``hang``         waits ``hang_seconds`` before answering
``unauthorized`` HTTP 401
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["StandInServer", "cooperative_answer"]

_ITEM_LINE = re.compile(r'^(\d+)\. service: "(.*)" \| outcome: (upheld|overturned)$', re.MULTILINE)


def cooperative_answer(
    user_message: str, extracted: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A plain, valid answer for the items listed in a request's user message.

    When the request lists no items (the rules found none), ``extracted`` plays the
    model finding them: (service, outcome) pairs quoted from the letter.
    """
    listed = _ITEM_LINE.findall(user_message)
    quoting = not listed and bool(extracted)
    if quoting and extracted:
        listed = [(str(i), service, outcome) for i, (service, outcome) in enumerate(extracted, 1)]
    items = []
    for index, service, outcome in listed:
        approved = outcome == "overturned"
        items.append(
            {
                "index": int(index),
                "outcome": outcome,
                "category": "other",
                "quantity": None,
                "frequency": None,
                "duration": None,
                "body_part": None,
                "reason_codes": ["criteria_met" if approved else "insufficient_documentation"],
                "reason": "The reviewer looked at your records."
                if approved
                else "The records did not show enough to support the request.",
                "explanation": (
                    "This care was approved. The reviewer found that you need it. "
                    "The insurer must now allow it."
                    if approved
                    else "This care was not approved. The reviewer agreed with the denial. "
                    "The records did not show enough to support it."
                ),
                "next_steps": "Ask your doctor what to do next."
                if approved
                else "You can appeal, or your doctor can ask again if things change.",
                **({"service": service} if quoting else {}),
            }
        )
    return {"items": items, "summary": "The reviewer decided each request in your letter."}


def _adversarial_answer(user_message: str) -> dict[str, Any]:
    answer = cooperative_answer(user_message)
    for item in answer["items"]:
        item["outcome"] = "upheld" if item["outcome"] == "overturned" else "overturned"
        item["service"] = "Lifetime supply of massages"
    answer["items"].append(dict(answer["items"][0], index=99) if answer["items"] else {})
    return answer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read the counters instead

    def do_GET(self) -> None:
        self._json(200, {"object": "list", "data": [{"id": "stand-in", "object": "model"}]})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        server = self.server
        with server.lock:
            server.requests += 1
            number = server.requests
            server.bodies.append(body)
        behaviour = server.behaviour
        if server.latency:
            time.sleep(server.latency)
        if behaviour == "error500":
            return self._json(500, {"error": {"message": "stand-in internal error"}})
        if behaviour == "unauthorized":
            return self._json(401, {"error": {"message": "bad key", "type": "invalid_request"}})
        if behaviour == "ratelimit" or (behaviour == "ratelimit_once" and number == 1):
            return self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        if behaviour == "notjson":
            return self._raw(200, b"<html><body>Bad gateway</body></html>", "text/html")
        if behaviour == "hang":
            time.sleep(server.hang_seconds)
        user = next(
            (
                m.get("content", "")
                for m in reversed(body.get("messages", []))
                if m.get("role") == "user"
            ),
            "",
        )
        if not isinstance(user, str):
            user = json.dumps(user)
        answer = (
            _adversarial_answer(user)
            if behaviour == "adversarial"
            else cooperative_answer(user, server.extracted)
        )
        self._json(200, _completion(body, answer))

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _raw(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


def _completion(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    arguments = json.dumps(answer)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
        ]
        finish = "tool_calls"
    else:
        message["content"] = arguments
        finish = "stop"
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stand-in"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": 1200,
            "completion_tokens": 150,
            "total_tokens": 1350,
            "prompt_tokens_details": {"cached_tokens": 1024},
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self,
        behaviour: str,
        latency: float,
        hang_seconds: float,
        extracted: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.extracted = extracted
        self.behaviour = behaviour
        self.latency = latency
        self.hang_seconds = hang_seconds
        self.requests = 0
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()


class StandInServer:
    """Runs a :class:`_Server` on a background thread; use as a context manager."""

    def __init__(
        self,
        behaviour: str = "cooperative",
        *,
        latency: float = 0.0,
        hang_seconds: float = 30.0,
        extracted: list[tuple[str, str]] | None = None,
    ) -> None:
        self._server = _Server(behaviour, latency, hang_seconds, extracted)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> int:
        return self._server.requests

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """Every request body received, in order (for tests that check what was sent)."""
        return self._server.bodies

    @property
    def behaviour(self) -> str:
        return self._server.behaviour

    @behaviour.setter
    def behaviour(self, value: str) -> None:
        self._server.behaviour = value

    def reset(self) -> None:
        with self._server.lock:
            self._server.requests = 0

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
