"""``flask metrics``: the figures of the metrics module as JSON."""

import json

import click
from flask import Flask

from app.core.errors import InputError


@click.command("metrics", help="以 JSON 输出某年截至某日的全部指标（金额为整数元，比率为 0..1 小数）")
@click.option("--year", "year_text", help="统计年度，如 2025（默认：截至日期所在年度）")
@click.option("--as-of", "as_of_text", help="截至日期，如 2025-06-30（默认：今天，往年为12月31日）")
def metrics_command(year_text, as_of_text):
    """Print every figure of year Y as of date D as JSON (amounts in integer yuan)."""
    from app.dashboard.metrics import compute_metrics
    from app.dashboard.metrics.periods import parse_period

    try:
        year, as_of = parse_period(year_text, as_of_text)
    except InputError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(compute_metrics(year, as_of), ensure_ascii=False, indent=2))


def register(app: Flask) -> None:
    app.cli.add_command(metrics_command)
