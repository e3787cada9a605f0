"""What every request passes before the application: ``HeadAsGet`` (a HEAD is answered as the GET of the same
page), then the request-body limit, enforced while the body streams in: a declared Content-Length over the limit is
refused before anything is read, and a body sent without one (chunked) is cut off as soon as it passes the limit.
Either way the client gets 413 with ``E_UPLOAD_TOO_LARGE`` in Chinese (JSON under /api/, a page elsewhere), whatever
the application below was doing with the partial body.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import UploadTooLarge

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Exceeded(Exception):
    pass


class BodyLimit:
    def __init__(self, app: Any, limit: int, render_page: Callable[[UploadTooLarge], str]) -> None:
        self.app = app
        self.limit = limit
        self.render_page = render_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        state = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.limit:
                    state["exceeded"] = True
                    raise _Exceeded()
            return message

        async def guarded_send(message: Message) -> None:
            if state["exceeded"]:
                return  # the application's answer to a cut-off body is replaced by ours below
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _Exceeded:
            pass
        if state["exceeded"] and not state["started"]:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        error = UploadTooLarge(limit_mb=self.limit // (1024 * 1024))
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"error": error.to_dict()}, ensure_ascii=False).encode()
            kind = b"application/json"
        else:
            body = self.render_page(error).encode()
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """A HEAD request (a link checker, a monitor, ``curl -I``) is handed to the application as the GET of the same
    address, so every page answers it with the headers of its GET instead of 405; the server, which still sees the
    request's own method, sends no body (HTTP's rule for HEAD, kept by uvicorn)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)
