"""Helpers for the service tests: the app on SQLite or on a real PostgreSQL, a browser-like client with its CSRF
token, an office account, collections, and real workbooks of the six cases.

PostgreSQL: ``GAIP_TEST_POSTGRES_URL`` (set by .ci/run after it starts the cluster and creates the role and the
database) names a database; every test gets a schema of its own there (dropped afterwards), so tests may run in
parallel. Without the variable, the PostgreSQL variants are skipped with a reason that says so.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from builders import CASES, load_case
from fastapi.testclient import TestClient

from gaip_xl import write_workbook
from gaip_xl.report import Report
from gaip_xl.service import security
from gaip_xl.service.app import Settings, create_app

POSTGRES_ENV = "GAIP_TEST_POSTGRES_URL"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.json"))
OFFICE_USER, OFFICE_PASSWORD = "县政务公开办", "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def postgres_schema_url(base: str) -> Iterator[str]:
    """A fresh schema in the test database, as a URL whose connections use it; dropped afterwards."""
    from sqlalchemy import create_engine, text

    from gaip_xl.service.db import normalise_url

    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{normalise_url(base)}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (SQLite in the data folder) or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield None
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"!!! PostgreSQL NOT TESTED: set {POSTGRES_ENV} (as .ci/run does after starting PostgreSQL) !!!")
    yield from postgres_schema_url(base)


@pytest.fixture
def settings(tmp_path: Path, db_url: str | None, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # argon2 with a small cost in the app under test: what these tests check is the service's logic (who may log in,
    # when logins pause), not the hash's cost, and the product's parameters (64 MiB, three passes) cost each login
    # attempt most of a second on this VM; test_service_login pins the product's own parameters.
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return Settings(tmp_path / "data", db_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.service.engine.dispose()


def csrf_of(client: TestClient, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    found = _CSRF.search(response.text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def case_workbook(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.xlsx"
    write_workbook(load_case(name), path)
    return path


def report_workbook(tmp_path: Path, report: Report, name: str = "report") -> Path:
    path = tmp_path / f"{name}.xlsx"
    write_workbook(report, path)
    return path


def create_office_user(settings: Settings, name: str = OFFICE_USER, password: str = OFFICE_PASSWORD) -> None:
    from gaip_xl.service.db import make_engine, session_factory
    from gaip_xl.service.security import create_user

    engine = make_engine(settings.database_url)
    with session_factory(engine)() as db:
        create_user(db, name, password)
        db.commit()
    engine.dispose()


def office_login(client: TestClient, settings: Settings) -> None:
    create_office_user(settings)
    token = csrf_of(client, "/office/login")
    response = client.post("/office/login", data={"name": OFFICE_USER, "password": OFFICE_PASSWORD, "csrf": token})
    assert response.status_code == 200 and "收集管理" in response.text


def create_collection(client: TestClient, roster: bytes, year: int, filename: str = "名单.csv",
                      **fields: Any) -> int:
    token = csrf_of(client, "/office")
    data = {"csrf": token, "year": str(year), "office_name": "测试县人民政府", "office_level": "县级", **fields}
    response = client.post("/office/collections", data=data, files={"roster": (filename, roster)})
    assert response.status_code == 200, response.text
    found = re.search(r"/office/collections/(\d+)", str(response.url))
    assert found
    return int(found.group(1))


def agency_links(client: TestClient, collection_id: int) -> dict[str, str]:
    """Agency name → its submission path, from the office's links.csv."""
    import csv
    import io

    text = client.get(f"/office/collections/{collection_id}/links.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["机关名称"]: "/a/" + row["报送链接"].rsplit("/a/", 1)[1] for row in rows}


def upload(client: TestClient, path_or_bytes: Path | bytes, action: str = "/check", filename: str = "年报.xlsx",
           page: str = "/") -> Any:
    token = csrf_of(client, page)
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return client.post(action, data={"csrf": token}, files={"file": (filename, data)})
