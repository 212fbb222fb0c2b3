"""Duplicate detection: investors with the same credit code or a very similar name; deals with similar names."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import sqlalchemy as sa

from app.core.permissions import can_see
from app.deals.models import Deal, Investor
from app.extensions import db

_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "控股",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "ltd",
    "inc",
)
_PLACES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
    "深圳",
    "广州",
    "杭州",
    "苏州",
    "南京",
    "武汉",
    "成都",
    "西安",
    "郑州",
    "济南",
    "青岛",
    "厦门",
    "宁波",
    "太原",
    "长治",
    "晋城",
    "泽州",
    "阳城",
    "高平",
    "陵川",
    "沁水",
    "大同",
    "朔州",
    "忻州",
    "吕梁",
    "晋中",
    "阳泉",
    "临汾",
    "运城",
)
_DEAL_WORDS = ("建设项目", "项目", "工程")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
SIMILARITY = 0.8


def _clean(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())


def investor_key(name: str) -> str:
    """A company name reduced to its core: no places, punctuation or legal-form suffix."""
    text = _clean(name)
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    for place in _PLACES:
        for form in (place + "省", place + "市", place + "县", place):
            text = text.replace(form, "") if len(text) - len(form) >= 2 else text
    return text


def deal_key(name: str) -> str:
    """A deal name reduced to its core (no punctuation, no trailing 项目/工程)."""
    text = _clean(name)
    for word in _DEAL_WORDS:
        if text.endswith(word) and len(text) > len(word) + 1:
            return text[: -len(word)]
    return text


def similarity(a: str, b: str) -> float:
    """0..1: 1 for equal keys or one key containing the other (≥ 4 characters), else the difflib ratio."""
    if not a or not b:
        return 0.0
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Duplicate:
    record: object
    reason: str
    score: float
    can_open: bool = True


def similar_investors(
    name: str, credit_code: str | None = None, *, exclude_id: int | None = None, limit: int = 5
) -> list[Duplicate]:
    """Investors that look like the one being entered: same credit code, or a very similar name."""
    found: dict[int, Duplicate] = {}
    if credit_code:
        from app.deals.credit_code import normalize_credit_code

        code = normalize_credit_code(credit_code)
        for investor in db.session.scalars(sa.select(Investor).where(Investor.credit_code == code)):
            if investor.id != exclude_id:
                found[investor.id] = Duplicate(investor, f"统一社会信用代码相同（{code}）", 2.0)
    key = investor_key(name or "")
    if len(key) >= 2:
        for investor_id, other_name in db.session.execute(sa.select(Investor.id, Investor.name)):
            if investor_id == exclude_id or investor_id in found:
                continue
            score = similarity(key, investor_key(other_name))
            if score >= SIMILARITY:
                found[investor_id] = Duplicate(db.session.get(Investor, investor_id), "名称相近", score)
    return sorted(found.values(), key=lambda d: -d.score)[:limit]


def similar_deals(
    name: str, *, investor_id: int | None = None, exclude_id: int | None = None, user=None, limit: int = 5
) -> list[Duplicate]:
    """Deals (in any unit) with a very similar name; ``can_open`` tells whether ``user`` may open them."""
    key = deal_key(name or "")
    if len(key) < 2:
        return []
    found = []
    for deal_id, other_name, other_investor in db.session.execute(sa.select(Deal.id, Deal.name, Deal.investor_id)):
        if deal_id == exclude_id:
            continue
        score = similarity(key, deal_key(other_name))
        same_investor = investor_id is not None and other_investor == investor_id
        if score >= SIMILARITY or (same_investor and score >= 0.6):
            found.append((deal_id, score + (0.5 if same_investor else 0), same_investor))
    result = []
    for deal_id, score, same_investor in sorted(found, key=lambda item: -item[1])[:limit]:
        deal = db.session.get(Deal, deal_id)
        reason = "同一投资方、名称相近" if same_investor else "名称相近"
        result.append(Duplicate(deal, reason, score, can_open=user is None or can_see(deal, user)))
    return result
