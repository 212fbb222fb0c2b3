"""Read an officials' Excel ledger: find the header row below merged titles, map columns, keep data rows.

pandas reads every cell as an object (``header=None``), so row ``i`` of the frame is
Excel row ``i + 1`` and column ``j`` is column letter ``j``; values are parsed later
by our own money and date parsers, never by pandas.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from app.core.errors import InputError
from app.core.money import normalize_text
from app.imports.spec import Field, cell_text, column_letter, is_blank, split_header

HEADER_SCAN_ROWS = 30
MIN_KNOWN_HEADERS = 3
_UNIT_NOTE = re.compile(r"单位[:：]?\s*(亿元|万元|元)")
_TOTAL_WORDS = ("合计", "总计", "小计", "累计")
_FOOTER_WORDS = ("填表", "制表", "审核人", "负责人", "联系人", "注：", "注:", "说明：", "说明:")
IGNORED_HEADERS = {"序号", "编号", "行号", "原行号", "错误说明"}
DEFAULT_MAX_ROWS = 50_000  # IMPORT_MAX_ROWS overrides
MAX_COLUMNS = 200  # a ledger has a few dozen columns; the reader allocates rows × columns cells
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024  # uncompressed worksheet XML (a zip bomb stops here)
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?r="([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?ref="([A-Z]{0,3})([0-9]{0,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')


@dataclass
class Column:
    index: int
    header: str
    spec: Field | None
    unit: str = "万元"

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Table:
    """The ledger's header and data rows. ``rows`` holds (Excel row number, raw cell values)."""

    sheet: str
    header_row: int
    columns: list[Column]
    rows: list[tuple[int, list]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # 合计 and footer rows
    default_unit: str = "万元"

    @property
    def by_key(self) -> dict[str, Column]:
        return {c.spec.key: c for c in self.columns if c.spec is not None}

    @property
    def unknown_headers(self) -> list[str]:
        return [
            c.header
            for c in self.columns
            if c.spec is None and c.header and split_header(c.header)[0] not in IGNORED_HEADERS
        ]


def _alias_index(fields: list[Field]) -> dict[str, Field]:
    index = {}
    for spec in fields:
        for alias in (spec.label, *spec.aliases):
            index.setdefault(split_header(alias)[0], spec)
    return index


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _max_rows() -> int:
    from flask import current_app, has_app_context

    return int(current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)) if has_app_context() else DEFAULT_MAX_ROWS


def check_xlsx_size(content: bytes, max_rows: int) -> None:
    """Refuse an .xlsx whose sheets reach beyond ``max_rows`` rows or MAX_COLUMNS columns, before loading it.

    The reader allocates a dense grid from A1 to the farthest cell: one cell at XFD1048576 in a
    5 KB file means 17 billion cells. The sheet XML is scanned in chunks (memory stays bounded),
    trusting neither the declared dimension nor the compressed size.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return  # not a zip (.xls, or broken): the reader reports it
    with archive:
        for info in archive.infolist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            if info.file_size > MAX_SHEET_XML_BYTES:
                raise InputError("文件内容过大（解压后超过400MB），请拆分后再导入", field="file")
            _scan_sheet(archive, info, max_rows)


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int) -> None:
    last_row = last_column = 0
    tail = b""
    read = 0
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            read += len(chunk)
            if read > MAX_SHEET_XML_BYTES:
                raise InputError("文件内容过大（解压后超过400MB），请拆分后再导入", field="file")
            text = tail + chunk
            for match in _CELL_REF.finditer(text):
                last_column = max(last_column, _column_number(match.group(1)))
                last_row = max(last_row, int(match.group(2)))
            for match in _ROW_REF.finditer(text):
                last_row = max(last_row, int(match.group(1)))
            if not tail:  # the declared dimension sits near the start
                declared = _DIMENSION.search(text)
                if declared and declared.group(3):
                    last_column = max(last_column, _column_number(declared.group(3)))
                    last_row = max(last_row, int(declared.group(4)))
            tail = text[-256:]  # a tag cut between two chunks is seen whole in the next
            if last_row > max_rows + HEADER_SCAN_ROWS or last_column > MAX_COLUMNS:
                break
    if last_row > max_rows + HEADER_SCAN_ROWS:
        raise InputError(
            f"工作表行数过多（至少{last_row:,}行，上限{max_rows:,}行数据），请拆分后分批导入", field="file"
        )
    if last_column > MAX_COLUMNS:
        raise InputError(
            f"工作表列数过多（第{last_column:,}列有内容，上限{MAX_COLUMNS}列），请删除多余的列后再导入", field="file"
        )


def load_sheets(content: bytes, filename: str) -> dict[str, list[list]]:
    """All sheets of an .xlsx/.xls as lists of rows of raw values (None for blank)."""
    name = (filename or "").lower()
    if not name.endswith((".xlsx", ".xls", ".xlsm")):
        raise InputError("只能导入 Excel 文件（.xlsx 或 .xls）", field="file")
    max_rows = _max_rows()
    check_xlsx_size(content, max_rows)
    try:
        frames = pd.read_excel(io.BytesIO(content), sheet_name=None, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for broken files
        raise InputError("无法读取该文件：不是有效的 Excel 文件，或文件已损坏/加密", field="file") from exc
    sheets = {}
    for sheet, frame in frames.items():
        if len(frame) > max_rows + HEADER_SCAN_ROWS or len(frame.columns) > MAX_COLUMNS:  # .xls: checked after reading
            raise InputError(
                f"工作表“{sheet}”行数或列数过多（{len(frame):,}行、{len(frame.columns)}列；"
                f"上限{max_rows:,}行数据、{MAX_COLUMNS}列），请拆分后分批导入",
                field="file",
            )
        frame = frame.astype(object).where(frame.notna(), None)
        sheets[str(sheet)] = frame.values.tolist()
    return sheets


def _known(row: list, aliases: dict[str, Field]) -> dict[int, Field]:
    found = {}
    for index, value in enumerate(row):
        if isinstance(value, str):
            spec = aliases.get(split_header(value)[0])
            if spec is not None:
                found[index] = spec
    return found


def find_table(rows: list[list], fields: list[Field], key: str, sheet: str = "") -> Table | None:
    """Locate the header row (the first with the key column and enough known headers) and build the table."""
    aliases = _alias_index(fields)
    default_unit = "万元"
    for position, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        known = _known(row, aliases)
        if not any(spec.key == key for spec in known.values()) or len(known) < MIN_KNOWN_HEADERS:
            for value in row:
                match = _UNIT_NOTE.search(normalize_text(value)) if isinstance(value, str) else None
                if match:
                    default_unit = match.group(1)
            continue
        columns = []
        seen: dict[str, Column] = {}
        for index, value in enumerate(row):
            header = cell_text(value)
            base, unit = split_header(header)
            spec = known.get(index)
            if spec is not None and spec.key in seen:
                raise InputError(
                    f"第{position + 1}行表头中“{seen[spec.key].header}”与“{header}”是同一列，请删除其中一列"
                )
            column = Column(index=index, header=header, spec=spec, unit=unit or default_unit)
            if spec is not None:
                seen[spec.key] = column
            columns.append(column)
        table = Table(sheet=sheet, header_row=position + 1, columns=columns, default_unit=default_unit)
        _collect_rows(table, rows[position + 1 :], first_number=position + 2)
        return table
    return None


def _collect_rows(table: Table, rows: list[list], first_number: int) -> None:
    known_indexes = [c.index for c in table.columns if c.spec is not None]
    for offset, row in enumerate(rows):
        number = first_number + offset
        values = [row[i] if i < len(row) else None for i in known_indexes]
        if all(is_blank(v) for v in values):
            continue  # blank, or only a 序号
        texts = [normalize_text(cell_text(v)) for v in row if isinstance(v, str)]
        if any(t.startswith(_TOTAL_WORDS) for t in texts):
            table.skipped.append(number)
            continue
        if len([v for v in values if not is_blank(v)]) == 1 and any(t.startswith(_FOOTER_WORDS) for t in texts):
            table.skipped.append(number)
            continue
        table.rows.append((number, list(row)))


def read_table(content: bytes, filename: str, fields: list[Field], key: str) -> Table:
    """The first sheet holding a recognisable header; InputError naming what is missing otherwise."""
    sheets = load_sheets(content, filename)
    for sheet, rows in sheets.items():
        table = find_table(rows, fields, key, sheet)
        if table is not None:
            missing = [f.header for f in fields if f.required and f.key not in table.by_key]
            if missing:
                raise InputError(f"工作表“{sheet}”缺少必填列：{'、'.join(missing)}", field="file")
            return table
    key_header = next(f.header for f in fields if f.key == key)
    raise InputError(
        f"未找到表头：前{HEADER_SCAN_ROWS}行中没有一行同时含有“{key_header}”和至少{MIN_KNOWN_HEADERS}个可识别的列名。"
        "请对照模板检查列名，或确认选择的台账类型是否正确",
        field="file",
    )
