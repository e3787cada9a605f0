"""A real ``gaip-xl serve`` in a subprocess on a free loopback port, with a collection of agencies made beforehand,
and distinct workbooks made cheaply (one written per agency, then varied in docProps, which the reader ignores)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
from service_support import report_workbook

from gaip_xl.roster import RosterEntry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, port: int, db_url: str | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "gaip_xl", "serve", "--data", str(data), "--port", str(port)]
    if db_url:
        command += ["--db", db_url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr:
        process.stderr.close()


def make_collection(data: Path, names: list[str], year: int, db_url: str | None = None) -> dict[str, str]:
    """Creates the collection in the database the server will use; agency name → its link token."""
    import datetime as dt

    from gaip_xl.service.app import Settings
    from gaip_xl.service.db import Agency, make_engine, migrate, session_factory
    from gaip_xl.service.records import create_collection

    settings = Settings(data, db_url)
    data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as db:
        entries = [RosterEntry(name, "乡镇", line=i + 2) for i, name in enumerate(names)]
        collection = create_collection(db, year, "测试", dt.date(2099, 1, 31), "测试县人民政府", "县级", entries,
                                       {"actor": "test"})
        tokens = {a.name: a.token for a in db.query(Agency).filter(Agency.collection_id == collection.id)}
    engine.dispose()
    return tokens


def variants(workbook: bytes, count: int, tag: str) -> list[bytes]:
    """``count`` workbooks with the same report and different bytes (a different docProps/app.xml each)."""
    found = []
    for i in range(count):
        source = zipfile.ZipFile(io.BytesIO(workbook))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, source.read(info.filename))
            target.writestr("docProps/custom-variant.xml", f"<v>{tag}-{i}</v>")
        found.append(out.getvalue())
    return found


def agency_workbook(tmp_path: Path, name: str, seed: int, year: int = 2024) -> bytes:
    import random

    from builders import consistent_report

    report = consistent_report("2021", random.Random(seed), year)
    report.agency.name, report.agency.level = name, "乡镇"
    return report_workbook(tmp_path, report, f"w{seed}").read_bytes()
