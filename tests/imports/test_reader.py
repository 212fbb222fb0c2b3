"""Reading ledgers: header variants and units, header row below titles, skipped rows, templates, bad files."""

import io

import openpyxl
import pytest

from app.core.errors import InputError
from app.imports import services
from app.imports.mappers import MAPPERS
from app.imports.reader import read_table
from app.imports.spec import split_header
from app.imports.workbooks import template_workbook
from tests.imports.ledgers import ledger

ISSUE_HEADERS = {
    "deals": [
        "项目名称",
        "投资方",
        "统一社会信用代码",
        "投资方来源",
        "产业类别",
        "签约金额（万元）",
        "协议类型",
        "是否计入考核",
        "当前阶段",
        "线索日期",
        "签约日期",
        "注册日期",
        "开工日期",
        "投产日期",
        "责任单位",
        "所在乡镇",
        "包联领导",
        "关联项目",
        "备注",
    ],
    "projects": [
        "项目名称",
        "统一项目代码",
        "建设性质",
        "产业类别",
        "所在乡镇",
        "责任单位",
        "包联领导",
        "总投资（万元）",
        "年度计划投资（万元）",
        "计划开工日期",
        "实际开工日期",
        "计划竣工日期",
        "入库纳统日期",
        "储备状态",
        "是否重点项目",
    ],
    "funds": [
        "申报项目名称",
        "资金渠道",
        "申报年度",
        "申报批次",
        "关联项目",
        "申报单位",
        "包联领导",
        "申请金额（万元）",
        "当前状态",
        "申报日期",
        "申报截止日期",
        "下达金额（万元）",
        "下达日期",
        "拨付金额（万元）",
        "拨付日期",
        "支出金额（万元）",
        "支出日期",
        "备注",
    ],
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("签约金额（万元）", ("签约金额", "万元")),
        ("签约额(亿元)", ("签约额", "亿元")),
        ("协议投资额（万元）", ("协议投资额", "万元")),
        ("投资额", ("投资额", None)),
        ("* 项目名称", ("项目名称", None)),
        ("年度计划投资\n（万元）", ("年度计划投资", "万元")),
        ("2025年计划投资(万元)", ("计划投资", "万元")),
        ("金额（单位：元）", ("金额", "元")),
    ],
)
def test_header_variants(text, expected):
    assert split_header(text) == expected


def deals_table(content: bytes):
    mapper = MAPPERS["deals"]
    return read_table(content, "x.xlsx", mapper.FIELDS, mapper.KEY)


def test_header_found_below_titles_with_units_letters_and_skipped_rows():
    headers = ["序号", "项目名称", "签约额(亿元)", "当前阶段", "内部编号"]
    rows = [
        [1, "甲项目", 1.5, "线索", "A-1"],
        [None, None, None, None, None],
        [2, "乙项目", "３０００万", "线索", "A-2"],
        [None, "小计", 1.8, None, None],
        [None, "填表人：张三  审核人：李四", None, None, None],
        [9, None, None, None, None],
    ]
    table = deals_table(ledger(headers, rows, titles=("泽州县招商台账", "2025年"), start_col=3))
    assert table.header_row == 3
    assert [(c.letter, c.header, c.unit) for c in table.columns if c.spec] == [
        ("D", "项目名称", "万元"),
        ("E", "签约额(亿元)", "亿元"),
        ("F", "当前阶段", "万元"),
    ]
    assert table.unknown_headers == ["内部编号"]  # 序号 is expected and ignored silently
    assert [number for number, _cells in table.rows] == [4, 6]  # the blank row 5 and the 序号-only row 9 go
    assert table.skipped == [7, 8]  # 小计 and the signature footer


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(InputError, match="“签约金额（万元）”与“签约额\\(亿元\\)”是同一列"):
        deals_table(ledger(["项目名称", "签约金额（万元）", "签约额(亿元)", "当前阶段"], [["甲", 1, 2, "线索"]]))


def test_files_without_a_header_or_with_missing_columns():
    with pytest.raises(InputError, match="未找到表头"):
        deals_table(ledger(["名称", "金额", "日期"], [["甲", 1, "2025-01-01"]]))
    funds = MAPPERS["funds"]
    content = ledger(["申报项目名称", "申报年度", "申请金额（万元）", "申报单位"], [["甲", 2025, 100, "县财政局"]])
    with pytest.raises(InputError, match="缺少必填列：资金渠道"):
        read_table(content, "x.xlsx", funds.FIELDS, funds.KEY)
    with pytest.raises(InputError, match="只能导入 Excel 文件"):
        deals_table_named(b"a,b,c", "ledger.csv")
    with pytest.raises(InputError, match="无法读取该文件"):
        deals_table_named(b"not really a workbook", "ledger.xlsx")


def deals_table_named(content: bytes, filename: str):
    mapper = MAPPERS["deals"]
    return read_table(content, filename, mapper.FIELDS, mapper.KEY)


def test_header_may_sit_on_a_later_sheet():
    content = ledger(["项目名称", "投资方", "当前阶段"], [["甲", "某公司", "线索"]], extra_sheet_first=True)
    table = deals_table(content)
    assert table.sheet == "台账" and len(table.rows) == 1


@pytest.mark.parametrize("kind", list(ISSUE_HEADERS))
def test_templates_have_the_exact_headers_and_read_back(kind):
    content = template_workbook(kind)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [cell.value for cell in sheet[2] if cell.value]
    assert headers[: len(ISSUE_HEADERS[kind])] == ISSUE_HEADERS[kind]
    mapper = MAPPERS[kind]
    table = read_table(content, "模板.xlsx", mapper.FIELDS, mapper.KEY)
    assert table.header_row == 2 and table.unknown_headers == [] and table.rows == []
    with pytest.raises(InputError, match="没有数据行"):
        services.build_plan(kind, content, "模板.xlsx", create_leaders=False)
