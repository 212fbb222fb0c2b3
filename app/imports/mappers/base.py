"""What every kind of ledger shares: row outcomes, cell parsing with row/column errors, reference lookups."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.core.money import format_wan
from app.extensions import db
from app.imports.reader import Column, Table
from app.imports.spec import Field, parse_cell
from app.people.models import FundChannel, Industry, Leader, Unit
from app.people.queries import find_by_name


@dataclass
class RowPlan:
    """The outcome of one ledger row: create, update, unchanged or error, and what applying it does."""

    number: int
    title: str = ""
    action: str = "error"
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (column letter, header, message)
    # Stored, with the assumption spelled out (reason taken from 备注, date unknown …).
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    # Amounts above their plausibility ceiling: stored only when ticked (我已核对金额) in the preview.
    confirm: list[tuple[str, str, str]] = field(default_factory=list)
    shown: list[tuple[str, str]] = field(default_factory=list)  # a new row's parsed values (label, text)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)  # unknown leader names the row needs
    target: object = None  # the existing record (update)
    data: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)

    def release(self) -> None:
        """Drop what applying the row needed (ORM objects); its outcome (``as_dict``) stays."""
        self.target = None
        self.data = {}
        self.steps = []

    def as_dict(self) -> dict:
        return {
            "n": self.number,
            "a": self.action,
            "t": self.title,
            "e": [list(e) for e in self.errors],
            "c": self.changes,
            "o": self.notes,
            "l": self.leaders,
            "w": [list(w) for w in self.warnings],
            "k": [list(k) for k in self.confirm],
            "v": [list(v) for v in self.shown],
        }


@dataclass
class Plan:
    kind: str
    table: Table
    rows: list[RowPlan]
    unknown_leaders: dict[str, list[int]]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def has_errors(self) -> bool:
        return any(row.action == "error" for row in self.rows)

    def summary(self) -> dict:
        return {
            "total": len(self.rows),
            "create": self.count("create"),
            "update": self.count("update"),
            "unchanged": self.count("unchanged"),
            "error": self.count("error"),
        }


class RowReader:
    """Values of one data row by field key, collecting errors with the Excel column and header."""

    def __init__(self, table: Table, number: int, cells: list, plan: RowPlan):
        self.table, self.number, self.cells, self.plan = table, number, cells, plan
        self.columns: dict[str, Column] = table.by_key
        self.values: dict[str, object] = {}
        for key, column in self.columns.items():
            raw = cells[column.index] if column.index < len(cells) else None
            try:
                self.values[key] = parse_cell(column.spec, raw, unit=column.unit)
            except InputError as exc:
                self.error(key, exc.message)
                self.values[key] = None

    def has(self, key: str) -> bool:
        """Is the column present in the file (blank or not)?"""
        return key in self.columns

    def get(self, key: str):
        return self.values.get(key)

    def error(self, key: str | None, message: str) -> None:
        column = self.columns.get(key) if key else None
        if column is None:
            self.plan.errors.append(("", _header_for(key), message))
        else:
            self.plan.errors.append((column.letter, column.header, message))

    def warn(self, key: str | None, message: str) -> None:
        """A warning on the cell of ``key``: the row is stored, with what was assumed."""
        column = self.columns.get(key) if key else None
        if column is None:
            self.plan.warnings.append(("", _header_for(key), message))
        else:
            self.plan.warnings.append((column.letter, column.header, message))

    def check_amount(self, key: str, ceiling_key: str, *, stored: int | None = None) -> tuple | None:
        """An amount above its plausibility ceiling needs a tick in the preview (or --confirm-amounts);
        returns (ceiling_key, amount) to audit when it was confirmed. The amount already stored
        (``stored``, a re-import) was confirmed before and passes."""
        from app.core.plausibility import ceiling_for, implausible
        from app.imports.confirmations import is_confirmed

        amount = self.get(key)
        if amount is None or amount == stored:
            return None
        message = implausible(self._header(key), amount, ceiling_for(ceiling_key))
        if message is None:
            return None
        column = self.columns.get(key)
        where = (column.letter, column.header) if column else ("", _header_for(key))
        confirmed = is_confirmed(self.number)
        if confirmed is None:  # preview: the official ticks it
            self.plan.confirm.append((*where, message.replace("后再保存", "（预览页上方）后再导入")))
        elif confirmed:
            self.plan.warnings.append((*where, f"金额已核对：{format_wan(amount)} 万元"))
            return ceiling_key, amount
        else:
            self.error(
                key,
                message.replace(
                    "请勾选“我已核对金额”后再保存", "请在预览中勾选“我已核对金额”（命令行加 --confirm-amounts）"
                ),
            )
        return None

    def has_error(self, key: str) -> bool:
        """Did the cell of ``key`` already fail to parse?"""
        return any(e[1] == self._header(key) for e in self.plan.errors)

    def require(self, key: str) -> object:
        value = self.get(key)
        if value is None and not self.has_error(key):
            self.error(key, "必填，不能为空")
        return value

    def not_future(self, *keys: str) -> None:
        for key in keys:
            value = self.get(key)
            if isinstance(value, date) and value > today():
                self.error(key, f"{self._header(key)}（{value}）不能晚于今天（{today()}）")
                self.values[key] = None

    def _header(self, key: str) -> str:
        column = self.columns.get(key)
        return column.header if column else _header_for(key)


_HEADERS: dict[str, str] = {}


def plan_each_row(table, plan_row) -> list["RowPlan"]:
    """Run ``plan_row(reader, plan)`` on every data row; a row with any error is marked "error"."""
    result = []
    for number, cells in table.rows:
        plan = RowPlan(number)
        plan_row(RowReader(table, number, cells, plan), plan)
        if plan.errors:
            plan.action = "error"
        result.append(plan)
    return result


def _header_for(key: str | None) -> str:
    return _HEADERS.get(key or "", key or "")


def register_headers(fields: list[Field]) -> None:
    for spec in fields:
        _HEADERS.setdefault(spec.key, spec.label)


_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def _loose(text: str) -> str:
    """Name for forgiving comparison: NFKC, no spaces, quotes or brackets."""
    return re.sub(r"[\s\"'“”‘’()（）]", "", unicodedata.normalize("NFKC", text or ""))


class Lookups:
    """Reference data looked up once per distinct text (find_by_name, then a forgiving unique match)."""

    def __init__(self, create_leaders):
        self.create_leaders = create_leaders  # True, False, or a collection of names to create
        self._cache: dict[tuple[str, str], object] = {}
        self.new_leaders: dict[str, Leader] = {}

    def _match(self, model, text: str):
        key = (model.__name__, text)
        if key not in self._cache:
            row = find_by_name(model, text)
            if row is None:
                wanted = _loose(text)
                rows = db.session.scalars(sa.select(model)).all()
                exact = [
                    r
                    for r in rows
                    if _loose(r.name) == wanted or (getattr(r, "short_name", None) and _loose(r.short_name) == wanted)
                ]
                partial = [r for r in rows if wanted and wanted in _loose(r.name)]
                row = exact[0] if len(exact) == 1 else partial[0] if not exact and len(partial) == 1 else None
            self._cache[key] = row
        return self._cache[key]

    def unit(self, reader: RowReader, key: str) -> int | None:
        """Unit id for the cell, or an error naming the unknown unit."""
        text = reader.get(key)
        if not text:
            return None
        row = self._match(Unit, text)
        if row is None:
            reader.error(
                key, f"单位“{text}”不存在：请使用系统中的单位名称或简称（如“巴公”“发改科技局”），或先在基础数据中添加"
            )
            return None
        return row.id

    def township(self, reader: RowReader, key: str) -> int | None:
        unit_id = self.unit(reader, key)
        if unit_id is not None and db.session.get(Unit, unit_id).kind != "乡镇":
            reader.error(key, f"“{reader.get(key)}”不是乡镇")
            return None
        return unit_id

    def industry(self, reader: RowReader, key: str) -> int | None:
        text = reader.get(key)
        if not text:
            return None
        row = self._match(Industry, text)
        if row is None:
            names = "、".join(db.session.scalars(sa.select(Industry.name).order_by(Industry.sort_order)))
            reader.error(key, f"产业类别“{text}”不存在（可填：{names}）")
            return None
        return row.id

    def channel(self, reader: RowReader, key: str) -> FundChannel | None:
        text = reader.get(key)
        if not text:
            return None
        row = self._match(FundChannel, text)
        if row is None:
            names = "、".join(db.session.scalars(sa.select(FundChannel.name).order_by(FundChannel.sort_order)))
            reader.error(key, f"资金渠道“{text}”无法识别（可填：{names}，或其简称如“专项债”）")
        return row

    def leader(self, reader: RowReader, key: str, plan: RowPlan):
        """Leader id, or the name itself when it is unknown and may be created on commit."""
        name = re.sub(r"\s+", "", reader.get(key) or "")
        if not name:
            return None
        cache_key = ("Leader", name)
        if cache_key not in self._cache:
            row = db.session.scalar(sa.select(Leader).where(Leader.name == name))
            if row is None:  # "张三" for "张三（挂职）": only when exactly one leader fits
                bare = [r for r in db.session.scalars(sa.select(Leader)) if _BRACKETS.sub("", r.name) == name]
                row = bare[0] if len(bare) == 1 else None
            self._cache[cache_key] = row
        row = self._cache[cache_key]
        if row is not None:
            return row.id
        allowed = self.create_leaders is True or (self.create_leaders and name in self.create_leaders)
        if not allowed:
            hint = "（可加 --create-leaders 新建）" if self.create_leaders is False else "（未勾选导入时新建）"
            reader.error(key, f"县级领导“{name}”不存在{hint}")
            return None
        plan.leaders.append(name)
        plan.notes.append(f"将新建县级领导“{name}”")
        return name

    def leader_id(self, value) -> int | None:
        """At commit: a leader id, creating a leader named ``value`` once when needed."""
        if value is None or isinstance(value, int):
            return value
        if value not in self.new_leaders:
            from app.people.services import save_named

            self.new_leaders[value] = save_named(Leader, None, {"name": value, "title": None})
            db.session.flush()  # its id now, though the import flushes once per chunk of rows
        return self.new_leaders[value].id


def yuan_text(value: int | None) -> str:
    return "（空）" if value is None else f"{format_wan(value)} 万元"


def show(value) -> str:
    """A stored value as a person reads it in a change list."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def name_of(model, value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, str):
        return f"{value}（新建）"
    row = db.session.get(model, value)
    return str(row) if row is not None else f"#{value}"
