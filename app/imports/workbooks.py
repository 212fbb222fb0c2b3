"""Workbooks the import pages hand out: a template per kind, and the failed rows with an error column."""

import io
from datetime import date, datetime

import xlsxwriter

from app.imports.mappers import MAPPERS
from app.imports.models import ImportBatch
from app.imports.reader import read_table
from app.imports.services import stored_preview

TEMPLATE_ROWS = 1000
GENERAL_NOTES = [
    "1. 表头所在行之上可以保留标题行（如合并单元格的表名）；列的顺序不限，可以增加其他列（导入时忽略）。",
    "2. 金额默认单位为万元；表头写明“（亿元）”或表格上方注明“单位：亿元”时按亿元；单元格中也可直接写“1.5亿”“5000万”。",
    "3. 日期可写 2025-03-15、2025/3/15、2025.3.15、2025年3月15日，或使用 Excel 日期格式。",
    "4. “合计”“小计”行、空行会被忽略；其余每一行都必须能识别，任何一行有错误时整个文件都不会导入。",
    "5. 同一台账可以重复导入：已有的记录按匹配规则更新，内容相同的行不作改动。空白单元格不会清空系统中已有的内容。",
    "6. 单位、资金渠道、阶段可用简称（如“巴公”“专项债”“开工”）；系统中不存在的单位会报错，不存在的县级领导可在导入时新建。",
]


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "head": book.add_format(
            {
                "bold": True,
                "bg_color": "#DCE6F1",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "required": book.add_format(
            {
                "bold": True,
                "bg_color": "#FCE4D6",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "error": book.add_format({"font_color": "#C00000", "text_wrap": True, "valign": "top"}),
    }


def template_workbook(kind: str) -> bytes:
    """An empty ledger with the exact headers, drop-downs for fixed choices and a sheet explaining each column."""
    mapper = MAPPERS[kind]
    fields = [f for f in mapper.FIELDS if f.in_template] + [f for f in mapper.FIELDS if not f.in_template]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _formats(book)
    sheet = book.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(fields) - 1, f"{mapper.TITLE}（导入模板）", fmt["title"])
    sheet.set_row(0, 28)
    sheet.set_row(1, 32)
    for col, spec in enumerate(fields):
        sheet.write(1, col, spec.header, fmt["required"] if spec.required else fmt["head"])
        width = 22 if spec.key in ("name", "title", "investor", "projects", "notes") else 14
        column_format = fmt["date"] if spec.kind == "date" else fmt["money"] if spec.kind == "money" else None
        sheet.set_column(col, col, width, column_format)
        if spec.kind == "choice":
            sheet.data_validation(
                2,
                col,
                TEMPLATE_ROWS + 1,
                col,
                {
                    "validate": "list",
                    "source": list(dict.fromkeys(spec.choices.values())),
                    "error_type": "information",
                    "error_title": spec.label,
                    "error_message": "不在常用选项中，导入时会尝试按简称识别",
                },
            )
        elif spec.kind == "bool":
            sheet.data_validation(
                2,
                col,
                TEMPLATE_ROWS + 1,
                col,
                {"validate": "list", "source": ["是", "否"], "error_type": "information"},
            )
        if spec.help:
            sheet.write_comment(1, col, spec.help, {"x_scale": 2, "y_scale": 1.2})
    sheet.freeze_panes(2, 1)

    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 90)
    notes.write_row(0, 0, ["列名", "是否必填", "填写说明"], fmt["head"])
    for row, spec in enumerate(fields, start=1):
        notes.write(row, 0, spec.header)
        notes.write(row, 1, "必填" if spec.required else ("" if spec.in_template else "可选列"))
        notes.write(row, 2, spec.help, fmt["wrap"])
    start = len(fields) + 2
    for offset, line in enumerate(GENERAL_NOTES):
        notes.merge_range(start + offset, 0, start + offset, 2, line, fmt["wrap"])
        notes.set_row(start + offset, 30)
    book.close()
    return buffer.getvalue()


def failed_rows_workbook(batch: ImportBatch) -> tuple[bytes, int]:
    """The rows of a previewed ledger that have errors, as uploaded, with 原行号 and 错误说明 added."""
    mapper = MAPPERS[batch.kind]
    table = read_table(batch.file_data, batch.filename, mapper.FIELDS, mapper.KEY)
    errors = {row["n"]: row["e"] for row in stored_preview(batch).get("rows", []) if row["a"] == "error"}
    width = max((c.index for c in table.columns), default=0) + 1
    headers = {c.index: c.header for c in table.columns}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _formats(book)
    sheet = book.add_worksheet("错误行")
    sheet.merge_range(0, 0, 0, width + 1, f"{mapper.TITLE}：未通过校验的行（原文件：{batch.filename}）", fmt["title"])
    for col in range(width):
        sheet.write(1, col, headers.get(col, ""), fmt["head"])
        sheet.set_column(col, col, 14)
    sheet.write(1, width, "原行号", fmt["head"])
    sheet.write(1, width + 1, "错误说明", fmt["head"])
    sheet.set_column(width + 1, width + 1, 60)
    out = 2
    for number, cells in table.rows:
        if number not in errors:
            continue
        for col in range(width):
            value = cells[col] if col < len(cells) else None
            if isinstance(value, datetime | date):
                sheet.write_datetime(out, col, value, fmt["date"])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(out, col, value)
            elif value is not None:
                sheet.write_string(out, col, str(value))
        sheet.write_number(out, width, number)
        text = "；".join(
            f"{letter + '列' if letter else ''}“{header}”：{message}" if header and header != "—" else message
            for letter, header, message in errors[number]
        )
        sheet.write_string(out, width + 1, text, fmt["error"])
        out += 1
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue(), out - 2
