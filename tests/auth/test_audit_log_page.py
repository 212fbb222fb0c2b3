"""操作日志: who by name (with the login to filter by), short columns that do not wrap letter by letter."""

import re

from app.core.audit import audit_context
from app.extensions import db


def test_audit_log_names_the_user_and_keeps_the_login(client, login, make):
    admin = make.user("admin")
    clerk = make.user("investment", username="touzu")
    clerk.display_name = "投促中心"
    db.session.commit()
    with audit_context(source="web", user=clerk):
        make.unit("测试镇")
        db.session.commit()
    login(admin)
    body = client.get("/admin/audit?user=touzu").get_data(as_text=True)
    cells = re.findall(r'<td class="text-nowrap" data-testid="audit-who">(.*?)</td>', body, re.S)
    assert cells and all("投促中心" in c and "touzu" in c for c in cells)
    assert '<tr class="text-nowrap"><th>时间</th><th>用户</th><th>来源</th>' in body
