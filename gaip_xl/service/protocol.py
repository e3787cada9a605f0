"""The HTTP protocol ``gaip-xl serve`` runs: uvicorn's h11 protocol, with its answer to a request that is not HTTP
at all (a request line with bytes outside ASCII, a Content-Length that is negative, huge or given twice, both a
Content-Length and chunked) in Chinese with a code, like every other refusal; uvicorn's own is the English line
"Invalid HTTP request received.". Such a request never reaches the application, so the answer is written here.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import BadRequest

NOT_HTTP = BadRequest(detail="请求无法解析：不是有效的 HTTP 请求（请求行、请求头或长度不对），"
                             "请用浏览器或 HTTP 客户端重新提交")


class ServiceH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a malformed request with ``E_BAD_REQUEST`` in Chinese (then closing, as
    uvicorn does: nothing after a malformed request can be trusted to start where the next one does)."""

    def send_400_response(self, msg: str) -> None:
        body = str(NOT_HTTP).encode("utf-8") + b"\n"
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                      h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()
