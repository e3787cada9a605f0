"""gaip-xl serve: the collecting office's web service for checking and submitting reports (FastAPI + uvicorn).

Binds 127.0.0.1 unless told otherwise; keeps its SQLite database, uploaded files and secret in ``--data`` (or uses
``--db postgresql://…``). ``--create-office-user NAME`` creates an office account (password asked twice, or read
from standard input with ``--password-stdin``) and exits.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..errors import GaipError
from .output import Output

NAME = "serve"
HELP = "启动报送与校验服务（网页与 JSON 接口）"


class ServeFailed(GaipError):
    code = "E_SERVE"
    title = "服务无法启动"
    template = "{detail}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只允许本机访问）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--data", default="gaip-data", metavar="DIR",
                        help="数据目录：SQLite 数据库、上传的文件、密钥（默认 ./gaip-data）")
    parser.add_argument("--db", metavar="URL",
                        help="数据库地址，如 postgresql://用户:密码@主机/库（默认用数据目录中的 SQLite）")
    parser.add_argument("--max-upload-mb", type=int, default=20, help="上传文件大小上限，MB（默认 20）")
    parser.add_argument("--secure-cookies", action="store_true",
                        help="只通过 HTTPS 发送 Cookie（在 HTTPS 反向代理后使用）")
    parser.add_argument("--create-office-user", metavar="NAME", help="创建收集单位的登录账号后退出")
    parser.add_argument("--password-stdin", action="store_true",
                        help="与 --create-office-user 一起用：从标准输入读密码")


def settings_of(args: argparse.Namespace):
    from ..service.app import Settings

    return Settings(Path(args.data), args.db, args.max_upload_mb * 1024 * 1024, args.secure_cookies)


def main(args: argparse.Namespace, out: Output) -> int:
    try:
        from ..service.app import create_app
    except ImportError as exc:
        missing = f"缺少服务所需的软件包（{exc.name}）：请运行 pip install \"gaip-xl[service]\""
        raise ServeFailed(detail=missing) from None
    if args.create_office_user:
        return _create_user(args, out)
    try:
        app = create_app(settings_of(args))
    except Exception as exc:  # a database that does not answer, a data folder that cannot be written
        raise ServeFailed(detail=f"无法打开数据库或数据目录：{type(exc).__name__}: {exc}") from None
    import uvicorn

    out.line(f"报送与校验服务：http://{args.host}:{args.port}/ （数据目录 {Path(args.data).resolve()}；Ctrl+C 停止）")
    out.flush()
    from ..service.protocol import ServiceH11Protocol

    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False,
                http=ServiceH11Protocol)  # uvicorn's own, answering a request that is not HTTP in Chinese
    return 0


def _create_user(args: argparse.Namespace, out: Output) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from ..service.db import OfficeUser, make_engine, migrate, session_factory
    from ..service.records import audit
    from ..service.security import create_user

    name = args.create_office_user.strip()
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再输入一次："):
            raise ServeFailed(detail="两次输入的密码不一致")
    if len(password) < 8:
        raise ServeFailed(detail="密码至少 8 个字符")
    settings = settings_of(args)
    settings.data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as db:
        if db.scalar(select(OfficeUser).where(OfficeUser.name == name)) is not None:
            raise ServeFailed(detail=f"账号“{name}”已存在")
        create_user(db, name, password)
        audit(db, {"actor": "cli", "method": "CLI", "path": "serve --create-office-user"}, "create_user", name)
        try:
            db.commit()
        except IntegrityError:
            raise ServeFailed(detail=f"账号“{name}”已存在") from None
    out.line(f"已创建收集单位账号“{name}”")
    return 0
