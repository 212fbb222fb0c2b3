"""包联领导调度简报: a page per leader whose figures are the monthly report's section 八 row."""

from datetime import date

from app.extensions import db
from app.reports.brief import build_brief_pdf, leader_brief_data
from app.reports.figures import Edition, ReportMonth, collect_figures
from tests.reports.conftest import pdf_text, squeeze

JUNE = ReportMonth(2025, 6)


def test_brief_figures_are_the_report_figures(county):
    chief = county["leader"]
    brief = leader_brief_data(JUNE, chief)
    row = next(r for r in collect_figures(JUNE)["leader_summary"] if r["leader_id"] == chief.id)
    assert brief["figures"] == row
    text = squeeze(pdf_text(build_brief_pdf(JUNE, [brief], Edition(date(2025, 7, 10)))))
    assert "包联领导调度简报·2025年6月" in text and "测试领导甲（副县长）" in text
    # 1 deal, 10,000万元, started 1; 1 open problem, overdue: the row as section 八 prints it.
    assert (row["signed_count"], row["signed_amount_yuan"], row["started_count"]) == (1, 100_000_000, 1)
    assert "10,000" in text and "10,000.00" not in text
    assert "甲项目施工用电线路迁改未完成" in text and "督办中（超期30天）" in text
    assert "3级（自动）" in text  # 30 days overdue: 3级 by itself (default M = 30)


def test_brief_lists_stages_changes_waiting_deals_and_applications(county, make):
    chief = county["leader"]
    make.deal(
        "六月新签约",
        stage="已签约",
        amount=30_000_000,
        leader_id=chief.id,
        lead_on=date(2025, 5, 2),
        dates={"在谈": date(2025, 5, 20), "已签约": date(2025, 6, 18)},
    )
    make.fund_application(
        "包联专项债",
        year=2025,
        leader_id=chief.id,
        requested=20_000_000,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 5, 1))],
        ledger=[("下达", date(2025, 5, 1), 15_000_000), ("拨付", date(2025, 7, 1), 5_000_000)],
    )
    db.session.commit()
    brief = leader_brief_data(JUNE, chief)
    stages = {s["stage"]: s["count"] for s in brief["stages"]}
    assert stages["已开工"] == 1 and stages["已签约"] == 1
    assert [(c["deal"], c["from"], c["to"], c["on"]) for c in brief["stage_changes"]] == [
        ("六月新签约", "在谈", "已签约", "2025-06-18")
    ]
    assert [d["name"] for d in brief["signed_not_started"]] == ["六月新签约"]
    # Money as of 30 June: the July 拨付 is not yet there.
    assert [(a["title"], a["approved_yuan"], a["disbursed_yuan"]) for a in brief["applications"]] == [
        ("包联专项债", 15_000_000, 0)
    ]
    text = squeeze(pdf_text(build_brief_pdf(JUNE, [brief], Edition(date(2025, 7, 10)))))
    assert "六月新签约" in text and "在谈→已签约" in text and "包联专项债" in text and "1,500" in text


def test_cli_writes_one_pdf_per_leader_and_one_for_all(runner, county, make, tmp_path):
    make.leader("测试领导乙")
    db.session.commit()
    result = runner.invoke(args=["report", "leaders", "--month", "2025-06", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "包联领导调度简报_2025-06_测试领导甲.pdf",
            "包联领导调度简报_2025-06_测试领导乙.pdf",
            "包联领导调度简报_2025-06_全部领导.pdf",
        ]
    )
    all_pages = pdf_text((tmp_path / "包联领导调度简报_2025-06_全部领导.pdf").read_bytes()).split("\f")
    assert "测试领导甲" in all_pages[0] and "测试领导乙" in all_pages[1]
    bad = runner.invoke(args=["report", "leaders", "--month", "2099-01", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "还未到" in bad.output


def test_download_on_the_leader_page(client, login, make, county):
    chief = county["leader"]
    other = make.leader("别的领导")
    leader_user = make.user("leader", leader=chief)
    db.session.commit()
    login(leader_user)
    page = client.get(f"/portfolios/leaders/{chief.id}").get_data(as_text=True)
    assert f"/portfolios/leaders/{chief.id}/brief.pdf" in page
    response = client.get(f"/portfolios/leaders/{chief.id}/brief.pdf?month=2025-06")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "测试领导甲" in pdf_text(response.data)
    assert client.get(f"/portfolios/leaders/{other.id}/brief.pdf").status_code == 404
    # A bad month falls back to the last complete one, never a 500.
    assert client.get(f"/portfolios/leaders/{chief.id}/brief.pdf?month=abc").status_code == 200
    # All leaders' briefs are county-wide like the monthly report, which leaders may read; units may not.
    assert client.get("/portfolios/leaders/brief.pdf?month=2025-06").status_code == 200
    client.post("/logout")
    login(make.user("unit", unit=county["bagong"]))
    assert client.get("/portfolios/leaders/brief.pdf").status_code == 403
    assert client.get(f"/portfolios/leaders/{chief.id}/brief.pdf").status_code == 403
