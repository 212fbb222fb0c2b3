"""One clock: "today" is the local day of TIME_ZONE (Asia/Shanghai), not the server's UTC date."""

from datetime import UTC, date, datetime

import pytest

from app.core import dates
from app.core.errors import InputError
from app.core.filters import format_date

# 2026-12-04 23:30 UTC is 2026-12-05 07:30 in Beijing.
LATE_UTC = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


@pytest.fixture
def beijing_morning(app, monkeypatch):
    monkeypatch.setattr(dates, "_clock", lambda: LATE_UTC)
    monkeypatch.setitem(app.config, "CRM_TODAY", None)
    monkeypatch.setitem(app.config, "TIME_ZONE", "Asia/Shanghai")


def test_today_is_the_beijing_day_at_0730(beijing_morning):
    assert dates.today() == date(2026, 12, 5)
    assert dates.local_now().strftime("%H:%M") == "07:30"
    assert dates.utcnow() == datetime(2026, 12, 4, 23, 30)


def test_stored_utc_times_show_in_beijing_time(beijing_morning):
    assert format_date(dates.utcnow()) == "2026-12-05 07:30"


def test_other_zone_moves_the_day(app, beijing_morning, monkeypatch):
    monkeypatch.setitem(app.config, "TIME_ZONE", "UTC")
    assert dates.today() == date(2026, 12, 4)


def test_crm_today_still_pins(app, beijing_morning, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_TODAY", "2025-06-30")
    assert dates.today() == date(2025, 6, 30)


def test_signing_today_is_accepted_at_0730_beijing(beijing_morning, make):
    from app.deals.services import move_deal_to_stage

    deal = make.deal(stage="在谈")
    change = move_deal_to_stage(deal, "已签约", effective_on=date(2026, 12, 5))
    assert change.effective_on == date(2026, 12, 5) and deal.signed_on == date(2026, 12, 5)
    with pytest.raises(InputError):  # tomorrow in Beijing is still the future
        move_deal_to_stage(deal, "已注册", effective_on=date(2026, 12, 6))


def test_form_date_of_today_is_not_future(beijing_morning, client, login, make):
    user = make.user("admin")
    from app.extensions import db

    db.session.commit()
    login(user)
    deal = make.deal(stage="在谈")
    db.session.commit()
    response = client.post(f"/deals/{deal.id}/stage", data={"to_stage": "已签约", "effective_on": "2026-12-05"})
    assert response.status_code == 302, response.data.decode()[:2000]
    db.session.refresh(deal)
    assert deal.signed_on == date(2026, 12, 5)


def test_new_form_defaults_to_the_local_day(beijing_morning, client, login, make):
    from app.extensions import db

    user = make.user("admin")
    make.channel()
    db.session.commit()
    login(user)
    page = client.get("/funds/new").data.decode()
    assert 'value="2026-12-05"' in page


def test_issued_report_date_matches_its_stamp(beijing_morning, make, seeded):
    from app.reports.figures import ReportMonth
    from app.reports.services import issue_report

    report = issue_report(ReportMonth.parse("2026-11"), actor=make.user("taskforce"))
    assert report.issued_on == date(2026, 12, 5)
    assert format_date(report.issued_at) == "2026-12-05 07:30"
