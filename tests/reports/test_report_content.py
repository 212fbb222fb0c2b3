"""The report built from real data: Excel read back against compute_metrics, PDF text against hand figures."""

from datetime import date

import pytest

from app.dashboard.metrics import compute_metrics, leader_summary, overdue_problems, signed_not_started
from app.reports.excel import build_xlsx
from app.reports.figures import Edition, ReportMonth, collect_figures
from app.reports.pdf import build_pdf
from tests.reports.conftest import YI, pdf_text, rows, squeeze, workbook, yuan

JUNE = ReportMonth(2025, 6)
AS_OF = date(2025, 6, 30)


def test_figures_are_the_metrics_module_output(county):
    figures = collect_figures(JUNE)
    assert figures["month"] == "2025-06" and figures["as_of"] == "2025-06-30"
    assert figures["metrics"] == compute_metrics(2025, AS_OF)
    assert figures["signed_not_started"] == signed_not_started(2025, AS_OF)
    assert figures["overdue_problems"] == overdue_problems(AS_OF)
    assert figures["leader_summary"] == leader_summary(2025, AS_OF)


def test_hand_computed_figures(county):
    m = collect_figures(JUNE)["metrics"]
    assert (m["signed"]["count"], m["signed"]["amount_yuan"]) == (3, 350_000_000)
    assert (m["signed"]["month_count"], m["signed"]["month_amount_yuan"]) == (1, 2 * YI)
    assert (m["same_year_start"]["started_count"], m["same_year_start"]["signed_count"]) == (1, 3)
    assert (m["funnel"]["leads_signed_count"], m["funnel"]["leads_count"]) == (3, 4)


def test_excel_reads_back_as_the_metrics_module(county):
    metrics = compute_metrics(2025, AS_OF)
    book = workbook(build_xlsx(collect_figures(JUNE), Edition(date(2025, 7, 10))))

    month_row, year_row = rows(book["签约情况"])
    signed = metrics["signed"]
    assert (month_row[1], yuan(month_row[2])) == (signed["month_count"], signed["month_amount_yuan"]) == (1, 2 * YI)
    assert (year_row[1], yuan(year_row[2])) == (signed["count"], signed["amount_yuan"]) == (3, 350_000_000)
    assert yuan(year_row[3]) == signed["target_yuan"] == 180 * YI
    assert year_row[4] == pytest.approx(signed["progress"]) and year_row[5] == pytest.approx(0.5)
    assert year_row[6] == pytest.approx(signed["gap"])

    monthly = rows(book["月度累计"])
    assert [(r[0], yuan(r[1]), yuan(r[2])) for r in monthly] == [
        (row["month"], row["signed_amount_yuan"], row["cumulative_yuan"]) for row in metrics["monthly"]
    ]
    assert yuan(monthly[-1][2]) == 350_000_000 and yuan(monthly[-1][3]) == 90 * YI

    (start,) = rows(book["当年开工率"])
    s = metrics["same_year_start"]
    assert start[:4] == (3, 1, pytest.approx(1 / 3), pytest.approx(0.4))
    assert (yuan(start[4]), yuan(start[5])) == (s["signed_amount_yuan"], s["started_amount_yuan"]) == (350_000_000, YI)

    funnel = {r[0]: r for r in rows(book["转化漏斗"])}
    assert funnel["签约开工率"][2:] == (1, "本年签约", 3, pytest.approx(1 / 3))
    assert funnel["开工投产率"][2:] == (0, "已开工", 1, 0)
    assert funnel["线索转化率"][2:] == (3, "年内新增线索", 4, pytest.approx(0.75))

    channels = rows(book["争资争项"])
    assert [r[0] for r in channels[:-1]] == list(metrics["funds"])
    for row in channels[:-1]:
        values = metrics["funds"][row[0]]
        assert (row[2], yuan(row[3]), yuan(row[9])) == (
            values["count"],
            values["requested_yuan"],
            values["approved_yuan"],
        )

    townships = rows(book["乡镇赛马"])
    departments = rows(book["部门赛马"])
    assert [(r[1], r[3], yuan(r[4]), r[7]) for r in townships] == [("巴公镇", 2, 150_000_000, 1)]
    assert [(r[1], r[3], yuan(r[4])) for r in departments] == [("县投资促进中心", 1, 2 * YI)]

    waiting = rows(book["已签约未开工"])
    assert [(r[1][:1], yuan(r[6]), r[8]) for r in waiting] == [("丙", 50_000_000, 149), ("乙", 2 * YI, 20)]

    (problem,) = rows(book["逾期问题"])
    assert problem[1] == "甲项目施工用电线路迁改未完成" and problem[5].date() == date(2025, 5, 31)
    assert problem[6] == 30

    leaders = {r[0]: r for r in rows(book["包联领导"])}
    assert leaders["测试领导甲"][3] == 1 and yuan(leaders["测试领导甲"][4]) == YI
    assert leaders["测试领导甲"][8:] == (1, 1)


def test_pdf_text_carries_the_hand_computed_figures(county):
    text = squeeze(pdf_text(build_pdf(collect_figures(JUNE), Edition(date(2025, 7, 10), 1))))
    assert "2025年6月" in text and "数据截至：2025年6月30日" in text
    assert "3.50亿元（3个项目）" in text  # headline in 亿元
    assert "35,000" in text and "20,000" in text  # tables in 万元
    assert "33.3%（1/3）" in text and "目标40.0%" in text
    assert "年内线索已签约3个" in text and "年内新增线索4个" in text and "75.0%" in text
    assert "1.94%" not in text and "1.9%" in text  # progress 3.5/180, one decimal
    assert "丙·泽州县年产" in text and "乙·储能电池项目" in text
    assert text.index("丙·泽州县年产") < text.index("乙·储能电池项目")  # longest waiting first
    assert "甲项目施工用电线路迁改未完成" in text and "测试领导甲" in text
    assert "戊·不计入考核项目" not in text
