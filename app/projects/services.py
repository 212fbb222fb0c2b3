"""Writes for projects and their monthly completed investment. Flush only."""

from datetime import date

import sqlalchemy as sa

from app.core.dates import month_end, today
from app.core.errors import InputError
from app.core.locking import lock_key
from app.extensions import db
from app.projects.models import NATURES, RESERVE_STATUSES, Project, ProjectInvestment


def _validate(project: Project) -> None:
    if not (project.name or "").strip():
        raise InputError("项目名称不能为空", field="name")
    if project.nature not in NATURES:
        raise InputError(f"建设性质须为{'或'.join(NATURES)}", field="nature")
    if project.reserve_status not in RESERVE_STATUSES:
        raise InputError(f"储备状态须为{'、'.join(RESERVE_STATUSES)}之一", field="reserve_status")
    if project.code:
        lock_key(Project, project.code)  # a twin request waits here, then sees this one's row
        with db.session.no_autoflush:  # the edited row must not be written before it is validated
            clash = db.session.scalar(
                sa.select(Project.id).where(Project.code == project.code, Project.id != (project.id or -1))
            )
        if clash:
            raise InputError(f"统一项目代码“{project.code}”已被其他项目使用", field="code")
    if (
        project.planned_start_on
        and project.planned_completion_on
        and project.planned_completion_on < project.planned_start_on
    ):
        raise InputError("计划竣工日期不能早于计划开工日期", field="planned_completion_on")
    if (
        project.actual_start_on
        and project.actual_completion_on
        and project.actual_completion_on < project.actual_start_on
    ):
        raise InputError("实际竣工日期不能早于实际开工日期", field="actual_completion_on")
    for field, label in (
        ("actual_start_on", "实际开工日期"),
        ("actual_completion_on", "实际竣工日期"),
        ("stats_registered_on", "入库纳统日期"),
    ):
        value = getattr(project, field)
        if value and value > today():
            raise InputError(f"{label}（{value}）不能晚于今天", field=field)
    if not project.plan_year or not 2000 <= project.plan_year <= 2100:
        raise InputError("计划年度须在2000至2100之间", field="plan_year")
    for field in ("total_investment_yuan", "annual_plan_yuan"):
        if getattr(project, field) is None:
            setattr(project, field, 0)
        if getattr(project, field) < 0:
            raise InputError("投资额不能为负数", field=field)
    if project.total_investment_yuan and project.annual_plan_yuan > project.total_investment_yuan:
        raise InputError("年度计划投资不能大于总投资", field="annual_plan_yuan")


def create_project(data: dict) -> Project:
    """Create a project after validation."""
    data = {**data, "name": (data.get("name") or "").strip(), "code": (data.get("code") or "").strip() or None}
    project = Project(**data)
    project.nature = project.nature or "新建"
    project.reserve_status = project.reserve_status or "储备"
    _validate(project)
    db.session.add(project)
    return project


def update_project(project: Project, data: dict) -> Project:
    """Update fields of a project after validation."""
    for key, value in data.items():
        setattr(project, key, value)
    project.name = (project.name or "").strip()
    project.code = (project.code or "").strip() or None
    _validate(project)
    return project


def record_investment(
    project: Project, *, period_on: date, amount_yuan: int, note: str | None = None
) -> ProjectInvestment:
    """Set the completed investment of one month (replaces that month's figure)."""
    if period_on is None:
        raise InputError("请填写月份", field="period_on")
    if amount_yuan is None or amount_yuan < 0:
        raise InputError("完成投资不能为空或为负数", field="amount_yuan")
    now = today()
    if (period_on.year, period_on.month) > (now.year, now.month):
        raise InputError(f"月份（{period_on:%Y年%m月}）不能晚于本月", field="period_on")
    period_on = month_end(period_on.year, period_on.month)
    entry = db.session.scalar(
        sa.select(ProjectInvestment).where(
            ProjectInvestment.project_id == project.id, ProjectInvestment.period_on == period_on
        )
    )
    if entry is None:
        entry = ProjectInvestment(project=project, period_on=period_on, amount_yuan=amount_yuan, note=note)
        db.session.add(entry)
    else:
        entry.amount_yuan, entry.note = amount_yuan, note
    return entry
