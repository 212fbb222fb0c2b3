"""The PDF and Excel builders on a figures dict shaped as docs/metrics_contract.md (no database)."""

import subprocess
from datetime import date

import pytest

from app.reports.excel import build_xlsx
from app.reports.figures import Edition
from app.reports.pdf import FontMissing, build_pdf, register_font
from tests.reports.conftest import pdf_text, rows, squeeze, workbook, yuan
from tests.reports.sample import YI, sample_figures

ISSUED = Edition(date(2025, 7, 3), 1)


@pytest.fixture(scope="module")
def pdf_bytes():
    return build_pdf(sample_figures(), ISSUED)


def test_pdf_has_chinese_text_and_key_figures(pdf_bytes):
    text = squeeze(pdf_text(pdf_bytes))
    assert "泽州县招商引资月度转化率报告" in text
    assert "2025年6月" in text and "数据截至：2025年6月30日" in text
    assert "发布日期：2025年7月3日（第1版）" in text
    # 5,234,567,890 yuan: 52.35 亿元 in headlines, 523,456.79 万元 in tables.
    assert "52.35亿元（23个项目）" in text
    assert "523,456.79" in text and "1,800,000" in text
    assert "29.1%" in text and "50.0%" in text and "-20.9个百分点" in text
    assert "12.35亿元（4个项目）" in text  # June alone
    assert "30.4%（7/23）" in text  # same-year start rate with numerator and denominator
    for heading in (
        "一、招商引资签约情况",
        "二、签约项目当年开工率",
        "三、转化漏斗",
        "四、争取上级资金（分渠道）",
        "五、赛马排名",
        "（一）乡镇",
        "（二）县直部门及其他单位",
        "六、已签约未开工项目",
        "七、逾期未办结问题",
        "八、县级领导包联情况",
    ):
        assert heading in text, heading
    assert "超长期特别国债" in text and "93,234.57" in text  # channel table and its total
    assert "华晟新材料科技" in text  # wrapped inside its cell
    assert "智能矿山装备" in text and "程立新" in text


def test_pdf_is_a4_with_embedded_cjk_font_and_page_numbers(pdf_bytes, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 4
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYiMicroHei" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, unicode map
    texts = pdf_text(pdf_bytes).split("\f")
    for number in range(1, pages + 1):
        assert f"第{number}页共{pages}页" in squeeze(texts[number - 1])
    # Running header on every page after the cover.
    assert all("泽州县招商引资月度转化率报告·2025年6月·第1版" in squeeze(page) for page in texts[1:pages])


def test_pdf_is_reproducible_for_the_same_figures(pdf_bytes):
    assert build_pdf(sample_figures(), ISSUED) == pdf_bytes


def test_long_table_repeats_its_header_and_wraps_long_names():
    figures = sample_figures()
    template = figures["signed_not_started"][0]
    figures["signed_not_started"] = [
        {**template, "deal_id": 100 + i, "name": f"第{i}号{template['name']}", "days_waiting": 200 - i}
        for i in range(1, 51)  # the PDF's whole list (APPENDIX_LIMIT)
    ]
    pages = pdf_text(build_pdf(figures, ISSUED)).split("\f")
    with_list = [squeeze(page) for page in pages if "第1号" in page or "号泽州县年产" in page]
    assert len(with_list) >= 3  # 50 long rows span several pages
    for page in with_list:  # the header row again on each page
        assert all(header in page for header in ("序号", "项目名称", "投资方", "责任单位", "签约日期", "等待天数"))
    # The long name does not fit one line of its column: it is wrapped inside the cell.
    layout = pdf_text(build_pdf(figures, ISSUED), layout=True)
    assert "第1号泽州县年产十万吨高纯硅基新材料及配套深加工一体化产业园建设项目（一期）" not in layout
    assert "第50号" in layout


def test_live_edition_says_it_is_not_issued():
    text = squeeze(pdf_text(build_pdf(sample_figures(), Edition(date(2025, 7, 3)))))
    assert "生成日期：2025年7月3日（实时数据，未发布）" in text


def test_missing_font_fails_loudly(tmp_path):
    with pytest.raises(FontMissing, match="中文字体"):
        register_font(tmp_path / "missing.ttc")
    with pytest.raises(FontMissing):
        build_pdf(sample_figures(), ISSUED, font_path=tmp_path / "missing.ttc")


def test_excel_one_sheet_per_section_with_values_and_formats():
    figures = sample_figures()
    book = workbook(build_xlsx(figures, ISSUED))
    assert book.sheetnames == [
        "封面",
        "签约情况",
        "同比",
        "月度累计",
        "当年开工率",
        "转化漏斗",
        "资金到位",
        "争资争项",
        "乡镇赛马",
        "部门赛马",
        "已签约未开工",
        "逾期问题",
        "包联领导",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        assert [str(r) for r in sheet.merged_cells.ranges] == [f"A1:{sheet.cell(2, sheet.max_column).column_letter}1"]
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
    signed = book["签约情况"]
    assert signed["A1"].value == "2025年6月招商引资签约情况（数据截至2025年6月30日）"
    assert [c.value for c in signed[2]] == [
        "口径",
        "签约项目（个）",
        "签约额（万元）",
        "年度目标（万元）",
        "目标完成率",
        "序时进度",
        "进度差（百分点）",
    ]
    month_row, year_row = rows(signed)
    assert month_row[:3] == ("6月当月", 4, pytest.approx(123_456.789))
    assert year_row[0] == "1—6月累计" and year_row[1] == 23
    assert yuan(year_row[2]) == 5_234_567_890 and yuan(year_row[3]) == 180 * YI
    assert year_row[4] == pytest.approx(5_234_567_890 / (180 * YI))
    assert signed["C4"].number_format == "#,##0.00" and signed["E4"].number_format == "0.0%"
    assert signed["D4"].number_format == "#,##0"  # a whole 万元 figure shows no .00
    funds = book["争资争项"]
    channel_rows = rows(funds)
    assert [r[0] for r in channel_rows] == list(figures["metrics"]["funds"]) + ["合计"]
    assert yuan(channel_rows[3][3]) == 50_000 * 10_000 and channel_rows[3][1] == "是"  # 专项债券
    assert yuan(channel_rows[-1][3]) == figures["metrics"]["funds_total"]["requested_yuan"]
    townships = rows(book["乡镇赛马"])
    assert [(r[0], r[1]) for r in townships] == [(1, "巴公镇"), (2, "北义城镇"), (3, "南村镇")]
    assert [r[1] for r in rows(book["部门赛马"])] == ["县投资促进中心", "丹河集团"]
    waiting = rows(book["已签约未开工"])
    assert waiting[0][1].startswith("泽州县年产十万吨") and waiting[0][7].date() == date(2025, 1, 15)
    assert waiting[0][8] == 166
    cover = dict(rows(book["封面"]))
    assert cover["版本"] == "第1版" and cover["发布日期"] == "2025年7月3日（第1版）"


def test_deals_without_a_responsible_unit_are_noted_under_the_ranking():
    figures = sample_figures()
    assert "另有未明确" not in squeeze(pdf_text(build_pdf(figures, ISSUED)))
    figures["metrics"]["units_unassigned"] = {
        "signed_count": 2,
        "signed_amount_yuan": 3 * YI,
        "started_count": 0,
        "start_rate": 0.0,
    }
    text = squeeze(pdf_text(build_pdf(figures, ISSUED)))
    assert "另有未明确招商责任单位的签约项目2个、签约额30,000万元，不参与排名。" in text


def test_pdf_appendix_lists_are_capped_and_the_excel_keeps_them_all():
    from app.reports.pdf import APPENDIX_LIMIT

    figures = sample_figures()
    template = figures["signed_not_started"][1]
    waiting = [
        {
            **template,
            "deal_id": 100 + i,
            "name": f"待开工项目{i:03d}号",
            "amount_yuan": (i + 1) * 1_000_000,
            "days_waiting": i,
        }
        for i in range(APPENDIX_LIMIT + 30)
    ]
    problem = figures["overdue_problems"][0]
    overdue = [
        {**problem, "problem_id": 500 + i, "description": f"逾期问题{i:03d}号", "days_overdue": 200 - i}
        for i in range(APPENDIX_LIMIT + 5)
    ]
    figures["signed_not_started"], figures["overdue_problems"] = waiting, overdue
    text = squeeze(pdf_text(build_pdf(figures, ISSUED)))
    assert f"签约额最大的{APPENDIX_LIMIT}项" in text and f"逾期最久的{APPENDIX_LIMIT}项" in text
    assert f"共{APPENDIX_LIMIT + 30}项，完整清单见Excel" in text
    assert f"共{APPENDIX_LIMIT + 5}项，完整清单见Excel" in text
    largest, smallest = f"待开工项目{APPENDIX_LIMIT + 29:03d}号", "待开工项目000号"
    assert largest in text and smallest not in text  # the largest amounts are the ones listed
    assert "逾期问题000号" in text and f"逾期问题{APPENDIX_LIMIT + 4:03d}号" not in text  # longest overdue first

    book = workbook(build_xlsx(figures, ISSUED))
    names = [str(r) for r in rows(book["已签约未开工"])]
    assert sum(smallest in n for n in names) == 1 and len(rows(book["逾期问题"])) >= APPENDIX_LIMIT + 5
