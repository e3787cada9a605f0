"""Upload latency of ``gaip-xl serve`` beside the command line's time for the same file.

    python benchmarks/bench_service.py [UPLOADS] [CLIENTS]

Starts ``gaip-xl serve`` in a subprocess on a loopback port (a fresh SQLite data folder; or ``--db`` taken from
GAIP_BENCH_DB), then ``CLIENTS`` concurrent clients send ``UPLOADS`` different workbooks (the same report, bytes
varied) in all, to (a) ``POST /api/check`` (read, check, the JSON document; nothing kept) and (b) ``POST
/api/agencies/{token}/submissions`` (stored with fsync, checked, committed, submitted as a new version); and (a1)
``/api/check`` from one client alone, 50 uploads in a row (what one clerk waits for). For each,
p50 and p95 of the latency per upload and the uploads per second. Beside them, for the same workbook: (c) ``gaip-xl
validate FILE`` as a subprocess (what a clerk waits for at the command line, Python start-up included), median of
5, and (d) read + validate + the JSON document in one warm process (the work itself), median of 200.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402
from service_server import agency_workbook, free_port, make_collection, start_server, stop_server, variants  # noqa

from gaip_xl.excel import read_source  # noqa: E402
from gaip_xl.excel.document import report_document  # noqa: E402
from gaip_xl.rules import validate  # noqa: E402


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(port: int, path_of: list[str], files: list[bytes], clients: int) -> tuple[list[float], float]:
    def send(i: int) -> float:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            start = time.perf_counter()
            response = http.post(path_of[i], files={"file": (f"{i}.xlsx", files[i])})
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, response.text
            return elapsed

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(send, range(len(files))))
    return latencies, time.perf_counter() - start


def main() -> None:
    uploads = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    work = Path(tempfile.mkdtemp(prefix="bench-service-"))
    db_url = os.environ.get("GAIP_BENCH_DB")
    names = [f"第{i:02d}镇人民政府" for i in range(clients)]
    tokens = make_collection(work / "data", names, 2024, db_url)
    per_agency = -(-uploads // clients)
    by_agency = {n: variants(agency_workbook(work, n, i), per_agency, n) for i, n in enumerate(names)}
    files = [by_agency[names[i % clients]][i // clients] for i in range(uploads)]
    assert len({hashlib.sha256(f).hexdigest() for f in files}) == uploads
    submit_paths = [f"/api/agencies/{tokens[names[i % clients]]}/submissions" for i in range(uploads)]
    port = free_port()
    server = start_server(work / "data", port, db_url)
    try:
        load(port, ["/api/check"] * clients, files[:clients], clients)  # warm-up
        alone, _ = load(port, ["/api/check"] * 50, files[:50], 1)
        check, check_wall = load(port, ["/api/check"] * uploads, files, clients)
        store, store_wall = load(port, submit_paths, files, clients)
    finally:
        stop_server(server)
    sample = work / "sample.xlsx"
    sample.write_bytes(files[0])
    cli = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gaip_xl", "validate", str(sample)], check=False,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        cli.append(time.perf_counter() - start)
    warm = []
    for _ in range(200):
        start = time.perf_counter()
        report, source = read_source(sample)
        report_document(report, validate(report), source)
        warm.append(time.perf_counter() - start)
    ms = 1000
    print(f"{uploads} uploads, {clients} concurrent clients, loopback, {'PostgreSQL' if db_url else 'SQLite'}")
    print(f"(a1) /api/check, one client   p50 {statistics.median(alone) * ms:7.1f} ms  p95 "
          f"{percentile(alone, 95) * ms:7.1f} ms")
    print(f"(a) POST /api/check           p50 {statistics.median(check) * ms:7.1f} ms  p95 "
          f"{percentile(check, 95) * ms:7.1f} ms  {uploads / check_wall:6.1f} uploads/s")
    print(f"(b) POST …/submissions        p50 {statistics.median(store) * ms:7.1f} ms  p95 "
          f"{percentile(store, 95) * ms:7.1f} ms  {uploads / store_wall:6.1f} uploads/s")
    print(f"(c) gaip-xl validate FILE     median {statistics.median(cli) * ms:7.1f} ms (subprocess, start-up included)")
    print(f"(d) read + validate + JSON    median {statistics.median(warm) * ms:7.1f} ms (one warm process)")


if __name__ == "__main__":
    main()
