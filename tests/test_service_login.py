"""Repeated failed logins pause logging in (E_LOGIN_LOCKED): per user name and per address, for a while, counted from
the audit table; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from service_support import OFFICE_PASSWORD, OFFICE_USER, client, create_office_user, csrf_of, db_url, settings  # noqa: F401
from sqlalchemy import select, update

from gaip_xl.service.db import AuditEntry
from gaip_xl.service.security import LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_NAME, LOGIN_LOCK_MINUTES


def _login(client, name: str, password: str):  # noqa: F811
    return client.post("/office/login", data={"name": name, "password": password,
                                              "csrf": csrf_of(client, "/office/login")})


def _audited(client, action: str) -> int:  # noqa: F811
    with client.app.state.service.sessions() as db:
        return len(db.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_a_guessed_name_is_paused_even_with_the_right_password_then_released(client, settings):  # noqa: F811
    create_office_user(settings)
    for _ in range(LOGIN_FAILURES_PER_NAME):
        assert _login(client, OFFICE_USER, "guess").status_code == 401
    locked = _login(client, OFFICE_USER, OFFICE_PASSWORD)
    assert locked.status_code == 429
    assert "E_LOGIN_LOCKED" in locked.text and f"{LOGIN_LOCK_MINUTES} 分钟后再试" in locked.text
    assert client.get("/office", follow_redirects=False).status_code == 303  # not logged in
    assert _audited(client, "login_locked") == 1
    # the window passes: the failures are older than the pause
    with client.app.state.service.sessions() as db:
        past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=LOGIN_LOCK_MINUTES + 1)
        db.execute(update(AuditEntry).where(AuditEntry.action == "login_failed").values(at=past))
        db.commit()
    response = _login(client, OFFICE_USER, OFFICE_PASSWORD)
    assert response.status_code == 200 and "收集管理" in response.text


def test_a_few_mistakes_do_not_lock_and_other_names_stay_open(client, settings):  # noqa: F811
    create_office_user(settings)
    for _ in range(LOGIN_FAILURES_PER_NAME - 1):
        assert _login(client, OFFICE_USER, "typo").status_code == 401
    for _ in range(LOGIN_FAILURES_PER_NAME):
        assert _login(client, "别的用户", "guess").status_code == 401
    assert _login(client, "别的用户", "guess").status_code == 429  # that name is paused
    response = _login(client, OFFICE_USER, OFFICE_PASSWORD)  # this one is not
    assert response.status_code == 200 and "收集管理" in response.text


def test_one_address_guessing_many_names_is_paused(client, settings):  # noqa: F811
    create_office_user(settings)
    for index in range(LOGIN_FAILURES_PER_ADDRESS):
        assert _login(client, f"用户{index}", "guess").status_code == 401
    locked = _login(client, OFFICE_USER, OFFICE_PASSWORD)
    assert locked.status_code == 429 and "E_LOGIN_LOCKED" in locked.text


def test_the_loopback_address_is_never_paused_as_an_address(client, settings, monkeypatch):  # noqa: F811
    """Behind a reverse proxy on the same machine every request comes from 127.0.0.1: twenty strangers' mistakes must
    not lock the office out (each user name still is paused on its own)."""
    from gaip_xl.service import app as app_module

    real = app_module.request_info

    def from_proxy(request):
        info = real(request)
        info["remote"] = "127.0.0.1"
        return info

    monkeypatch.setattr("gaip_xl.service.office.request_info", from_proxy)
    create_office_user(settings)
    for index in range(LOGIN_FAILURES_PER_ADDRESS):
        assert _login(client, f"用户{index}", "guess").status_code == 401
    response = _login(client, OFFICE_USER, OFFICE_PASSWORD)
    assert response.status_code == 200 and "收集管理" in response.text


def test_passwords_are_stored_with_argon2id_at_its_library_defaults():
    """The service tests run argon2 at a small cost (``service_support.settings``); the product's own hasher is
    argon2id at argon2-cffi's defaults, and a stored hash verifies only its password."""
    from argon2 import PasswordHasher

    from gaip_xl.service.security import hash_password, verify_password

    stored = hash_password(OFFICE_PASSWORD)
    defaults = PasswordHasher()
    cost = f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}"
    assert stored.startswith(f"$argon2id$v=19${cost}$")
    assert defaults.memory_cost >= 65536 and defaults.time_cost >= 3
    assert verify_password(stored, OFFICE_PASSWORD) and not verify_password(stored, OFFICE_PASSWORD + " ")
