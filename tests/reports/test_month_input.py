"""The report month is typed (如 2025-06), not a native month picker that reads “October 2026”."""

import re

from app.extensions import db


def test_month_is_a_typed_field_and_accepts_chinese_months(client, login, make, county):
    login(make.user("taskforce"))
    db.session.commit()
    html = client.get("/reports/?month=2025年6月").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="month"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'placeholder="如 2025-06"' in field and 'value="2025-06"' in field
    assert 'type="month"' not in html
    assert "数据截至 2025-06-30" in html
