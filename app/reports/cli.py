"""``flask report monthly --month 2025-06 --out DIR``: write the month's PDF and Excel from live data."""

from pathlib import Path

import click
from flask import Flask

from app.core.dates import today
from app.core.errors import InputError

report_cli = click.Group("report", help="月度转化率报告")


@report_cli.command("monthly")
@click.option("--month", "month_text", required=True, help="报告月份，如 2025-06")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录（不存在时自动创建）",
)
def monthly_command(month_text: str, out_dir: Path):
    """Write the monthly report of MONTH as PDF and Excel into DIR (computed now; nothing is issued)."""
    from app.reports.excel import xlsx_filename
    from app.reports.figures import Edition, ReportMonth, collect_figures
    from app.reports.pdf import pdf_filename
    from app.reports.services import render_files

    try:
        month = ReportMonth.parse(month_text)
    except InputError as exc:
        raise click.ClickException(exc.message) from exc
    figures = collect_figures(month)
    pdf, xlsx = render_files(figures, Edition(today()))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in ((pdf_filename(month.key), pdf), (xlsx_filename(month.key), xlsx)):
        path = out_dir / name
        path.write_bytes(content)
        click.echo(f"已生成 {path}（{len(content) // 1024} KB）")
    signed = figures["metrics"]["signed"]
    click.echo(f"{month.label}：本年累计签约 {signed['count']} 个项目，数据截至 {figures['as_of']}")


@report_cli.command("leaders")
@click.option("--month", "month_text", required=True, help="报告月份，如 2025-06")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录（不存在时自动创建）",
)
def leaders_command(month_text: str, out_dir: Path):
    """Write the 包联领导调度简报 of MONTH into DIR: one PDF per leader and one with every leader."""
    from app.reports.brief import brief_filename, build_brief_pdf, leader_brief_data, leaders_for_brief
    from app.reports.figures import Edition, ReportMonth

    try:
        month = ReportMonth.parse(month_text)
    except InputError as exc:
        raise click.ClickException(exc.message) from exc
    edition = Edition(today())
    briefs = [leader_brief_data(month, leader) for leader in leaders_for_brief()]
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [(brief_filename(month.key, b["leader"]), build_brief_pdf(month, [b], edition)) for b in briefs]
    files.append((brief_filename(month.key), build_brief_pdf(month, briefs, edition)))
    for name, content in files:
        path = out_dir / name
        path.write_bytes(content)
        click.echo(f"已生成 {path}（{len(content) // 1024} KB）")


def register(app: Flask) -> None:
    app.cli.add_command(report_cli)
