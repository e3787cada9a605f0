"""The service's database: tables (SQLAlchemy 2), the engine for SQLite or PostgreSQL, and migrations on start.

SQLite (the default, one file in the data folder) runs in WAL mode with ``synchronous=FULL`` and every transaction
begun IMMEDIATE, so concurrent uploads wait for each other instead of failing, and a commit is on disk when it
returns. The schema is created and upgraded only by the Alembic migrations shipped in ``migrations/``.
"""

from __future__ import annotations

import datetime as dt
import threading
from importlib.resources import files
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

LOCK_TIMEOUT = 60  # seconds a write waits for another (as SQLite's busy_timeout)


class DatabaseBusy(Exception):
    """No transaction could begin within LOCK_TIMEOUT."""


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo (SQLite keeps none): every time in the database is UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class DbText(TypeDecorator[str]):
    """A text column that takes any Python string, as every database can keep it: PostgreSQL's text holds no NUL
    character and its varchar(n) refuses a longer value with an error (SQLite keeps both), so a value is bound
    without NUL and cut to the column's length. A form, a file name, a request's path or method, a roster may carry
    either; one a user must see whole (an agency's name) is refused with its message before it gets here."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        value = str(value).replace("\x00", "")
        length = getattr(self.impl_instance, "length", None)
        return value[:length] if length else value


def column_length(column: Any) -> int | None:
    """The length a text column keeps (``Agency.name`` → 200), for the messages that refuse a longer value."""
    return getattr(getattr(column, "type", None), "length", None)


class Base(DeclarativeBase):
    pass


class OfficeUser(Base):
    __tablename__ = "office_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(DbText(100), unique=True)
    password_hash: Mapped[str] = mapped_column(DbText(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OfficeSession(Base):
    __tablename__ = "office_sessions"
    token_hash: Mapped[str] = mapped_column(DbText(64), primary_key=True)  # SHA-256 of the cookie: never the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("office_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Collection(Base):
    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(DbText(200))
    deadline: Mapped[dt.date] = mapped_column(Date)
    office_name: Mapped[str] = mapped_column(DbText(200))
    office_level: Mapped[str] = mapped_column(DbText(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("collection_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id"), index=True)
    name: Mapped[str] = mapped_column(DbText(200))
    name_key: Mapped[str] = mapped_column(DbText(200))
    level: Mapped[str | None] = mapped_column(DbText(20), nullable=True)
    region_code: Mapped[str | None] = mapped_column(DbText(20), nullable=True)
    contact: Mapped[str | None] = mapped_column(DbText(200), nullable=True)
    token: Mapped[str] = mapped_column(DbText(64), unique=True)  # the secret of the agency's submission link
    line: Mapped[int] = mapped_column(Integer, default=0)


class Upload(Base):
    """One workbook received (to check, and perhaps to submit): its file by content hash and what the check found."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(DbText(64), unique=True)  # the secret of its result page
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    sha256: Mapped[str] = mapped_column(DbText(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(DbText(255))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(DbText(20))  # ok / errors / unreadable (the statuses of gaip-xl bulk)
    error_code: Mapped[str | None] = mapped_column(DbText(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(DbText(), nullable=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_agency: Mapped[str | None] = mapped_column(DbText(200), nullable=True)
    document: Mapped[str | None] = mapped_column(DbText(), nullable=True)  # the to-json document


class Explanation(Base):
    """One of an upload's 说明 (the report model's ``Explanation``: the agreed shape {"rule", "cells", "text"}): from
    the workbook's 说明 sheet, the clerk's page or the API; several may name the same rule and cells."""

    __tablename__ = "explanations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    rule: Mapped[str] = mapped_column(DbText())  # as the workbook's 说明 sheet gives it (a rule of no finding: stale)
    cells: Mapped[str] = mapped_column(DbText())  # JSON list of cell codes
    text: Mapped[str] = mapped_column(DbText())
    written_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Submission(Base):
    """A version an agency submitted: kept for ever, never overwritten (a new one gets the next version)."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("agency_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(DbText(64))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    explained_warnings: Mapped[int] = mapped_column(Integer, default=0)  # ValidationReport's count
    document: Mapped[str] = mapped_column(DbText())  # the report JSON with its findings and "explanations"


class AuditEntry(Base):
    """Every request that changes (or tried to change) state: who, what, when, from where, with what outcome."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(DbText(200))
    action: Mapped[str] = mapped_column(DbText(60))
    method: Mapped[str] = mapped_column(DbText(10))
    path: Mapped[str] = mapped_column(DbText(500))
    status: Mapped[int] = mapped_column(Integer)
    target: Mapped[str | None] = mapped_column(DbText(200), nullable=True)
    detail: Mapped[str | None] = mapped_column(DbText(), nullable=True)
    remote: Mapped[str | None] = mapped_column(DbText(100), nullable=True)


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the driver installed with the service), not psycopg2."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions begun below, IMMEDIATE
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=60000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        # Writers of this process queue on a lock rather than in SQLite's busy handler, which polls with growing
        # sleeps (up to 100 ms) and lets some wait for seconds under many concurrent uploads. The lock is taken when
        # a transaction begins and given back when its connection returns to the pool (after its commit or rollback).
        write_lock = threading.Lock()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            if not write_lock.acquire(timeout=LOCK_TIMEOUT):
                raise DatabaseBusy("数据库忙，请稍后重试")
            connection.connection.info["gaip_write_lock"] = True  # the pool record's info: seen again at checkin
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "checkin")
        def _sqlite_checkin(_dbapi_connection: Any, record: Any) -> None:
            if record is not None and record.info.pop("gaip_write_lock", False):
                write_lock.release()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest migration (Alembic, run in-process; no alembic.ini needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("gaip_xl.service") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
