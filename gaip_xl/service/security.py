"""Sessions, CSRF tokens and office passwords.

Every browser gets a random session id in an HttpOnly, SameSite=Lax cookie. A form's CSRF token is an HMAC of
that id under the server's secret (kept in the data folder, created on first start), so it needs no storage, differs
per session, and a forged cross-site form cannot know it; every POST of a form is refused (``E_CSRF``) unless its
token matches. An office login rotates the session id and records only its SHA-256 in ``office_sessions``.
Passwords are hashed with argon2 (argon2-cffi's defaults). Repeated failed logins pause logging in for a while
(``login_locked``, ``E_LOGIN_LOCKED``), so a password cannot be guessed at the server's speed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
from pathlib import Path
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .db import AuditEntry, OfficeSession, OfficeUser, utcnow

SESSION_COOKIE = "gx_sid"
CSRF_FIELD = "csrf"
OFFICE_SESSION_HOURS = 12
LOGIN_LOCK_MINUTES = 15
LOGIN_FAILURES_PER_NAME = 5  # a clerk who mistypes a few times is not locked out for long
LOGIN_FAILURES_PER_ADDRESS = 20  # one address trying many names
_hasher = PasswordHasher()
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what new_token makes (URL-safe base64), with room for older ones
Row = TypeVar("Row")


def load_secret(folder: Path) -> bytes:
    """The server's secret: 32 random bytes in ``folder/secret.key`` (mode 0600), created once."""
    path = folder / "secret.key"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(handle, "wb") as out:
        out.write(secrets.token_bytes(32))
        out.flush()
        os.fsync(out.fileno())
    return path.read_bytes()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def by_token(db: Session, model: type[Row], token: str) -> Row | None:
    """The row (an agency, an upload) whose secret link token is exactly ``token``, or None. A token that is not of
    the shape ``new_token`` makes names nothing and never reaches the database: a link with a NUL, a space, another
    script or a thousand characters is simply not found, whatever the database would make of it."""
    if not _TOKEN.fullmatch(token):
        return None
    column: Any = getattr(model, "token")  # noqa: B009 - Agency.token or Upload.token
    return db.scalar(select(model).where(column == token))


def csrf_token(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, session_id: str | None, token: str | None) -> bool:
    if not session_id or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, session_id), token)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create_user(db: Session, name: str, password: str) -> OfficeUser:
    user = OfficeUser(name=name, password_hash=hash_password(password))
    db.add(user)
    return user


def login_locked(db: Session, name: str, remote: str | None) -> bool:
    """Whether logins are paused for this user name or this address: ``LOGIN_FAILURES_PER_NAME`` failed logins for the
    name, or ``LOGIN_FAILURES_PER_ADDRESS`` from the address (guessing many names), within the last
    ``LOGIN_LOCK_MINUTES``; not by address for the loopback address, where a reverse proxy on the same machine sends
    everyone's requests from (the service does not trust forwarded headers). Counted from the audit table, where every
    failed login is already recorded: no second record to keep, and the pause holds across restarts and worker
    processes. A paused login runs no password hash, so a flood of guesses costs the server little."""
    since = utcnow() - dt.timedelta(minutes=LOGIN_LOCK_MINUTES)
    failed = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed",
                                                                AuditEntry.at >= since)
    if (db.scalar(failed.where(AuditEntry.target == name[:200])) or 0) >= LOGIN_FAILURES_PER_NAME:
        return True
    if remote is None or _loopback(remote):  # behind a reverse proxy every request comes from it: not one guesser
        return False
    return (db.scalar(failed.where(AuditEntry.remote == remote)) or 0) >= LOGIN_FAILURES_PER_ADDRESS


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def login(db: Session, name: str, password: str) -> OfficeUser | None:
    """The user whose name and password match, or None (the same answer whichever was wrong)."""
    user = db.scalar(select(OfficeUser).where(OfficeUser.name == name))
    if user is None:
        hash_password(password)  # about the same time as a real check: no hint that the name exists
        return None
    return user if verify_password(user.password_hash, password) else None


def open_office_session(db: Session, user: OfficeUser, session_id: str) -> None:
    """Records a new office session (its hash only) and forgets the sessions that have expired."""
    db.execute(delete(OfficeSession).where(OfficeSession.expires_at < utcnow()))
    expires = utcnow() + dt.timedelta(hours=OFFICE_SESSION_HOURS)
    db.add(OfficeSession(token_hash=session_hash(session_id), user_id=user.id, expires_at=expires))


def office_user(db: Session, session_id: str | None) -> OfficeUser | None:
    if not session_id:
        return None
    row = db.get(OfficeSession, session_hash(session_id))
    if row is None or row.expires_at < utcnow():
        return None
    return db.get(OfficeUser, row.user_id)


def close_office_session(db: Session, session_id: str | None) -> None:
    if session_id:
        row = db.get(OfficeSession, session_hash(session_id))
        if row is not None:
            db.delete(row)
