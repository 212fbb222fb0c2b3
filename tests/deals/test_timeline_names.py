"""The deal page's 项目动态 names who recorded each event the way people know them."""

import sqlalchemy as sa

from app.deals.models import Deal
from app.extensions import db


def test_deal_timeline_shows_the_users_name_not_the_login(client, login, make, seeded):
    clerk = make.user("investment", username="touzu")
    clerk.display_name = "投促中心"
    db.session.commit()
    login(clerk)
    response = client.post(
        "/deals/new",
        data={"name": "QA光伏组件项目", "lead_on": "2025-03-01", "contract_amount_yuan": "1.5亿", "is_counted": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deal = db.session.scalars(sa.select(Deal)).one()
    client.post(
        f"/deals/{deal.id}/negotiations/new", data={"held_on": "2025-03-05", "kind": "来访", "content": "来访洽谈"}
    )
    client.post(
        f"/deals/{deal.id}/edit",
        data={
            "name": "QA光伏组件项目（一期）",
            "lead_on": "2025-03-01",
            "contract_amount_yuan": "1.5亿",
            "is_counted": "y",
        },
    )
    body = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    timeline = body[body.index("项目动态") :]
    assert timeline.count("投促中心 记录于") >= 3  # the 线索 row, the negotiation, the edit
    assert "touzu" not in timeline
