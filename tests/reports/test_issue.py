"""The reports page: downloads, issuing (发布), unchanged re-download, differences after an edit, CLI."""

from datetime import date

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.reports.figures import ReportMonth, collect_figures
from app.reports.models import IssuedReport
from tests.reports.conftest import pdf_text, rows, squeeze, workbook, yuan


def _issued(month="2025-06"):
    return db.session.scalars(
        sa.select(IssuedReport).where(IssuedReport.month == month).order_by(IssuedReport.version)
    ).all()


def _taskforce(make, login):
    user = make.user("taskforce")
    db.session.commit()
    return login(user)


def test_page_defaults_to_last_complete_month(client, login, make, county):
    _taskforce(make, login)
    page = client.get("/reports/").get_data(as_text=True)
    assert "2025年6月" in page and "数据截至 2025-06-30" in page
    assert "3.50" in page and "发布第1版" in page


def test_bad_month_arguments_never_fail(client, login, make, county):
    _taskforce(make, login)
    for bad in ("abc", "2025-13", "2099-01", "1999-12"):
        response = client.get(f"/reports/?month={bad}")
        assert response.status_code == 200, bad
        assert "已显示2025年6月" in response.get_data(as_text=True)
    for bad in ("abc", "2025-13", "2025-08"):  # 2025-08 is in the future (today is 2025-07-10)
        assert client.get(f"/reports/{bad}/report.pdf").status_code == 404
        assert client.get(f"/reports/{bad}/report.xlsx").status_code == 404
    assert client.get("/reports/issued/999.pdf").status_code == 404


def test_live_downloads(client, login, make, county):
    _taskforce(make, login)
    response = client.get("/reports/2025-06/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert "生成日期：2025年7月10日（实时数据，未发布）" in squeeze(pdf_text(response.data))
    response = client.get("/reports/2025-06/report.xlsx")
    assert response.status_code == 200
    (_month, year_row) = rows(workbook(response.data)["签约情况"])
    assert yuan(year_row[2]) == 350_000_000


def test_roles_who_may_read_and_issue(client, login, make, county):
    leader = make.user("leader")
    unit_user = make.user("unit")
    investment = make.user("investment")
    db.session.commit()
    login(unit_user)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/2025-06/report.pdf").status_code == 403
    for user in (leader, investment):
        client.post("/logout")
        login(user)
        page = client.get("/reports/")
        assert page.status_code == 200 and "发布由专班办公室负责" in page.get_data(as_text=True)
        assert client.post("/reports/2025-06/issue", data={}).status_code == 403
    assert _issued() == []


def test_issue_stores_figures_and_files_and_redownloads_unchanged(client, login, make, county):
    user = _taskforce(make, login)
    response = client.post("/reports/2025-06/issue", data={"note": ""})
    assert response.status_code == 302
    (report,) = _issued()
    assert (report.version, report.is_current, report.issued_by_id) == (1, True, user.id)
    assert report.issued_on == date(2025, 7, 10) and report.as_of == date(2025, 6, 30)
    assert report.figures == collect_figures(ReportMonth(2025, 6))
    assert report.max_audit_id == db.session.scalar(
        sa.select(sa.func.max(AuditEntry.id)).where(AuditEntry.entity != "issued_reports")
    )
    stored_pdf, stored_xlsx = report.pdf, report.xlsx
    assert "发布日期：2025年7月10日（第1版）" in squeeze(pdf_text(stored_pdf))

    pdf = client.get(f"/reports/issued/{report.id}.pdf")
    xlsx = client.get(f"/reports/issued/{report.id}.xlsx")
    assert pdf.data == stored_pdf and xlsx.data == stored_xlsx
    assert "_第1版.pdf" in pdf.headers["Content-Disposition"].replace("%E7%AC%AC1%E7%89%88", "第1版")

    # Data behind June changes; the issued files still download byte for byte.
    from app.deals.services import correct_stage_date

    deal = county["deals"]["乙"]
    signing = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    correct_stage_date(signing, date(2025, 7, 2), note="合同实际签订日期为7月2日")
    db.session.commit()
    assert client.get(f"/reports/issued/{report.id}.pdf").data == stored_pdf
    assert client.get(f"/reports/issued/{report.id}.xlsx").data == stored_xlsx
    page = client.get("/reports/?month=2025-06").get_data(as_text=True)
    assert "已于 2025-07-10 发布第1版" in page


def test_difference_view_after_a_past_record_is_edited(client, login, make, county):
    _taskforce(make, login)
    client.post("/reports/2025-06/issue", data={})
    page = client.get("/reports/?month=2025-06").get_data(as_text=True)
    assert "当前数据与已发布的第1版一致" in page
    assert "发布后没有修改相关数据" in page

    # 乙's 签约 date was wrong: it was signed on 2 July, so June loses 2亿 and one deal.
    from app.deals.services import correct_stage_date

    deal = county["deals"]["乙"]
    signing = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    correct_stage_date(signing, date(2025, 7, 2), note="合同实际签订日期为7月2日")
    db.session.commit()

    page = client.get("/reports/?month=2025-06").get_data(as_text=True)
    differences = page[page.index('data-testid="differences"') : page.index('data-testid="changes-since"')]
    assert "发布后数据有变动" in differences
    flat = squeeze(differences.replace("<td", " <td"))
    assert '招商签约·签约额</td><tdclass="text-money">35,000万元</td>' in flat
    assert '<tdclass="text-moneyfw-semibold">15,000万元</td>' in flat
    assert "−20,000万元" in flat
    assert "招商签约·项目数" in flat and "已签约未开工·乙·储能电池项目" in flat and "移出" in flat
    changes = page[page.index('data-testid="changes-since"') :]
    # The stage row (date and note) and the deal (签约日期): three field changes, two records.
    assert "发布后的数据修改（3 条）" in changes
    assert "乙·储能电池项目" in changes and "2025-06-10 → 2025-07-02" in changes


def test_corrected_version_keeps_the_old_one(client, login, make, county):
    _taskforce(make, login)
    client.post("/reports/2025-06/issue", data={})
    (first,) = _issued()
    first_pdf = first.pdf

    # Nothing changed: a corrected version is refused.
    response = client.post("/reports/2025-06/issue", data={"note": "重新发布"})
    assert response.status_code == 200
    assert "当前数据与已发布的第1版完全一致，无需发布更正版" in response.get_data(as_text=True)

    from app.deals.services import correct_stage_date

    signing = next(c for c in county["deals"]["乙"].stage_changes if c.to_stage == "已签约")
    correct_stage_date(signing, date(2025, 7, 2))
    db.session.commit()

    response = client.post("/reports/2025-06/issue", data={"note": ""})
    assert response.status_code == 200
    assert "发布更正版须填写更正说明" in response.get_data(as_text=True)
    assert len(_issued()) == 1

    response = client.post("/reports/2025-06/issue", data={"note": "乙项目签约日期更正为7月2日"})
    assert response.status_code == 302
    db.session.expire_all()
    first, second = _issued()
    assert (first.version, first.is_current, first.superseded_at is not None) == (1, False, True)
    assert (second.version, second.is_current, second.note) == (2, True, "乙项目签约日期更正为7月2日")
    assert second.figures["metrics"]["signed"]["amount_yuan"] == 150_000_000
    assert first.figures["metrics"]["signed"]["amount_yuan"] == 350_000_000
    assert client.get(f"/reports/issued/{first.id}.pdf").data == first_pdf
    text = squeeze(pdf_text(client.get(f"/reports/issued/{second.id}.pdf").data))
    assert "（第2版）" in text and "更正说明：乙项目签约日期更正为7月2日" in text and "1.50亿元" in text
    page = client.get("/reports/?month=2025-06").get_data(as_text=True)
    assert "当前数据与已发布的第2版一致" in page and "已被更正" in page


def test_running_month_cannot_be_issued(client, login, make, county):
    _taskforce(make, login)
    page = client.get("/reports/?month=2025-07").get_data(as_text=True)
    assert "本月尚未结束" in page and "发布第1版" not in page
    response = client.post("/reports/2025-07/issue", data={})
    assert response.status_code == 200
    assert "2025年7月尚未结束" in response.get_data(as_text=True)
    assert _issued("2025-07") == []


def test_leader_sees_differences_but_not_the_audit_entries(client, login, make, county):
    _taskforce(make, login)
    client.post("/reports/2025-06/issue", data={})
    client.post("/logout")
    leader = make.user("leader")
    db.session.commit()
    login(leader)
    page = client.get("/reports/?month=2025-06").get_data(as_text=True)
    assert 'data-testid="differences"' in page and 'data-testid="changes-since"' not in page


def test_cli_writes_both_files(runner, county, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(args=["report", "monthly", "--month", "2025-06", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out / "泽州县招商引资月度转化率报告_2025-06.pdf"
    xlsx = out / "泽州县招商引资月度转化率报告_2025-06.xlsx"
    assert "3.50亿元（3个项目）" in squeeze(pdf_text(pdf.read_bytes()))
    (_month, year_row) = rows(workbook(xlsx.read_bytes())["签约情况"])
    assert year_row[1] == 3 and yuan(year_row[2]) == 350_000_000
    assert _issued() == []  # the CLI issues nothing

    result = runner.invoke(args=["report", "monthly", "--month", "2025年13月", "--out", str(out)])
    assert result.exit_code != 0 and "无法识别" in result.output
    result = runner.invoke(args=["report", "monthly", "--month", "2025-09", "--out", str(out)])
    assert result.exit_code != 0 and "还未到" in result.output
