"""Deal stages: their order, the 暂缓 main-stage rule, and the move, date and correction rules.

The one home of these rules: the deals service (forms, CLI), the stage-history consistency
check and the ledger import planner all call in here, so a rule changed here changes for all.
Stage values are the Chinese names stored in ``deals.stage`` (a ``StrEnum`` compares equal to
them, so the stored data needs no migration).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.core.dates import today
from app.core.errors import InputError


class Stage(StrEnum):
    """A deal's stage; the value is what the database stores and the user reads."""

    LEAD = "线索"
    NEGOTIATING = "在谈"
    SIGNED = "已签约"
    REGISTERED = "已注册"
    STARTED = "已开工"
    PRODUCTION = "已投产"
    ON_HOLD = "暂缓"
    TERMINATED = "终止"


# Main stages in order, then side states.
STAGES = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.PRODUCTION]
SIDE_STATES = [Stage.ON_HOLD, Stage.TERMINATED]
ALL_STAGES = STAGES + SIDE_STATES
# Side states a deal's follow-ups and pipeline figures leave out.
PAUSED_OR_ENDED = (Stage.TERMINATED, Stage.ON_HOLD)
# The effective date a move into each stage records, and the Deal column holding it.
STAGE_DATE_FIELDS = {
    Stage.LEAD: ("lead_on", "线索日期"),
    Stage.NEGOTIATING: ("negotiating_on", "洽谈日期"),
    Stage.SIGNED: ("signed_on", "签约日期"),
    Stage.REGISTERED: ("registered_on", "注册日期"),
    Stage.STARTED: ("started_on", "开工日期"),
    Stage.PRODUCTION: ("production_on", "投产日期"),
    Stage.TERMINATED: ("terminated_on", "终止日期"),
    Stage.ON_HOLD: (None, "暂缓日期"),
}
# Main-stage date columns in stage order: a later one may not precede an earlier one.
MAIN_DATE_COLUMNS = [STAGE_DATE_FIELDS[stage][0] for stage in STAGES]
DATE_COLUMNS = [*MAIN_DATE_COLUMNS, "terminated_on"]
DATE_LABELS = {column: label for column, label in STAGE_DATE_FIELDS.values() if column}
STAGE_OF_COLUMN = {STAGE_DATE_FIELDS[stage][0]: stage for stage in STAGES}
# The date a kanban card shows for a deal in each stage.
_KEY_DATE_STAGES = (Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.PRODUCTION, Stage.TERMINATED)


def stage_index(stage: str | None) -> int:
    """Position among the main stages (-1 for a side state or none)."""
    return STAGES.index(stage) if stage in STAGES else -1


def main_stage(stage: str, before_hold: str | None) -> str:
    """The main stage a deal stands at: on 暂缓, the stage it will resume."""
    return before_hold if stage == Stage.ON_HOLD else stage


def next_stage(stage: str, before_hold: str | None) -> str | None:
    """The main stage after the current one (None when terminated or at the last)."""
    current = main_stage(stage, before_hold)
    if stage == Stage.TERMINATED or current not in STAGES[:-1]:
        return None
    return STAGES[STAGES.index(current) + 1]


def offered_stage(stage: str, before_hold: str | None) -> str | None:
    """What 变更阶段 offers first: the stage to resume for a deal on hold, else the next main stage."""
    if stage == Stage.ON_HOLD:
        return before_hold
    return next_stage(stage, before_hold)


def stages_before(stage: str, before_hold: str | None) -> list[str]:
    """Main stages a move back to needs a reason."""
    current = main_stage(stage, before_hold)
    return STAGES[: stage_index(current)] if current in STAGES else []


def key_date_column(stage: str) -> str | None:
    """The Deal column of the date a card shows for ``stage`` (signing onwards and termination)."""
    return STAGE_DATE_FIELDS[stage][0] if stage in _KEY_DATE_STAGES else None


# --- stage state and moves ---------------------------------------------------------------------


@dataclass
class StageState:
    """A deal's stage and stage dates, as the history rows build them up."""

    stage: str = Stage.LEAD
    before_hold: str | None = None
    dates: dict = field(default_factory=lambda: dict.fromkeys(DATE_COLUMNS))

    @classmethod
    def of(cls, deal) -> "StageState":
        """The state a deal stores."""
        return cls(
            stage=deal.stage,
            before_hold=deal.stage_before_hold,
            dates={column: getattr(deal, column) for column in DATE_COLUMNS},
        )


@dataclass
class Move:
    """One recorded (or planned) stage move: what a following move may not precede."""

    from_stage: str | None
    to_stage: str
    effective_on: date


def apply_move(state: StageState, to_stage: str, effective_on: date) -> list[str]:
    """Apply one move to ``state``; return the main stages passed over on a forward skip.

    A forward move dates the stages it skips (when still undated) with its own date; a move
    back clears the dates of the stages left; 暂缓 remembers the stage to resume; 终止 keeps all.
    """
    current = main_stage(state.stage, state.before_hold)
    skipped: list[str] = []
    if to_stage == Stage.TERMINATED:
        state.dates["terminated_on"] = effective_on
    elif to_stage == Stage.ON_HOLD:
        state.before_hold = current
    else:
        target, here = stage_index(to_stage), stage_index(current)
        if target < here:
            for stage in STAGES[target + 1 :]:
                state.dates[STAGE_DATE_FIELDS[stage][0]] = None
        else:
            for stage in STAGES[here + 1 : target + 1]:
                column = STAGE_DATE_FIELDS[stage][0]
                if stage == to_stage:
                    state.dates[column] = effective_on
                elif state.dates[column] is None:
                    state.dates[column] = effective_on
                    skipped.append(stage)
        state.before_hold = None
    state.stage = to_stage
    return skipped


def recording_order(changes) -> list:
    """History rows in the order they were recorded: stored ones by id, then rows added but not
    flushed yet (services flush only when they need an id) in the order they were added."""
    changes = list(changes)
    return sorted((c for c in changes if c.id is not None), key=lambda c: c.id) + [c for c in changes if c.id is None]


def replay_stage_history(changes, *, dates: dict | None = None) -> StageState:
    """The stage and stage dates the history rows imply, replayed in recording order.

    ``dates`` overrides effective dates by row (to test a correction before making it).
    """
    state = StageState()
    for change in recording_order(changes):
        effective_on = (dates or {}).get(_key(change), change.effective_on)
        if change.from_stage is None:
            state = StageState(stage=change.to_stage)
            column = STAGE_DATE_FIELDS.get(change.to_stage, (None,))[0]
            if column:
                state.dates[column] = effective_on
        else:
            apply_move(state, change.to_stage, effective_on)
    return state


def date_order_problem(dates: dict, *, focus: str | None = None, first=()) -> tuple[str, str] | None:
    """The first stage date out of order in ``dates`` (column → date), as (column to blame, message).

    ``focus`` (the column just set) is checked first against its nearest neighbours, so the
    message names the date the user entered (开工 before 签约, not 注册); then the pairs among
    ``first`` (the dates a ledger row gives) before the dates a move fills in; then all pairs,
    and 终止 against the earliest date.
    """
    if focus in MAIN_DATE_COLUMNS and dates.get(focus):
        value, index = dates[focus], MAIN_DATE_COLUMNS.index(focus)
        for earlier in reversed(MAIN_DATE_COLUMNS[:index]):
            if dates.get(earlier) and dates[earlier] > value:
                return focus, f"{DATE_LABELS[focus]}（{value}）不能早于{DATE_LABELS[earlier]}（{dates[earlier]}）"
        for later in MAIN_DATE_COLUMNS[index + 1 :]:
            if dates.get(later) and dates[later] < value:
                return later, f"{DATE_LABELS[later]}（{dates[later]}）不能早于{DATE_LABELS[focus]}（{value}）"
    if first:
        problem = date_order_problem({column: dates.get(column) for column in first if column in MAIN_DATE_COLUMNS})
        if problem:
            return problem
    known = [(dates[column], column) for column in MAIN_DATE_COLUMNS if dates.get(column)]
    for index, (value, column) in enumerate(known):
        for later_value, later in known[index + 1 :]:
            if later_value < value:
                return later, f"{DATE_LABELS[later]}（{later_value}）不能早于{DATE_LABELS[column]}（{value}）"
    terminated = dates.get("terminated_on")
    if terminated and known and terminated < known[0][0]:
        return "terminated_on", f"终止日期（{terminated}）不能早于{DATE_LABELS[known[0][1]]}（{known[0][0]}）"
    return None


def check_date_order(dates: dict, *, focus: str | None = None) -> None:
    """Refuse stage dates out of order (开工 before 签约 …) with a clear message."""
    problem = date_order_problem(dates, focus=focus)
    if problem:
        raise InputError(problem[1], field="effective_on")


def previous_move_problem(previous, effective_on: date) -> str | None:
    """A move may not precede the last move recorded (``previous``: a history row or a ``Move``)."""
    if previous is not None and effective_on < previous.effective_on:
        return (
            f"生效日期（{effective_on}）不能早于上一次阶段变更“{previous.from_stage or '新建'}→"
            f"{previous.to_stage}”的日期（{previous.effective_on}）"
        )
    return None


def plan_move(
    state: StageState, to_stage: str, effective_on: date, *, reason: str | None = None, previous=None
) -> list[str]:
    """Check a move against every rule and apply it to ``state``; return the main stages it skips.

    Forward moves may skip stages; moving backwards and 终止 require a reason; a terminated deal
    moves no more; the date may not lie in the future, precede ``previous`` (the last move), or
    put the stage dates out of order.
    """
    if to_stage not in ALL_STAGES:
        raise InputError(f"阶段“{to_stage}”不存在", field="to_stage")
    if effective_on is None:
        raise InputError("请填写生效日期", field="effective_on")
    if effective_on > today():
        raise InputError(f"生效日期（{effective_on}）不能晚于今天（{today()}）", field="effective_on")
    if to_stage == state.stage:
        raise InputError(f"项目已处于“{to_stage}”阶段", field="to_stage")
    if state.stage == Stage.TERMINATED:
        raise InputError("已终止的项目不能再变更阶段", field="to_stage")
    current = main_stage(state.stage, state.before_hold)
    if to_stage == Stage.TERMINATED and not reason:
        raise InputError("终止项目必须填写原因", field="reason")
    if to_stage in STAGES and stage_index(to_stage) < stage_index(current) and not reason:
        raise InputError(f"从“{current}”退回“{to_stage}”必须填写原因", field="reason")
    skipped = apply_move(state, to_stage, effective_on)
    check_date_order(state.dates, focus=STAGE_DATE_FIELDS[to_stage][0])
    problem = previous_move_problem(previous, effective_on)
    if problem:
        raise InputError(problem, field="effective_on")
    return skipped


# --- corrections -------------------------------------------------------------------------------


def neighbour_problem(ordered: list, change, new_date: date, dates: dict | None = None) -> str | None:
    """A corrected date may not precede the move before it nor follow the move after it.

    ``ordered``: the history rows in recording order; ``dates``: corrections already planned (row id → date).
    """

    def on(row):
        return (dates or {}).get(_key(row), row.effective_on)

    position = ordered.index(change)
    before = ordered[position - 1] if position > 0 else None
    after = ordered[position + 1] if position + 1 < len(ordered) else None
    if before is not None and new_date < on(before):
        return f"更正后的日期（{new_date}）不能早于前一次变更“{before.to_stage}”的日期（{on(before)}）"
    if after is not None and new_date > on(after):
        return f"更正后的日期（{new_date}）不能晚于后一次变更“{after.to_stage}”的日期（{on(after)}）"
    return None


def plan_correction(changes, change, new_date: date) -> StageState:
    """Check a correction of a history row's effective date; return the stage state it leads to."""
    if new_date is None:
        raise InputError("请填写更正后的日期", field="effective_on")
    if new_date > today():
        raise InputError(f"更正后的日期（{new_date}）不能晚于今天（{today()}）", field="effective_on")
    if new_date == change.effective_on and not getattr(change, "date_unknown", False):
        raise InputError("更正后的日期与原日期相同", field="effective_on")  # an unknown date may be confirmed as is
    ordered = recording_order(changes)
    state = replay_stage_history(ordered, dates={_key(change): new_date})
    check_date_order(state.dates, focus=STAGE_DATE_FIELDS.get(change.to_stage, (None,))[0])
    problem = neighbour_problem(ordered, change, new_date)
    if problem:
        raise InputError(problem, field="effective_on")
    return state


def latest_change(changes):
    """The last move recorded (stored or not flushed yet, see ``recording_order``)."""
    ordered = recording_order(changes)
    return ordered[-1] if ordered else None


def _key(change):
    """A history row's key in a ``dates`` override: its id, or the row itself while it has none."""
    return change.id if change.id is not None else change
