"""Test data builders going through the real services. Each commits nothing; tests commit."""

from datetime import date
from itertools import count

import sqlalchemy as sa

from app.extensions import db

PASSWORD = "Kiwi-Harbor-Lamp7"  # passes the password rule (app/auth/passwords.py)
_seq = count(1)


def unit(name: str | None = None, kind: str = "乡镇", **kw):
    from app.people.models import Unit

    existing = db.session.scalar(sa.select(Unit).where(Unit.name == name)) if name else None
    if existing:
        return existing
    row = Unit(name=name or f"测试单位{next(_seq)}", kind=kind, **kw)
    db.session.add(row)
    db.session.flush()
    return row


def leader(name: str | None = None, **kw):
    from app.people.models import Leader

    row = Leader(name=name or f"测试领导{next(_seq)}", title=kw.pop("title", "副县长"), **kw)
    db.session.add(row)
    db.session.flush()
    return row


def industry(name: str = "新材料"):
    from app.people.models import Industry

    row = db.session.scalar(sa.select(Industry).where(Industry.name == name))
    if row is None:
        row = Industry(name=name)
        db.session.add(row)
        db.session.flush()
    return row


def channel(name: str = "地方政府专项债券", is_bond: bool = True, short_name: str | None = None):
    from app.people.models import FundChannel

    row = db.session.scalar(sa.select(FundChannel).where(FundChannel.name == name))
    if row is None:
        row = FundChannel(name=name, is_bond=is_bond, short_name=short_name)
        db.session.add(row)
        db.session.flush()
    return row


def user(role: str = "admin", *, username: str | None = None, unit=None, leader=None, password: str = PASSWORD):
    from app.auth.services import create_user

    if role == "unit" and unit is None:
        unit = globals()["unit"]()
    if role == "leader" and leader is None:
        leader = globals()["leader"]()
    return create_user(
        username=username or f"{role}{next(_seq)}", password=password, role=role, unit=unit, leader=leader
    )


def project(name: str | None = None, **kw):
    from app.projects.services import create_project

    data = {"name": name or f"测试项目{next(_seq)}", "plan_year": kw.pop("plan_year", 2025)}
    data.update(kw)
    obj = create_project(data)
    db.session.flush()  # services flush only for ids they need; tests read ids at once
    return obj


def deal(
    name: str | None = None, *, stage: str = "线索", lead_on: date = date(2025, 1, 10), dates: dict | None = None, **kw
):
    """A deal walked to ``stage``; ``dates`` maps stage → effective date (defaults spaced in 2025)."""
    from app.deals.services import create_deal, move_deal_to_stage

    data = {"name": name or f"测试招商项目{next(_seq)}", "contract_amount_yuan": kw.pop("amount", 100_000_000)}
    data.update(kw)
    obj = create_deal(data, effective_on=lead_on)
    defaults = {
        "在谈": date(2025, 2, 1),
        "已签约": date(2025, 3, 1),
        "已注册": date(2025, 3, 15),
        "已开工": date(2025, 5, 1),
        "已投产": date(2025, 9, 1),
    }
    defaults.update(dates or {})
    order = ["在谈", "已签约", "已注册", "已开工", "已投产"]
    if stage in order:
        for step in order[: order.index(stage) + 1]:
            move_deal_to_stage(obj, step, effective_on=defaults[step])
    db.session.flush()
    return obj


def application(title: str | None = None, *, channel_obj=None, year: int = 2025, **kw):
    from app.funds.services import create_application

    ch = channel_obj or channel()
    start_on = kw.pop("start_on", None) or date(2025, 2, 1)
    data = {
        "title": title or f"测试申报{next(_seq)}",
        "channel_id": ch.id,
        "year": year,
        "requested_yuan": kw.pop("requested", 10_000_000),
    }
    data.update(kw)
    obj = create_application(data, effective_on=start_on)
    db.session.flush()
    return obj


def problem(**kw):
    from app.problems.services import create_problem

    data = {
        "description": kw.pop("description", f"测试问题{next(_seq)}"),
        "found_on": kw.pop("found_on", date(2025, 4, 1)),
    }
    if "project" not in kw and "deal" not in kw and "project_id" not in kw:
        data["project"] = project()
    data.update(kw)
    return create_problem(data)


def fund_application(
    title: str | None = None,
    *,
    channel_obj=None,
    year: int = 2025,
    requested: int = 10_000_000,
    start_on: date = date(2025, 2, 1),
    steps=(),
    ledger=(),
    projects=(),
    **kw,
):
    """A fund application registered on ``start_on``, moved through ``steps`` [(status, date)] and
    given ``ledger`` entries [(kind, date, amount_yuan) or dict of add_ledger_entry arguments]."""
    from app.funds.services import add_ledger_entry, change_status, create_application

    ch = channel_obj or channel()
    data = {
        "title": title or f"测试申报{next(_seq)}",
        "channel_id": ch.id,
        "year": year,
        "requested_yuan": requested,
        "projects": list(projects),
        **kw,
    }
    obj = create_application(data, effective_on=start_on)
    for status, on in steps:
        change_status(obj, status, effective_on=on)
    for entry in ledger:
        if isinstance(entry, dict):
            add_ledger_entry(obj, **entry)
        else:
            kind, on, amount = entry
            add_ledger_entry(obj, kind=kind, entry_on=on, amount_yuan=amount)
    db.session.flush()
    return obj
