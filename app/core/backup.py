"""Backup and restore of the whole database: SQLite's online backup API, PostgreSQL's pg_dump -Fc.

``backup(out)`` copies a consistent snapshot while the application keeps running. ``restore(file)``
loads one into an *empty* database (no tables): restoring over live data is refused, so a typo
cannot overwrite the county's records. Commands: ``flask backup --out FILE``, ``flask restore FILE``.
"""

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.core.errors import InputError
from app.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def _url():
    return make_url(str(db.engine.url))


def _libpq_url(url) -> str:
    """The SQLAlchemy URL as libpq reads it (no +psycopg driver suffix), password included."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url) -> str:
    if not url.database or url.database == ":memory:":
        raise InputError("内存数据库无法备份或恢复")
    return url.database


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InputError(
            f"找不到 {name}：请安装与数据库服务器同版本的 PostgreSQL 客户端（apt-get install postgresql-client）"
        )
    return path


def _check_client_version(tool: str) -> None:
    """pg_dump refuses a newer server; say so in Chinese before it does."""
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    client = int(re.search(r"\)\s*(\d+)", output).group(1))  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    server = int(db.session.execute(sa.text("SHOW server_version_num")).scalar()) // 10000
    if client < server:
        raise InputError(f"{Path(tool).name} 版本（{client}）低于数据库服务器（{server}），请安装 {server} 版的客户端")


def backup(out: str | Path) -> Path:
    """Write a consistent copy of the whole database to ``out``; returns the path."""
    out = Path(out)
    if out.exists():
        raise InputError(f"文件 {out} 已存在，不会覆盖；请换一个文件名")
    out.parent.mkdir(parents=True, exist_ok=True)
    url = _url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)  # page by page, consistent while others keep writing
        finally:
            target.close()
            source.close()
        return out
    if url.get_backend_name() == "postgresql":
        tool = _tool("pg_dump")
        _check_client_version(tool)
        result = subprocess.run(
            [tool, "-Fc", "--no-owner", "-f", str(out), "-d", _libpq_url(url)], capture_output=True, text=True
        )
        if result.returncode != 0:
            out.unlink(missing_ok=True)
            raise InputError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
        return out
    raise InputError(f"不支持的数据库类型：{url.get_backend_name()}")


def _ensure_empty() -> None:
    tables = sa.inspect(db.engine).get_table_names()
    if tables:
        raise InputError(
            f"目标数据库不是空的（已有 {len(tables)} 张表，如 {tables[0]}）。"
            "恢复只能写入新建的空数据库，以免覆盖现有数据"
        )


def restore(file: str | Path) -> None:
    """Load a backup made by ``backup`` into the configured, empty database."""
    file = Path(file)
    if not file.is_file():
        raise InputError(f"找不到备份文件 {file}")
    with file.open("rb") as handle:
        head = handle.read(16)
    url = _url()
    db.session.remove()
    _ensure_empty()
    if url.get_backend_name() == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise InputError(f"{file} 不是 SQLite 备份文件")
        db.engine.dispose()
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if url.get_backend_name() == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise InputError(f"{file} 不是 pg_dump -Fc 备份文件")
        tool = _tool("pg_restore")
        result = subprocess.run(
            [tool, "--no-owner", "--exit-on-error", "-d", _libpq_url(url), str(file)], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise InputError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
        db.engine.dispose()
        return
    raise InputError(f"不支持的数据库类型：{url.get_backend_name()}")
