"""Requests that are not HTTP at all, sent on a raw socket to a real ``gaip-xl serve``: a request line with bytes
outside ASCII, a Content-Length that is negative, not a number, huge or given twice with two values, a
header without a name. They never reach the application; the server answers 400 with ``E_BAD_REQUEST`` in
Chinese (before: uvicorn's English "Invalid HTTP request received.") and stays up."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from service_server import free_port, start_server, stop_server


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data: Path = tmp_path_factory.mktemp("wire") / "data"
    number = free_port()
    server = start_server(data, number)
    try:
        yield number
    finally:
        stop_server(server)


def exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


OUTSIDE_ASCII = st.binary(min_size=1, max_size=8).map(lambda b: bytes(0x80 | c for c in b))
LENGTH = st.one_of(st.integers(max_value=-1).map(str), st.integers(min_value=10**20).map(str),
                   st.text("abcxyz+-. ", min_size=1, max_size=6).filter(lambda t: not t.strip().isdigit()))
MALFORMED = st.one_of(
    st.builds(lambda junk, where: b"GET /" + junk + b" HTTP/1.1\r\nHost: x\r\n\r\n" if where else
              b"GET /?q=" + junk + b" HTTP/1.1\r\nHost: x\r\n\r\n", OUTSIDE_ASCII, st.booleans()),
    st.builds(lambda length: b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Length: " + length.encode()
              + b"\r\n\r\n", LENGTH),
    st.builds(lambda a, b: b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n"
              % (a, b) + b"x" * max(a, b), st.integers(0, 50), st.integers(51, 100)),
    st.builds(lambda junk: b"GET / HTTP/1.1\r\nHost: x\r\n" + junk + b"\r\n\r\n",  # a header line with no name
              st.binary(min_size=1, max_size=10).map(lambda b: b": " + b.replace(b"\r", b"").replace(b"\n", b""))),
)


@settings(max_examples=20, deadline=None)
@given(request=MALFORMED)
def test_a_request_that_is_not_http_gets_a_code_and_a_chinese_message(port, request):
    answer = exchange(port, request)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:200]
    text = body.decode("utf-8")
    assert "[E_BAD_REQUEST]" in text and re.search("[\u4e00-\u9fff]", text) and "Invalid" not in text
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
