"""Ledger columns: what each header may be called, and how one cell becomes a value.

A header is normalised (full-width to ASCII, spaces and ``*`` dropped, a leading year
like ``2025年`` dropped) and split into its base name and unit: ``签约额(亿元)`` →
(``签约额``, ``亿元``). The base name is looked up among a field's aliases.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from app.core.dates import parse_date
from app.core.errors import InputError
from app.core.money import normalize_text, parse_money

_UNIT = re.compile(r"(.+?)\(?(亿元|万元|元|亿|万)\)?")
_YEAR_PREFIX = re.compile(r"^(19|20)\d{2}年(度)?")
_MARKS = str.maketrans("", "", "*＊★☆:：\"'“”‘’")


@dataclass(frozen=True)
class Field:
    """One ledger column of a kind.

    ``kind``: text, money, date, year, bool or choice (``choices`` maps each accepted
    spelling to the stored value). ``in_template`` columns are the ones the issue names;
    others are optional extras the template adds at the end.
    """

    key: str
    header: str
    aliases: tuple[str, ...]
    kind: str = "text"
    required: bool = False
    help: str = ""
    choices: dict = field(default_factory=dict)
    in_template: bool = True
    max_length: int | None = None

    @property
    def label(self) -> str:
        """The header without its unit: 签约金额（万元） → 签约金额."""
        return split_header(self.header)[0]


def split_header(text) -> tuple[str, str | None]:
    """Header cell → (normalised base name, unit or None)."""
    if text is None:
        return "", None
    base = unicodedata.normalize("NFKC", str(text))
    base = re.sub(r"\s+", "", base).translate(_MARKS).replace("（", "(").replace("）", ")")
    base = base.replace("(单位", "(")
    unit = None
    match = _UNIT.fullmatch(base)
    if match:
        base, unit = match.group(1), {"亿": "亿元", "万": "万元"}.get(match.group(2), match.group(2))
    base = base.rstrip("(")
    base = _YEAR_PREFIX.sub("", base) or base
    return base, unit


def variants(mapping: dict[str, list[str]]) -> dict[str, str]:
    """{stored value: [spellings]} → {normalised spelling: stored value}, each value also accepting itself."""
    result = {}
    for value, spellings in mapping.items():
        for spelling in [value, *spellings]:
            result[_norm_choice(spelling)] = value
    return result


def _norm_choice(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’()（）]", "", unicodedata.normalize("NFKC", text)).upper()


TRUE_WORDS = {"是", "√", "✓", "✔", "Y", "YES", "TRUE", "1", "计入", "纳入", "重点", "对"}
FALSE_WORDS = {"否", "×", "✗", "✘", "N", "NO", "FALSE", "0", "不计入", "不纳入", "非重点", "一般", "不是"}


def cell_text(value) -> str:
    """A cell as stripped text ('' for blank); integral floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def is_blank(value) -> bool:
    return cell_text(value) == ""


def parse_cell(spec: Field, value, *, unit: str):
    """One cell → the stored value (None when blank); InputError with a Chinese message otherwise."""
    if is_blank(value):
        return None
    what = spec.label
    if spec.kind == "money":
        return parse_money(value, unit=unit, what=what)
    if spec.kind == "date":
        return parse_date(value, what=what)
    if spec.kind == "year":
        text = normalize_text(cell_text(value)).rstrip("年度").rstrip("年")
        if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
            raise InputError(f"{what}“{cell_text(value)}”应为四位年份，如 2025")
        return int(text)
    if spec.kind == "bool":
        text = _norm_choice(cell_text(value))
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise InputError(f"{what}“{cell_text(value)}”应填写“是”或“否”")
    if spec.kind == "choice":
        text = _norm_choice(cell_text(value))
        if text in spec.choices:
            return spec.choices[text]
        allowed = "、".join(dict.fromkeys(spec.choices.values()))
        raise InputError(f"{what}“{cell_text(value)}”无法识别（可填：{allowed}）")
    text = cell_text(value)
    if spec.max_length and len(text) > spec.max_length:
        raise InputError(f"{what}过长（{len(text)}字，最多{spec.max_length}字）")
    return text


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
