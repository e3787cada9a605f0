"""A real server under load and under SIGKILL: no upload answered "received" is ever lost, none is stored twice,
nothing is left half-stored. The server runs as ``gaip-xl serve`` in a subprocess on a loopback port."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from service_server import agency_workbook, free_port, make_collection, start_server, stop_server, variants
from service_support import db_url  # noqa: F401  (fixture)
from sqlalchemy import select

from gaip_xl.service.app import Settings
from gaip_xl.service.db import Submission, Upload, make_engine, session_factory

CLIENTS, PER_CLIENT = 20, 5  # every client uploads again while the others upload: five rounds show it


def stored_state(data: Path, url: str | None) -> tuple[list[Upload], list[Submission]]:
    engine = make_engine(Settings(data, url).database_url)
    with session_factory(engine)() as db:
        uploads, submissions = list(db.scalars(select(Upload))), list(db.scalars(select(Submission)))
    engine.dispose()
    return uploads, submissions


def blob(data: Path, sha: str) -> Path:
    return data / "store" / "blobs" / sha[:2] / sha


def test_100_uploads_from_20_concurrent_clients_none_lost_or_duplicated(tmp_path, db_url):  # noqa: F811
    data = tmp_path / "data"
    names = [f"第{i:02d}镇人民政府" for i in range(CLIENTS)]
    tokens = make_collection(data, names, 2024, db_url)
    files = {name: variants(agency_workbook(tmp_path, name, i), PER_CLIENT, name) for i, name in enumerate(names)}
    port = free_port()
    server = start_server(data, port, db_url)
    try:
        def client(name: str) -> list[dict]:
            answers = []
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                for i, content in enumerate(files[name]):
                    response = http.post(f"/api/agencies/{tokens[name]}/submissions",
                                         files={"file": (f"{i}.xlsx", content)})
                    assert response.status_code == 200, response.text
                    answers.append(response.json())
            return answers

        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = [a for batch in pool.map(client, names) for a in batch]
    finally:
        stop_server(server)
    assert len(answers) == CLIENTS * PER_CLIENT and all(a["status"] == "received" and a["submitted"] for a in answers)
    sent = {hashlib.sha256(c).hexdigest() for contents in files.values() for c in contents}
    uploads, submissions = stored_state(data, db_url)
    assert Counter(u.sha256 for u in uploads) == Counter(sent)  # every one once
    assert {a["upload"] for a in answers} == {u.token for u in uploads}
    versions: dict[int, list[int]] = {}
    for sub in submissions:
        versions.setdefault(sub.agency_id, []).append(sub.version)
    assert sorted(sorted(v) == list(range(1, PER_CLIENT + 1)) for v in versions.values()) == [True] * CLIENTS
    for sha in sent:
        assert hashlib.sha256(blob(data, sha).read_bytes()).hexdigest() == sha


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sigkill_mid_upload_loses_no_received_upload_and_leaves_nothing_half_stored(tmp_path, db_url):  # noqa: F811
    data = tmp_path / "data"
    names = [f"第{i}镇人民政府" for i in range(4)]
    tokens = make_collection(data, names, 2024, db_url)
    files = {name: variants(agency_workbook(tmp_path, name, i), 50, name) for i, name in enumerate(names)}
    port = free_port()
    server = start_server(data, port, db_url)
    received: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def uploader(name: str) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for i, content in enumerate(files[name]):
                if stop.is_set():
                    return
                try:
                    response = http.post(f"/api/agencies/{tokens[name]}/submissions",
                                         files={"file": (f"{i}.xlsx", content)})
                except httpx.HTTPError:
                    return  # the server died under this request: it never said "received"
                if response.json().get("status") == "received":
                    with lock:
                        received.append(response.json())

    def slow_uploader() -> None:
        """An upload still streaming when the server dies."""
        def body():
            yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.xlsx\"\r\n\r\n"
            yield files[names[0]][0][:10_000]
            while not stop.is_set():
                time.sleep(0.05)
            yield b"x"

        try:
            httpx.post(f"http://127.0.0.1:{port}/api/agencies/{tokens[names[0]]}/submissions", content=body(),
                       headers={"Content-Type": "multipart/form-data; boundary=b"}, timeout=30)
        except httpx.HTTPError:
            pass

    threads = [threading.Thread(target=uploader, args=(n,)) for n in names] + [threading.Thread(target=slow_uploader)]
    for thread in threads:
        thread.start()
    while len(received) < 30 and server.poll() is None:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join(60)
    stop_server(server)
    assert len(received) >= 30
    restarted = start_server(data, port, db_url)  # the start tidies the store
    stop_server(restarted)
    uploads, submissions = stored_state(data, db_url)
    by_token = {u.token: u for u in uploads}
    for answer in received:  # every upload answered "received" is there, with its file and its version
        upload = by_token[answer["upload"]]
        assert upload.sha256 == answer["sha256"]
        assert hashlib.sha256(blob(data, upload.sha256).read_bytes()).hexdigest() == upload.sha256
    submitted = {(s.agency_id, s.version): s for s in submissions}
    for upload in uploads:  # nothing half-stored: every row has its whole file
        assert hashlib.sha256(blob(data, upload.sha256).read_bytes()).hexdigest() == upload.sha256
    assert list((data / "store" / "tmp").iterdir()) == []
    referenced = {u.sha256 for u in uploads}
    on_disk = {p.name for p in (data / "store" / "blobs").glob("*/*")}
    assert on_disk == referenced
    per_agency: dict[int, list[int]] = {}
    for agency_id, version in submitted:
        per_agency.setdefault(agency_id, []).append(version)
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in per_agency.values())
