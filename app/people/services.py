"""Writes of reference data. Flush, never commit."""

import sqlalchemy as sa

from app.core.errors import InputError
from app.core.money import parse_money, to_decimal
from app.extensions import db
from app.people.models import TARGET_METRICS, Target


def save_named(model, obj, data: dict):
    """Create (obj None) or update a named reference row, refusing duplicate names."""
    name = (data.get("name") or "").strip()
    if not name:
        raise InputError("名称不能为空", field="name")
    clash = db.session.scalar(sa.select(model).where(model.name == name, model.id != (obj.id if obj else -1)))
    if clash is not None:
        raise InputError(f"“{name}”已存在", field="name")
    if obj is None:
        obj = model()
        db.session.add(obj)
    for key, value in data.items():
        setattr(obj, key, value.strip() if isinstance(value, str) else value)
    obj.name = name
    db.session.flush()
    return obj


def parse_target_value(metric: str, text: str) -> int:
    """Target text to the stored integer: yuan for amounts, basis points for rates, counts."""
    if metric not in TARGET_METRICS:
        raise InputError(f"指标“{metric}”不存在", field="metric")
    kind = TARGET_METRICS[metric][1]
    if kind == "amount":
        value = parse_money(text, unit="万元", what="目标金额")
        if value is None:
            raise InputError("请填写目标金额", field="value")
        return value
    raw = (text or "").strip().rstrip("%％")
    number = to_decimal(raw, what="目标值")
    if kind == "rate":
        if not 0 <= number <= 100:
            raise InputError("比率须在0%至100%之间", field="value")
        return int((number * 100).to_integral_value())
    if number != number.to_integral_value() or number < 0:
        raise InputError("数量须为非负整数", field="value")
    return int(number)


def save_target(obj: Target | None, *, year: int, metric: str, unit_id: int | None, text: str) -> Target:
    """Create or update a yearly target; one per year, metric and unit."""
    value = parse_target_value(metric, text)
    stmt = sa.select(Target).where(Target.year == year, Target.metric == metric)
    stmt = stmt.where(Target.unit_id.is_(None) if unit_id is None else Target.unit_id == unit_id)
    clash = db.session.scalar(stmt)
    if clash is not None and clash is not obj:
        raise InputError("该年度、指标和单位的目标已存在，请直接修改", field="metric")
    if obj is None:
        obj = Target()
        db.session.add(obj)
    obj.year, obj.metric, obj.unit_id, obj.value = year, metric, unit_id, value
    db.session.flush()
    return obj


def format_target_value(target: Target) -> str:
    """Stored integer back to what a person reads."""
    return target.value_text()
