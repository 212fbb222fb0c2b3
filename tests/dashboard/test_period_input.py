"""The cockpit's 截至日期 is typed like every other date (a native picker reads in the browser's language)."""

import re

from app.extensions import db


def test_as_of_is_a_typed_date_with_a_chinese_hint(client, login, make):
    login(make.user("taskforce"))
    db.session.commit()
    html = client.get("/dashboard?year=2025&as_of=2025-06-30").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="as_of"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'placeholder="如 2025-06-30"' in field and 'value="2025-06-30"' in field
    assert 'type="date"' not in html


def test_as_of_accepts_the_ways_officials_type_dates(client, login, make):
    login(make.user("taskforce"))
    db.session.commit()
    for typed in ("2025/6/30", "2025.6.30", "2025年6月30日"):
        html = client.get("/dashboard", query_string={"year": "2025", "as_of": typed}).get_data(as_text=True)
        assert "截至 2025-06-30" in html, typed
