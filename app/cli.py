"""Thin click commands over services. Each command runs in one transaction with source "cli"."""

import functools

import click
import sqlalchemy as sa
from flask import Flask

from app.core.audit import audit_context
from app.core.errors import InputError
from app.extensions import db


def cli_transaction(func):
    """Attribute changes to the CLI, commit once on success, roll back and print Chinese on error."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with audit_context(source="cli"):
            try:
                result = func(*args, **kwargs)
            except InputError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from exc
            except Exception:
                db.session.rollback()
                raise
            db.session.commit()
            return result

    return wrapper


user_cli = click.Group("user", help="用户管理")


@user_cli.command("create", help="新建用户账号")
@click.argument("username")
@click.option("--role", required=True, help="admin / taskforce / investment / finance / unit / leader")
@click.option("--unit", "unit_name", help="所属单位名称（unit 角色必填）")
@click.option("--leader", "leader_name", help="对应县级领导姓名（leader 角色必填）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行，供脚本使用）")
@click.option("--name", "display_name", help="姓名")
@cli_transaction
def create_user_command(username, role, unit_name, leader_name, password_stdin, display_name):
    """Create a user account; the password is typed at a hidden prompt (twice) or read from stdin.

    Never an argument: command lines land in shell history and in every user's ``ps``.
    """
    import sys

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码（至少12位，不能是常见密码）", hide_input=True, confirmation_prompt="再次输入密码")
    from app.auth.services import create_user
    from app.people.models import Leader, Unit
    from app.people.queries import find_by_name

    unit = leader = None
    if unit_name:
        unit = find_by_name(Unit, unit_name)
        if unit is None:
            raise InputError(f"单位“{unit_name}”不存在，请先在基础数据中添加或检查名称")
    if leader_name:
        leader = find_by_name(Leader, leader_name)
        if leader is None:
            raise InputError(f"县级领导“{leader_name}”不存在，请先在基础数据中添加")
    user = create_user(
        username=username, password=password, role=role, unit=unit, leader=leader, display_name=display_name
    )
    click.echo(f"已创建用户 {user.username}（{user.role_label}）")


@user_cli.command("list", help="列出用户账号")
def list_users_command():
    """List user accounts."""
    from app.auth.models import User

    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        binding = user.unit.name if user.unit else (user.leader.name if user.leader else "")
        state = "启用" if user.is_active else "停用"
        click.echo(f"{user.username}\t{user.role}\t{user.role_label}\t{binding}\t{state}")


@click.command("seed", help="加载默认基础数据（单位、资金渠道、产业、2025年目标、预警阈值），可重复执行")
@cli_transaction
def seed_command():
    """Load default reference data (idempotent)."""
    from app.people.seeds import seed_reference_data

    added = seed_reference_data()
    click.echo(
        "基础数据已就绪：新增单位 {units}、资金渠道 {channels}、产业类别 {industries}、"
        "目标 {targets}、设置 {settings} 条".format(**added)
    )


@click.command("demo", help="向空数据库加载演示数据（人名、企业均为虚构）")
@click.option("--if-empty", is_flag=True, help="仅当数据库中没有业务数据时加载")
@click.option("--seed", "random_seed", default=2025, show_default=True, help="随机种子")
@cli_transaction
def demo_command(if_empty, random_seed):
    """Fill the database with clearly-marked demo data."""
    from app.demo import has_business_data, load_demo

    if has_business_data():
        if if_empty:
            click.echo("数据库已有业务数据，跳过演示数据。")
            return
        raise InputError("数据库已有业务数据，演示数据只能加载到空数据库中")
    summary = load_demo(seed=random_seed)
    click.echo("演示数据已加载：" + "，".join(f"{k} {v}" for k, v in summary.items()))


@click.command("backup", help="备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump -Fc）")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="备份文件（不能已存在）")
def backup_command(out):
    """Write a consistent backup of the database to OUT."""
    from app.core.backup import backup

    try:
        path = backup(out)
    except InputError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已备份到 {path}（{path.stat().st_size:,} 字节）")


@click.command("restore", help="把备份恢复到当前配置的空数据库（有表则拒绝）")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore_command(file):
    """Load FILE (made by flask backup) into the configured, empty database."""
    from app.core.backup import restore

    try:
        restore(file)
    except InputError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已从 {file} 恢复")


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    from app.dashboard import cli as dashboard_cli
    from app.imports import cli as imports_cli
    from app.reports import cli as reports_cli

    for module in (dashboard_cli, reports_cli, imports_cli):
        module.register(app)
