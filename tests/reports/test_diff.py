"""Flattening the figures to labelled paths and listing what differs (issued → now)."""

from app.reports.diff import differences, flatten
from tests.reports.sample import YI, sample_figures


def test_flatten_labels_every_figure_in_chinese():
    leaves = {leaf.label: leaf for leaf in flatten(sample_figures())}
    assert leaves["招商签约 · 签约额"].value == 5_234_567_890
    assert leaves["争资争项 · 地方政府专项债券 · 下达金额"].value == 40_000 * 10_000
    assert leaves["赛马排名 · 巴公镇 · 目标完成率"].value == 0.8
    assert leaves["月度累计签约 · 3月 · 累计签约额"].value == 25 * YI
    assert leaves["领导包联 · 程立新 · 逾期问题"].value == 1
    assert not any(label.startswith(("year", "as_of", "month")) for label in leaves)


def test_identical_figures_have_no_differences():
    assert differences(sample_figures(), sample_figures()) == []


def test_changed_figures_are_listed_with_issued_and_current_values():
    issued, now = sample_figures(), sample_figures()
    now["metrics"]["signed"]["amount_yuan"] += 1 * YI
    now["metrics"]["units"][0]["completion_rate"] = 0.9
    now["metrics"]["funds"]["中央预算内投资"]["approved_yuan"] = 0
    now["leader_summary"][0]["overdue_problems"] = 0
    now["metrics"]["signed"]["gap_level"] = "red"
    result = {d.label: d for d in differences(issued, now)}
    assert set(result) == {
        "招商签约 · 签约额",
        "招商签约 · 预警等级",
        "赛马排名 · 巴公镇 · 目标完成率",
        "争资争项 · 中央预算内投资 · 下达金额",
        "领导包联 · 程立新 · 逾期问题",
    }
    amount = result["招商签约 · 签约额"]
    assert (amount.issued, amount.now, amount.change) == ("523,456.79 万元", "533,456.79 万元", "+10,000 万元")
    rate = result["赛马排名 · 巴公镇 · 目标完成率"]
    assert (rate.issued, rate.now, rate.change) == ("80.0%", "90.0%", "+10.0个百分点")
    assert result["争资争项 · 中央预算内投资 · 下达金额"].change == "−8,000 万元"
    assert (result["招商签约 · 预警等级"].issued, result["招商签约 · 预警等级"].now) == ("黄色预警", "红色预警")


def test_a_deal_leaving_or_joining_a_list_is_one_line():
    issued, now = sample_figures(), sample_figures()
    left = now["signed_not_started"].pop(0)
    now["signed_not_started"].append({**left, "deal_id": 99, "name": "新签约项目"})
    result = differences(issued, now)
    assert [(d.label, d.issued, d.now, d.change) for d in result] == [
        ("已签约未开工 · 新签约项目", "未列入", "列入", "新增"),
        (f"已签约未开工 · {left['name']}", "列入", "未列入", "移出"),
    ]


def test_float_noise_is_not_a_difference():
    issued, now = sample_figures(), sample_figures()
    now["metrics"]["signed"]["progress"] = issued["metrics"]["signed"]["progress"] + 1e-15
    assert differences(issued, now) == []
