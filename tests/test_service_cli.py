"""gaip-xl serve on the command line: listed, loopback by default, the first office account created from the CLI."""

from __future__ import annotations

import io

from gaip_xl.cli import build_parser, run


def test_serve_is_a_command_and_binds_loopback_by_default():
    args = build_parser("serve").parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.db is None
    out = io.StringIO()
    assert run(["--help"], out, io.StringIO()) == 0  # --help is written to the stream run() is given
    assert "serve" in out.getvalue()


def test_create_office_user_then_log_in(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient
    from service_support import csrf_of

    from gaip_xl.service.app import Settings, create_app

    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    out, err = io.StringIO(), io.StringIO()
    assert run(["serve", "--data", str(data), "--create-office-user", "办公室", "--password-stdin"], out, err) == 0
    assert "已创建" in out.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    err = io.StringIO()
    assert run(["serve", "--data", str(data), "--create-office-user", "办公室", "--password-stdin"],
               io.StringIO(), err) == 2
    assert "E_SERVE" in err.getvalue() and "已存在" in err.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    err = io.StringIO()
    assert run(["serve", "--data", str(data), "--create-office-user", "另一个", "--password-stdin"],
               io.StringIO(), err) == 2
    assert "至少 8 个字符" in err.getvalue()
    with TestClient(create_app(Settings(data))) as client:
        response = client.post("/office/login", data={"name": "办公室", "password": "a long password",
                                                      "csrf": csrf_of(client, "/office/login")})
        assert response.status_code == 200 and "收集管理" in response.text
    import sqlite3

    with sqlite3.connect(data / "gaip.sqlite3") as connection:
        (stored,) = connection.execute("SELECT password_hash FROM office_users").fetchone()
    assert stored.startswith("$argon2") and "a long password" not in stored
