"""The problem list keeps dates, leaders, levels and status badges on one line (2026-08-\\n06 read badly)."""

import re
from datetime import date

from app.extensions import db


def test_dates_and_badges_do_not_wrap(client, login, make, seeded):
    login(make.user("taskforce"))
    make.problem(found_on=date(2025, 3, 1), deadline_on=date(2025, 3, 20), leader_id=make.leader("甲领导").id)
    db.session.commit()
    body = client.get("/problems/").get_data(as_text=True)
    row = re.search(r'<tr class="[^"]*">\s*<td><a href="/problems/\d+">.*?</tr>', body, re.S).group(0)
    cells = re.findall(r'<td class="([^"]*)"[^>]*>(.*?)</td>', row, re.S)
    wrapped = [
        text.strip()[:20]
        for css, text in cells
        if re.search(r"\d{4}-\d\d-\d\d|甲领导|级|badge", text) and "text-nowrap" not in css
    ]
    assert wrapped == []
    assert 'data-testid="found-on">2025-03-01<' in row
