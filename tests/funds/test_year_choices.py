"""The year dropdown always offers the year being shown, so the page never claims a different year."""

import re

import pytest

from app.extensions import db


def selected_year(html: str, select_id: str) -> str:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="(\d+)" selected>', select).group(1)


@pytest.fixture
def finance(client, login, make, seeded):
    login(make.user("finance"))
    db.session.commit()


def test_channel_summary_of_an_old_year_selects_that_year(client, finance):
    html = client.get("/funds/summary?year=2023").get_data(as_text=True)
    assert "统计口径：2023年批次" in html
    assert selected_year(html, "s-year") == "2023"


def test_application_list_of_an_old_year_selects_that_year(client, finance):
    html = client.get("/funds/?year=2023").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert '<option value="2023" selected>' in select
