"""Fixtures of the report tests: a pinned today, a small county with hand-checked figures, file readers."""

import io
import subprocess
from datetime import date

import openpyxl
import pytest

from app.extensions import db

YI = 100_000_000
WAN = 10_000


@pytest.fixture
def pinned_today(app, monkeypatch):
    """Today is 2025-07-10: June 2025 is complete, July is running, August is in the future."""
    monkeypatch.setitem(app.config, "CRM_TODAY", "2025-07-10")
    return date(2025, 7, 10)


@pytest.fixture
def county(make, seeded, pinned_today):
    """Four counted deals and one excluded, an overdue problem, a leader. Figures for 2025-06 by hand:

    signed in 2025 up to 06-30: 甲 1亿 (03-01, started 05-01), 乙 2亿 (06-10), 丙 0.5亿 (02-01)
    → 3 deals, 3.5亿 = 35,000.00万元; June: 1 deal, 2亿; started 1 → 当年开工率 1/3 = 33.3%.
    Leads created in 2025 (counted): 甲 乙 丙 丁 → 4, of which 3 signed → 75.0%.
    戊 (5亿, not counted) enters nothing. Signed not started: 丙 (149 days), 乙 (20 days).
    """
    from app.people.models import Unit

    bagong = db.session.query(Unit).filter_by(name="巴公镇").one()
    center = db.session.query(Unit).filter_by(name="县投资促进中心").one()
    chief = make.leader("测试领导甲", title="副县长")
    deals = {
        "甲": make.deal(
            "甲·智能装备制造基地",
            stage="已开工",
            amount=1 * YI,
            lead_unit_id=bagong.id,
            township_id=bagong.id,
            leader_id=chief.id,
        ),
        "乙": make.deal(
            "乙·储能电池项目",
            stage="已签约",
            amount=2 * YI,
            lead_unit_id=center.id,
            dates={"已签约": date(2025, 6, 10)},
        ),
        "丙": make.deal(
            "丙·泽州县年产十万吨高纯硅基新材料及配套深加工一体化产业园建设项目（一期）",
            stage="已签约",
            amount=50_000_000,
            lead_unit_id=bagong.id,
            dates={"已签约": date(2025, 2, 1)},
        ),
        "丁": make.deal("丁·冷链物流线索", stage="线索", amount=3 * YI),
        "戊": make.deal(
            "戊·不计入考核项目",
            stage="已签约",
            amount=5 * YI,
            is_counted=False,
            exclusion_reason="市级统筹项目",
            dates={"已签约": date(2025, 4, 1)},
        ),
    }
    problem = make.problem(
        description="甲项目施工用电线路迁改未完成",
        project=make.project("甲配套工程"),
        unit_id=bagong.id,
        leader_id=chief.id,
        deadline_on=date(2025, 5, 31),
    )
    db.session.commit()
    return {"deals": deals, "problem": problem, "leader": chief, "bagong": bagong, "center": center}


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    """The text of a PDF as pdftotext extracts it (pages separated by form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=content, capture_output=True, check=True).stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Text without any whitespace, so wrapped lines and spacing do not matter."""
    return "".join(text.split())


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet, start: int = 3) -> list[tuple]:
    """Data rows of a report sheet (row 1 title, row 2 header)."""
    return [row for row in sheet.iter_rows(min_row=start, values_only=True) if any(v is not None for v in row)]


def yuan(wan_value) -> int:
    """A 万元 number read back from Excel as integer yuan."""
    return round(wan_value * WAN)
