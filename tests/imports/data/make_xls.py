"""Regenerate ledger.xls (Excel 97-2003), the .xls reading fixture.

pandas cannot write .xls, so this file was made once with xlwt 1.3.0 (not a project
dependency):  pip install --target /tmp/xlwt xlwt==1.3.0 && PYTHONPATH=/tmp/xlwt python make_xls.py
"""

from pathlib import Path

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("项目库")
sheet.write_merge(0, 0, 0, 6, "泽州县2025年重点项目台账")
sheet.write(1, 5, "单位：万元")
headers = [
    "序号",
    "项目名称",
    "统一项目代码",
    "建设性质",
    "所在乡镇",
    "总投资",
    "年度计划投资",
    "计划开工日期",
    "是否重点项目",
]
for col, header in enumerate(headers):
    sheet.write(2, col, header)
date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
rows = [
    [1, "巴公装备园道路工程", "2501-140525-04-01-000001", "新建", "巴公", 12000, 6000, 45748, "是"],
    [2, "南村供水管网改造", "", "续建", "南村镇", "1.2亿", "３０００", "2025年4月1日", "否"],
]
for offset, row in enumerate(rows, start=3):
    for col, value in enumerate(row):
        if col == 7 and isinstance(value, int):
            sheet.write(offset, col, value, date_style)
        else:
            sheet.write(offset, col, value)
sheet.write(5, 1, "合计")
sheet.write(5, 5, 24000)
book.save(str(Path(__file__).with_name("ledger.xls")))
