"""The body limit closes the class of oversized uploads: whatever the size and however it is sent (declared length
or chunked, in chunks of any size), a body over the limit gets 413 with E_UPLOAD_TOO_LARGE and the application never
sees more than the limit; a body within it passes whole."""

from __future__ import annotations

import asyncio
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.service.limits import BodyLimit

LIMIT = 1000


async def _echo_length(scope, receive, send):
    """An application that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = str(size).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _call(size: int, chunk: int, declared: bool, path: str) -> tuple[int, bytes]:
    chunks = [b"x" * min(chunk, size - i) for i in range(0, size, chunk)] or [b""]
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []
    headers = [(b"content-length", str(size).encode())] if declared else []
    scope = {"type": "http", "path": path, "headers": headers}

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    app = BodyLimit(_echo_length, LIMIT, lambda error: f"<p>{error.code} {error.message}</p>")
    asyncio.run(app(scope, receive, send))
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1  # one answer, never two
    return starts[0]["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 3 * LIMIT), st.integers(1, 700), st.booleans(), st.sampled_from(["/check", "/api/check"]))
def test_over_the_limit_is_refused_in_chinese_within_it_passes_whole(size, chunk, declared, path):
    status, body = _call(size, chunk, declared, path)
    if size > LIMIT:
        assert status == 413
        if path.startswith("/api/"):
            error = json.loads(body)["error"]
            assert error["code"] == "E_UPLOAD_TOO_LARGE" and "已停止接收" in error["message"]
        else:
            assert "E_UPLOAD_TOO_LARGE" in body.decode()
    else:
        assert (status, body) == (200, str(size).encode())
