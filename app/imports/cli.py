"""``flask import deals|projects|funds FILE [--dry-run] [--create-leaders]``: the preview summary, then one commit."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from app.core.errors import InputError
from app.extensions import db
from app.imports import services
from app.imports.confirmations import ALL, confirmed_rows
from app.imports.mappers.base import Plan
from app.imports.models import KINDS

ACTIONS = {"create": "新建", "update": "更新", "unchanged": "未变", "error": "错误"}


def echo_plan(plan: Plan, filename: str) -> None:
    """The same summary the preview page shows: counts, then every error line."""
    table = plan.table
    counts = plan.summary()
    click.echo(f"{KINDS[plan.kind]}台账：{filename}（工作表“{table.sheet}”，表头在第{table.header_row}行）")
    click.echo(
        f"共 {counts['total']} 行：新建 {counts['create']}，更新 {counts['update']}，"
        f"未变 {counts['unchanged']}，错误 {counts['error']}"
    )
    if table.skipped:
        click.echo("已忽略合计/说明行：第" + "、".join(map(str, table.skipped)) + "行")
    if table.unknown_headers:
        click.echo("未识别的列（不导入）：" + "、".join(table.unknown_headers))
    for name, numbers in plan.unknown_leaders.items():
        click.echo(f"将新建县级领导：{name}（第{'、'.join(map(str, numbers))}行）")
    for row in plan.rows:
        for letter, header, message in row.errors:
            click.echo(_line(row.number, letter, header, message))
    warned = [row for row in plan.rows if row.warnings and row.action != "error"]
    if warned:
        click.echo(f"提示 {sum(len(r.warnings) for r in warned)} 条（{len(warned)} 行照常导入，按以下方式处理）：")
        for row in warned:
            for letter, header, message in row.warnings:
                click.echo("提示 " + _line(row.number, letter, header, message))


def _line(number: int, letter: str, header: str, message: str) -> str:
    where = f"{letter}列“{header}”" if letter else (f"“{header}”" if header and header != "—" else "")
    return f"第{number}行 {where}：{message}" if where else f"第{number}行：{message}"


def register(app: Flask) -> None:
    @app.cli.group("import", help="导入 Excel 台账（招商项目、项目库、资金申报）")
    def import_group():
        pass

    def make_command(kind: str):
        @import_group.command(kind, help=f"导入{KINDS[kind]}台账")
        @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
        @click.option("--dry-run", is_flag=True, help="只检查并显示结果，不写入")
        @click.option("--create-leaders", is_flag=True, help="台账中系统没有的县级领导自动新建")
        @click.option("--user", "username", help="记为导入人的用户名")
        @click.option("--confirm-amounts", is_flag=True, help="已核对超过合理上限的金额，照常导入（记入操作日志）")
        def command(path: Path, dry_run: bool, create_leaders: bool, username: str | None, confirm_amounts: bool):
            from app.auth.models import User

            user = None
            if username:
                user = db.session.scalar(sa.select(User).where(User.username == username))
                if user is None:
                    raise click.ClickException(f"用户“{username}”不存在")
            try:
                with confirmed_rows(ALL if confirm_amounts else ()):
                    plan, batch = services.import_file(
                        kind, path.name, path.read_bytes(), user=user, create_leaders=create_leaders, dry_run=dry_run
                    )
            except services.ImportFailed as exc:
                db.session.rollback()
                echo_plan(exc.plan, path.name)
                click.echo(exc.message, err=True)
                raise click.exceptions.Exit(1) from exc
            except InputError as exc:
                db.session.rollback()
                raise click.ClickException(exc.message) from exc
            echo_plan(plan, path.name)
            if plan.has_errors:
                click.echo("有错误，未写入任何数据。", err=True)
                raise click.exceptions.Exit(1)
            if batch is None:
                click.echo("试运行（--dry-run）：未写入任何数据。")
                return
            db.session.commit()
            click.echo(f"已导入：批次 #{batch.id}（撤销：在“台账导入”页面打开该批次）")

        return command

    for kind in KINDS:
        make_command(kind)
