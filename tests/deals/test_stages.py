"""Deal stage history: every transition, every date rule, corrections, and the Deal date columns mirroring the rows."""

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.dates import today
from app.core.errors import InputError
from app.deals.models import ALL_STAGES, DealStageChange
from app.deals.services import (
    correct_stage_date,
    create_deal,
    move_deal_to_stage,
    update_deal,
)
from app.deals.stages import DATE_COLUMNS, recording_order, replay_stage_history
from app.extensions import db

D = date


def history(deal):
    return [(c.from_stage, c.to_stage, c.effective_on) for c in recording_order(deal.stage_changes)]


def dates(deal):
    return {column: getattr(deal, column) for column in DATE_COLUMNS if getattr(deal, column)}


def assert_mirrors_history(deal):
    state = replay_stage_history(deal.stage_changes)
    assert state.stage == deal.stage
    assert state.before_hold == deal.stage_before_hold
    assert state.dates == {column: getattr(deal, column) for column in DATE_COLUMNS}


def move(deal, stage, day, **kw):
    return move_deal_to_stage(deal, stage, effective_on=day, **kw)


# --- creation ----------------------------------------------------------------------------------


def test_create_deal_records_the_lead_row(make):
    actor = make.user("investment")
    deal = create_deal(
        {"name": "  碳纤维项目 ", "contract_amount_yuan": 80_000_000}, actor=actor, effective_on=D(2025, 1, 10)
    )
    assert deal.name == "碳纤维项目" and deal.stage == "线索" and deal.lead_on == D(2025, 1, 10)
    assert history(deal) == [(None, "线索", D(2025, 1, 10))]
    assert deal.stage_changes[0].actor_id == actor.id
    assert_mirrors_history(deal)


@pytest.mark.parametrize(
    "data, effective_on, message, field",
    [
        ({"name": " "}, None, "项目名称不能为空", "name"),
        ({"name": "甲", "is_counted": False}, None, "不计入考核时必须填写原因", "exclusion_reason"),
        ({"name": "甲", "contract_amount_yuan": -1}, None, "签约金额不能为负数", "contract_amount_yuan"),
        ({"name": "甲", "agreement_type": "口头协议"}, None, "协议类型须为", "agreement_type"),
        ({"name": "甲"}, "tomorrow", "不能晚于今天", "lead_on"),
    ],
)
def test_create_deal_refuses_bad_input(data, effective_on, message, field):
    when = today() + timedelta(days=1) if effective_on == "tomorrow" else None
    with pytest.raises(InputError) as info:
        create_deal(data, effective_on=when)
    assert message in info.value.message and info.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(DealStageChange.id))) == 0


def test_create_deal_at_a_later_stage_walks_the_history(make):
    deal = create_deal({"name": "直接签约项目", "stage": "已签约"}, effective_on=D(2025, 4, 1))
    assert history(deal) == [
        (None, "线索", D(2025, 4, 1)),
        ("线索", "在谈", D(2025, 4, 1)),
        ("在谈", "已签约", D(2025, 4, 1)),
    ]
    assert deal.signed_on == D(2025, 4, 1)
    assert_mirrors_history(deal)


# --- forward moves ------------------------------------------------------------------------------


def test_every_forward_step_sets_its_date_and_writes_a_row(make):
    actor = make.user("investment")
    deal = make.deal("逐级推进", lead_on=D(2025, 1, 10))
    steps = [
        ("在谈", D(2025, 2, 1), "negotiating_on"),
        ("已签约", D(2025, 3, 1), "signed_on"),
        ("已注册", D(2025, 3, 15), "registered_on"),
        ("已开工", D(2025, 5, 1), "started_on"),
        ("已投产", D(2025, 9, 1), "production_on"),
    ]
    previous = "线索"
    for stage, day, column in steps:
        change = move(deal, stage, day, actor=actor, note=f"{stage}佐证")
        assert (change.from_stage, change.to_stage, change.effective_on) == (previous, stage, day)
        db.session.flush()
        assert change.note == f"{stage}佐证" and change.actor_id == actor.id and change.recorded_at is not None
        assert deal.stage == stage and getattr(deal, column) == day
        assert_mirrors_history(deal)
        previous = stage
    assert dates(deal) == {
        "lead_on": D(2025, 1, 10),
        "negotiating_on": D(2025, 2, 1),
        "signed_on": D(2025, 3, 1),
        "registered_on": D(2025, 3, 15),
        "started_on": D(2025, 5, 1),
        "production_on": D(2025, 9, 1),
    }
    assert len(deal.stage_changes) == 6


def test_skipping_forward_writes_a_row_per_skipped_stage(make):
    deal = make.deal("跨阶段", lead_on=D(2025, 1, 10))
    move(deal, "已开工", D(2025, 5, 1))
    assert history(deal) == [
        (None, "线索", D(2025, 1, 10)),
        ("线索", "在谈", D(2025, 5, 1)),
        ("在谈", "已签约", D(2025, 5, 1)),
        ("已签约", "已注册", D(2025, 5, 1)),
        ("已注册", "已开工", D(2025, 5, 1)),
    ]
    assert deal.signed_on == deal.started_on == D(2025, 5, 1)
    assert all("随“已开工”一并登记" in c.note for c in deal.stage_changes[1:4])
    # The skipped 签约 date can then be corrected on its own row.
    signed_row = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    with pytest.raises(InputError, match="签约日期（2025-03-01）不能早于洽谈日期（2025-05-01）"):
        correct_stage_date(signed_row, D(2025, 3, 1))
    correct_stage_date(next(c for c in deal.stage_changes if c.to_stage == "在谈"), D(2025, 2, 1))
    correct_stage_date(signed_row, D(2025, 3, 1), note="按合同日期")
    assert deal.negotiating_on == D(2025, 2, 1) and deal.signed_on == D(2025, 3, 1)
    assert deal.registered_on == deal.started_on == D(2025, 5, 1)
    assert_mirrors_history(deal)


# --- date rules ---------------------------------------------------------------------------------


def test_effective_date_cannot_be_in_the_future(make):
    deal = make.deal(stage="在谈")
    with pytest.raises(InputError) as info:
        move(deal, "已签约", today() + timedelta(days=1))
    assert "不能晚于今天" in info.value.message and info.value.field == "effective_on"
    assert deal.stage == "在谈" and deal.signed_on is None
    move(deal, "已签约", today())  # today itself is fine
    assert deal.signed_on == today()


def test_effective_date_is_required(make):
    deal = make.deal()
    with pytest.raises(InputError, match="请填写生效日期"):
        move(deal, "在谈", None)


def test_start_cannot_precede_signing(make):
    deal = make.deal(stage="已签约", dates={"已签约": D(2025, 3, 1)})
    with pytest.raises(InputError) as info:
        move(deal, "已开工", D(2025, 2, 15))
    assert info.value.message == "开工日期（2025-02-15）不能早于签约日期（2025-03-01）"
    assert deal.stage == "已签约" and deal.started_on is None and deal.registered_on is None
    assert len(deal.stage_changes) == 3  # nothing half-written


def test_signing_cannot_precede_the_lead(make):
    deal = make.deal(lead_on=D(2025, 3, 10))
    with pytest.raises(InputError) as info:
        move(deal, "已签约", D(2025, 3, 1))
    assert "签约日期（2025-03-01）不能早于线索日期（2025-03-10）" in info.value.message


def test_a_move_cannot_predate_the_previous_move(make):
    deal = make.deal(stage="已开工")  # started 2025-05-01
    with pytest.raises(InputError) as info:
        move(deal, "暂缓", D(2025, 4, 1))
    assert "不能早于上一次阶段变更“已注册→已开工”的日期（2025-05-01）" in info.value.message
    with pytest.raises(InputError) as info:
        move(deal, "终止", D(2025, 4, 1), reason="企业撤资")
    assert "2025-05-01" in info.value.message and deal.terminated_on is None


def test_same_stage_and_unknown_stage_are_refused(make):
    deal = make.deal(stage="在谈")
    with pytest.raises(InputError, match="已处于“在谈”阶段"):
        move(deal, "在谈", D(2025, 3, 1))
    with pytest.raises(InputError, match="阶段“已竣工”不存在"):
        move(deal, "已竣工", D(2025, 3, 1))


# --- backward moves, hold, termination -----------------------------------------------------------


def test_moving_back_requires_a_reason_and_clears_later_dates(make):
    deal = make.deal(stage="已注册")
    with pytest.raises(InputError) as info:
        move(deal, "在谈", D(2025, 4, 1))
    assert info.value.message == "从“已注册”退回“在谈”必须填写原因" and info.value.field == "reason"
    change = move(deal, "在谈", D(2025, 4, 1), reason="合同未生效", note="企业董事会否决")
    assert change.note == "合同未生效；企业董事会否决"
    assert deal.stage == "在谈" and deal.signed_on is None and deal.registered_on is None
    assert deal.negotiating_on == D(2025, 2, 1)  # the stage returned to keeps its date
    assert_mirrors_history(deal)
    move(deal, "已签约", D(2025, 6, 1))
    assert deal.signed_on == D(2025, 6, 1)
    assert_mirrors_history(deal)


def test_hold_remembers_the_stage_and_resume_keeps_its_date(make):
    deal = make.deal(stage="已签约")  # signed 2025-03-01
    move(deal, "暂缓", D(2025, 4, 1), note="企业资金紧张")
    assert deal.stage == "暂缓" and deal.stage_before_hold == "已签约" and deal.signed_on == D(2025, 3, 1)
    assert_mirrors_history(deal)
    move(deal, "已签约", D(2025, 6, 1))  # resume where it was
    assert deal.stage == "已签约" and deal.stage_before_hold is None and deal.signed_on == D(2025, 3, 1)
    assert_mirrors_history(deal)


def test_resume_from_hold_to_a_later_stage(make):
    deal = make.deal(stage="已签约")
    move(deal, "暂缓", D(2025, 4, 1))
    move(deal, "已开工", D(2025, 7, 1))
    assert deal.registered_on == deal.started_on == D(2025, 7, 1) and deal.signed_on == D(2025, 3, 1)
    assert [c.to_stage for c in recording_order(deal.stage_changes)][-3:] == ["暂缓", "已注册", "已开工"]
    assert_mirrors_history(deal)


def test_resume_from_hold_to_an_earlier_stage_needs_a_reason(make):
    deal = make.deal(stage="已签约")
    move(deal, "暂缓", D(2025, 4, 1))
    with pytest.raises(InputError, match="从“已签约”退回“在谈”必须填写原因"):
        move(deal, "在谈", D(2025, 5, 1))


def test_termination_requires_a_reason_and_keeps_the_dates(make):
    deal = make.deal(stage="已开工")
    with pytest.raises(InputError) as info:
        move(deal, "终止", D(2025, 6, 1))
    assert info.value.message == "终止项目必须填写原因" and info.value.field == "reason"
    move(deal, "终止", D(2025, 6, 1), reason="企业投资计划调整")
    assert deal.stage == "终止" and deal.terminated_on == D(2025, 6, 1)
    assert deal.termination_reason == "企业投资计划调整"
    assert deal.signed_on == D(2025, 3, 1) and deal.started_on == D(2025, 5, 1)  # still counts as signed/started
    assert_mirrors_history(deal)
    with pytest.raises(InputError, match="已终止的项目不能再变更阶段"):
        move(deal, "已投产", D(2025, 9, 1))


def test_a_lead_can_be_terminated(make):
    deal = make.deal(lead_on=D(2025, 1, 10))
    move(deal, "终止", D(2025, 1, 20), reason="企业无投资意向")
    assert deal.terminated_on == D(2025, 1, 20) and deal.signed_on is None


# --- corrections --------------------------------------------------------------------------------


def test_correcting_the_signing_date_is_audited_and_mirrored(make):
    deal = make.deal(stage="已开工")
    db.session.commit()
    row = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    correct_stage_date(row, D(2025, 2, 20), note="以合同签署页为准")
    db.session.commit()
    assert deal.signed_on == D(2025, 2, 20) and row.effective_on == D(2025, 2, 20)
    assert "2025-03-01 更正为 2025-02-20：以合同签署页为准" in row.note
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity == "deal_stage_changes", AuditEntry.field == "effective_on")
    ).all()
    assert [(a.old_value, a.new_value) for a in audit] == [("2025-03-01", "2025-02-20")]
    deal_audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity == "deals", AuditEntry.field == "signed_on")
    ).all()
    assert [(a.old_value, a.new_value) for a in deal_audit][-1] == ("2025-03-01", "2025-02-20")
    assert_mirrors_history(deal)


@pytest.mark.parametrize(
    "stage, new_date, message",
    [
        ("已签约", D(2025, 5, 10), "注册日期（2025-03-15）不能早于签约日期（2025-05-10）"),
        ("已开工", D(2025, 3, 10), "开工日期（2025-03-10）不能早于注册日期（2025-03-15）"),
        ("已签约", D(2025, 1, 20), "签约日期（2025-01-20）不能早于洽谈日期（2025-02-01）"),
        ("已注册", D(2025, 2, 20), "注册日期（2025-02-20）不能早于签约日期（2025-03-01）"),
        ("已开工", "tomorrow", "不能晚于今天"),
        ("已开工", D(2025, 5, 1), "与原日期相同"),
    ],
)
def test_corrections_are_checked_like_moves(make, stage, new_date, message):
    deal = make.deal(stage="已开工")
    before = dates(deal)
    row = next(c for c in deal.stage_changes if c.to_stage == stage)
    original = row.effective_on
    when = today() + timedelta(days=1) if new_date == "tomorrow" else new_date
    with pytest.raises(InputError) as info:
        correct_stage_date(row, when)
    assert message in info.value.message
    assert dates(deal) == before and row.effective_on == original


def test_correction_stays_between_its_neighbours(make):
    deal = make.deal(stage="已签约")
    move(deal, "暂缓", D(2025, 4, 1))
    hold = next(c for c in deal.stage_changes if c.to_stage == "暂缓")
    with pytest.raises(InputError, match="不能早于前一次变更“已签约”的日期（2025-03-01）"):
        correct_stage_date(hold, D(2025, 2, 1))
    move(deal, "已签约", D(2025, 6, 1))
    with pytest.raises(InputError, match="不能晚于后一次变更“已签约”的日期（2025-06-01）"):
        correct_stage_date(hold, D(2025, 6, 5))
    correct_stage_date(hold, D(2025, 5, 1))
    assert hold.effective_on == D(2025, 5, 1) and deal.signed_on == D(2025, 3, 1)


def test_correcting_a_superseded_row_leaves_the_current_date(make):
    deal = make.deal(stage="已签约")  # signed 2025-03-01
    move(deal, "在谈", D(2025, 4, 1), reason="合同作废")
    move(deal, "已签约", D(2025, 6, 1))
    first_signing = next(c for c in recording_order(deal.stage_changes) if c.to_stage == "已签约")
    correct_stage_date(first_signing, D(2025, 3, 5))
    assert deal.signed_on == D(2025, 6, 1)
    assert_mirrors_history(deal)


def test_correcting_the_lead_date(make):
    deal = make.deal(stage="在谈", lead_on=D(2025, 1, 10))
    correct_stage_date(deal.stage_changes[0], D(2025, 1, 5))
    assert deal.lead_on == D(2025, 1, 5)


# --- the columns always mirror the rows ---------------------------------------------------------


def test_random_walks_keep_the_columns_in_step_with_the_history(make):
    rng = random.Random(7)
    for walk in range(12):
        deal = make.deal(f"随机{walk}", lead_on=D(2024, 1, 1))
        day = D(2024, 1, 1)
        for _ in range(14):
            day = min(day + timedelta(days=rng.randint(-20, 40)), today())
            action = rng.random()
            try:
                if action < 0.8:
                    move(deal, rng.choice(ALL_STAGES), day, reason=rng.choice([None, "调整"]))
                else:
                    row = rng.choice(deal.stage_changes)
                    correct_stage_date(row, day)
            except InputError:
                pass
            assert_mirrors_history(deal)
        db.session.flush()


# --- plain edits --------------------------------------------------------------------------------


def test_update_deal_cannot_touch_stage_or_dates(make):
    deal = make.deal(stage="在谈")
    with pytest.raises(InputError, match="阶段和日期请用“变更阶段”"):
        update_deal(deal, {"stage": "已签约", "signed_on": D(2025, 3, 1)})
    assert deal.stage == "在谈" and deal.signed_on is None


def test_counted_flag_needs_a_reason_when_off(make):
    deal = make.deal()
    with pytest.raises(InputError) as info:
        update_deal(deal, {"is_counted": False, "exclusion_reason": "  "})
    assert info.value.field == "exclusion_reason"
    update_deal(deal, {"is_counted": False, "exclusion_reason": "续签协议，上年已计入"})
    assert deal.exclusion_reason == "续签协议，上年已计入"
    update_deal(deal, {"is_counted": True})
    assert deal.is_counted and deal.exclusion_reason is None


# --- the consistency check ----------------------------------------------------------------------


def test_check_history_command_reports_and_repairs(runner, make):
    good = make.deal("一致项目", stage="已签约")
    drifted = make.deal("被直接改过的项目", stage="已开工")
    db.session.commit()
    result = runner.invoke(args=["deals", "check-history"])
    assert result.exit_code == 0 and "全部招商项目的阶段和日期与阶段变更记录一致" in result.output
    drifted.started_on = D(2025, 4, 1)  # written around the services, e.g. by a hand-made SQL fix
    drifted.stage = "已投产"
    db.session.commit()
    result = runner.invoke(args=["deals", "check-history"])
    assert (
        f"#{drifted.id} 被直接改过的项目：阶段：已投产 ≠ 记录 已开工；开工日期：2025-04-01 ≠ 记录 2025-05-01"
        in result.output
    )
    assert "一致项目" not in result.output and "共 1 个项目不一致" in result.output
    result = runner.invoke(args=["deals", "check-history", "--fix"])
    assert result.exit_code == 0 and "已按阶段变更记录改写 1 个项目" in result.output
    db.session.refresh(drifted)
    assert drifted.stage == "已开工" and drifted.started_on == D(2025, 5, 1)
    assert_mirrors_history(good)
    audit = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "deals", AuditEntry.field == "started_on", AuditEntry.source == "cli"
        )
    ).all()
    assert [(a.old_value, a.new_value) for a in audit] == [("2025-04-01", "2025-05-01")]
