"""Build messy Excel ledgers in tests, the way county offices keep them, and compare whole databases."""

import io
from datetime import date, datetime

import openpyxl
import sqlalchemy as sa

from app.extensions import db

# Tables that record the import itself or logins, not business state.
BOOKKEEPING = {"audit_entries", "import_batches", "import_items", "login_failures", "data_version"}


def ledger(
    headers: list,
    rows: list,
    *,
    titles: tuple = ("泽州县2025年招商引资项目台账",),
    note: str | None = None,
    start_col: int = 1,
    total: dict | None = None,
    trailing_blank: int = 3,
    date_cells: dict | None = None,
    sheet_name: str = "台账",
    extra_sheet_first: bool = False,
) -> bytes:
    """An .xlsx with merged title rows, an optional "单位：…" note, the header, the rows, a 合计 row, blank rows.

    ``date_cells`` maps (row index, header) → a number format, so a date or serial shows as a date in Excel.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    if extra_sheet_first:
        sheet.title = "说明"
        sheet["A1"] = "本台账由各责任单位每月5日前报送"
        sheet = book.create_sheet(sheet_name)
    else:
        sheet.title = sheet_name
    last_col = start_col + len(headers) - 1
    line = 1
    for title in titles:
        sheet.cell(line, start_col, title)
        sheet.merge_cells(start_row=line, start_column=start_col, end_row=line, end_column=last_col)
        line += 1
    if note:
        sheet.cell(line, last_col, note)
        line += 1
    for offset, header in enumerate(headers):
        sheet.cell(line, start_col + offset, header)
    header_line = line
    for index, row in enumerate(rows):
        line += 1
        for offset, value in enumerate(row):
            cell = sheet.cell(line, start_col + offset, value)
            fmt = (date_cells or {}).get((index, headers[offset]))
            if fmt:
                cell.number_format = fmt
            elif isinstance(value, datetime | date):
                cell.number_format = "yyyy-mm-dd"
    if total:
        line += 1
        for offset, header in enumerate(headers):
            if header in total:
                sheet.cell(line, start_col + offset, total[header])
    for _ in range(trailing_blank):
        line += 1
        sheet.cell(line, start_col, None)
    buffer = io.BytesIO()
    book.save(buffer)
    assert header_line  # the header row number is header_line; data starts below it
    return buffer.getvalue()


def header_row(titles: int = 1, note: bool = False) -> int:
    """The Excel row of the header for ``ledger(titles=..., note=...)``."""
    return titles + (1 if note else 0) + 1


def snapshot() -> dict[str, list[dict]]:
    """Every business row of every table, in primary-key order (for exact before/after comparisons)."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in BOOKKEEPING:
            continue
        stmt = sa.select(table).order_by(*table.primary_key.columns)
        state[table.name] = [dict(row) for row in db.session.execute(stmt).mappings()]
    return state


def diff(before: dict, after: dict) -> list[str]:
    """Readable differences between two snapshots (empty when identical)."""
    problems = []
    for name in before:
        if before[name] != after.get(name):
            rows_before = {repr(r) for r in before[name]}
            rows_after = {repr(r) for r in after.get(name, [])}
            problems.append(
                f"{name}: only before {sorted(rows_before - rows_after)[:3]}, "
                f"only after {sorted(rows_after - rows_before)[:3]}"
            )
    return problems
