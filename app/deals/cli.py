"""``flask deals check-history [--fix]``: find (and repair) deals whose date columns drifted from their stage history."""

import click

from app.core.audit import audit_context
from app.deals import bp
from app.extensions import db


@bp.cli.command("check-history", help="检查（并可修复）阶段日期与阶段变更记录不一致的招商项目")
@click.option("--fix", is_flag=True, help="按阶段变更记录改写不一致的阶段和日期（记入操作日志）")
def check_history_command(fix: bool):
    """Report deals whose stage or stage dates differ from their stage-change rows."""
    from app.deals.queries import history_mismatches
    from app.deals.services import sync_dates_from_history

    mismatches = history_mismatches()
    for deal, differences in mismatches:
        click.echo(f"#{deal.id} {deal.name}：" + "；".join(differences))
    if not mismatches:
        click.echo("全部招商项目的阶段和日期与阶段变更记录一致。")
        return
    if not fix:
        click.echo(f"共 {len(mismatches)} 个项目不一致；加 --fix 按阶段变更记录改写。")
        return
    with audit_context(source="cli"):
        for deal, _differences in mismatches:
            sync_dates_from_history(deal)
        db.session.commit()
    click.echo(f"已按阶段变更记录改写 {len(mismatches)} 个项目。")
