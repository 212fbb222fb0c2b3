"""Number and text polish: whole 万元 without .00, "—" where a figure does not apply, a batch's year once,
page numbers clamped, PDF dates = the edition's date."""

import re
import subprocess
from datetime import date

from app.core.money import format_wan
from app.extensions import db
from app.reports.excel import build_xlsx
from app.reports.figures import Edition
from app.reports.pdf import build_pdf
from tests.reports.conftest import pdf_text, rows, squeeze, workbook
from tests.reports.sample import sample_figures

ISSUED = Edition(date(2025, 7, 3), 1)


def test_issued_amount_is_a_dash_for_non_bond_channels_in_pdf_and_excel():
    figures = sample_figures()
    bonds = [name for name, v in figures["metrics"]["funds"].items() if v["is_bond"]]
    others = [name for name, v in figures["metrics"]["funds"].items() if not v["is_bond"]]
    assert bonds and others
    sheet = rows(workbook(build_xlsx(figures, ISSUED))["争资争项"])
    header = sheet[0] if sheet and sheet[0][0] == "资金渠道" else None
    by_channel = {r[0]: r for r in sheet if r and r[0] in figures["metrics"]["funds"]}
    issued_col = 10  # 发行金额（万元）
    assert header is None or header[issued_col] == "发行金额（万元）"
    for name in others:
        assert by_channel[name][issued_col] == "—", name
    for name in bonds:
        assert isinstance(by_channel[name][issued_col], (int, float)), name
    text = pdf_text(build_pdf(figures, ISSUED), layout=True)
    line = next(row for row in text.splitlines() if row.strip().startswith(others[0][:6]))
    assert "—" in line and "0.00" not in line


def test_pdf_metadata_dates_are_the_edition_date():
    info = subprocess.run(
        ["pdfinfo", "-isodates", "-"], input=build_pdf(sample_figures(), ISSUED), capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"CreationDate:\s+2025-07-03T00:00:00\+08", info), info
    assert "2000-01-01" not in info


def test_whole_amounts_have_no_trailing_zeros_in_the_pdf():
    text = squeeze(pdf_text(build_pdf(sample_figures(), ISSUED)))
    assert "180亿元" in text and ".00" not in text.replace("0.00%", "")


def test_batch_year_is_not_doubled(client, login, make):
    login(make.user("taskforce"))
    app_ = make.application("管网专项债", batch="2025年第1批", year=2025)
    other = make.application("另一申报", batch="第二批", year=2025)
    db.session.commit()
    html = client.get(f"/funds/{app_.id}").get_data(as_text=True)
    assert "2025年第1批" in html and "2025年 2025年" not in html and "2025年 · 2025年" not in html
    assert "2025年 第二批" in client.get(f"/funds/{other.id}").get_data(as_text=True)


def test_page_numbers_are_clamped(client, login, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login(make.user("taskforce"))
    for number in range(5):
        make.problem(description=f"问题{number}")
    db.session.commit()
    html = client.get("/problems/?page=999").get_data(as_text=True)
    assert "第 3/3 页" in html and "第 999/" not in html
    assert "问题0" in html  # the last page's rows, not an empty page


def test_format_wan_is_the_one_filter(app):
    assert app.jinja_env.filters["wan"] is format_wan
    assert format_wan(30_000_000) == "3,000" and format_wan(30_005_000) == "3,000.50"
