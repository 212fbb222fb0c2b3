"""What a screen reader reads on deal pages is Chinese too: no aria-label="breadcrumb"."""

import re

from app.deals.services import create_investor
from app.extensions import db


def test_deal_and_investor_pages_label_their_breadcrumbs_in_chinese(client, login, make, seeded):
    login(make.user("investment"))
    investor = create_investor({"name": "泽州华晟新材料有限公司"})
    deal = make.deal("巴公新材料项目", investor=investor)
    db.session.commit()
    for url in (
        f"/deals/{deal.id}",
        f"/deals/{deal.id}/edit",
        f"/deals/{deal.id}/stage",
        f"/deals/investors/{investor.id}",
        f"/deals/investors/{investor.id}/edit",
    ):
        body = client.get(url).get_data(as_text=True)
        labels = re.findall(r'aria-label="([^"]*)"', body)
        assert 'aria-label="当前位置"' in body, url
        assert not [label for label in labels if re.search(r"[A-Za-z]", label)], (url, labels)
