"""Styled .xlsx tables written with XlsxWriter: values, never formulas."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter

DASH = "—"


@dataclass
class Column:
    """One column: header text, a function producing the cell value, and a kind.

    Kinds: ``text``, ``wan`` (integer yuan written as 万元 number: ``#,##0`` when whole, else two
    places, like app.core.money.format_wan), ``int``, ``rate`` (fraction shown as %), ``date``.
    """

    header: str
    value: object
    kind: str = "text"
    width: int = 14


@dataclass
class Sheet:
    name: str
    title: str
    columns: list[Column]
    rows: list
    totals: dict | None = None  # header -> value for a 合计 row


def _cell(kind: str, raw):
    if raw is None:
        return None
    if kind == "wan":
        return float(Decimal(raw) / Decimal(10_000))
    if kind == "rate":
        return float(raw)
    return raw


def write_workbook(sheets: list[Sheet]) -> bytes:
    """Write sheets with a merged title row, header fill, frozen header, autofilter, number formats."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head_fmt = book.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
    )
    formats = {
        "text": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "wan": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "wan_whole": book.add_format({"border": 1, "num_format": "#,##0"}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "rate": book.add_format({"border": 1, "num_format": "0.0%"}),
        "date": book.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
        "dash": book.add_format({"border": 1, "align": "right"}),
    }
    total_fmt = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    for spec in sheets:
        ws = book.add_worksheet(spec.name[:31])
        last_col = max(len(spec.columns) - 1, 0)
        if last_col:
            ws.merge_range(0, 0, 0, last_col, spec.title, title_fmt)
        else:
            ws.write(0, 0, spec.title, title_fmt)
        ws.set_row(0, 28)
        for col, column in enumerate(spec.columns):
            ws.write(1, col, column.header, head_fmt)
            ws.set_column(col, col, column.width)
        row_index = 2
        for row in spec.rows:
            for col, column in enumerate(spec.columns):
                raw = column.value(row) if callable(column.value) else row[column.value]
                value = _cell(column.kind, raw)
                if value is None and column.kind in ("wan", "int", "rate"):
                    ws.write_string(row_index, col, DASH, formats["dash"])  # a figure that does not apply
                elif value is None:
                    ws.write_blank(row_index, col, None, formats[column.kind])
                elif column.kind == "date" and isinstance(value, date):
                    ws.write_datetime(row_index, col, value, formats["date"])
                elif column.kind == "wan":
                    whole = round(value * 100) % 100 == 0
                    ws.write_number(row_index, col, value, formats["wan_whole" if whole else "wan"])
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(row_index, col, value, formats[column.kind])
                else:
                    ws.write_string(row_index, col, str(value), formats["text"])
            row_index += 1
        if spec.totals:
            for col, column in enumerate(spec.columns):
                if column.header in spec.totals:
                    value = _cell(column.kind, spec.totals[column.header])
                    if isinstance(value, (int, float)):
                        ws.write_number(row_index, col, value, total_fmt)
                    else:
                        ws.write_string(row_index, col, str(value), total_fmt)
                else:
                    ws.write_blank(row_index, col, None, total_fmt)
        ws.freeze_panes(2, 0)
        if spec.columns:
            ws.autofilter(1, 0, max(row_index - 1, 1), last_col)
    book.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str):
    """A download response for an .xlsx file with a UTF-8 file name."""
    from urllib.parse import quote

    from flask import Response

    response = Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
