"""TEST DOUBLE of a LanguageTool server: answers /v2/languages and /v2/check on 127.0.0.1
with the real /v2/check JSON shape (matches with offset, length, rule.category.id, ...).
It "finds" two fixed patterns so tests can check offsets and category mapping."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

PATTERNS = (
    ("He go ", 3, "GRAMMAR", "HE_VERB_AGR", "The pronoun 'He' is usually used with a third-person verb.", "goes"),
    ("in order to", 11, "REDUNDANCY", "IN_ORDER_TO", "Consider a shorter alternative.", "to"),
)


def _match(text: str, offset: int, length: int, cat: str, rule: str, msg: str, rep: str) -> dict[str, object]:
    return {
        "message": msg, "shortMessage": "", "replacements": [{"value": rep}],
        "offset": offset, "length": length,
        "context": {"text": text[max(0, offset - 20) : offset + 20], "offset": min(offset, 20), "length": length},
        "sentence": text, "type": {"typeName": "Other"},
        "rule": {"id": rule, "description": msg, "issueType": "grammar",
                 "category": {"id": cat, "name": cat.title()}},
        "ignoreForIncompleteSentence": False, "contextForSureMatch": 0,
    }


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, list[str]]]] = []

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _reply(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.startswith("/v2/languages"):
            self._reply([{"name": "English (US)", "code": "en", "longCode": "en-US"}])
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if not self.path.startswith("/v2/check"):
            self.send_error(404)
            return
        type(self).requests.append(form)
        text = form.get("text", [""])[0]
        matches = []
        for needle, length, cat, rule, msg, rep in PATTERNS:
            start = text.find(needle)
            while start >= 0:
                matches.append(_match(text, start, length, cat, rule, msg, rep))
                start = text.find(needle, start + 1)
        self._reply({"software": {"name": "LanguageTool", "version": "6.4"},
                     "language": {"name": "English (US)", "code": "en-US"}, "matches": matches})


@contextmanager
def languagetool_double() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    """Run the double; yields its base URL and the list of /v2/check form bodies received."""
    handler = type("Handler", (_Handler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    finally:
        server.shutdown()
        server.server_close()
