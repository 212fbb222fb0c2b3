"""A 200-character deal name must not squeeze the other columns to one character: lists shorten it."""

import re

from app.extensions import db

LONG = "泽州县" + "新材料" * 65  # 198 characters, what a ledger paste can hold


def test_long_names_are_shortened_in_lists_with_the_full_name_on_hover(client, login, make, seeded):
    login(make.user("investment"))
    make.deal(LONG, industry=make.industry("节能环保"), leader=make.leader("程立新"))
    db.session.commit()
    for url in ("/deals/", "/deals/board"):
        body = client.get(url).get_data(as_text=True)
        assert f'title="{LONG}"' in body, url
        shown = re.search(rf'title="{LONG}">([^<]*)<', body).group(1)
        assert shown.endswith("…") and len(shown) <= 41, url
    body = client.get("/deals/").get_data(as_text=True)
    assert '<td class="small text-nowrap">节能环保</td>' in body
    assert '<td class="small text-nowrap">程立新</td>' in body
