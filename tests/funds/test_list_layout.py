"""Long application titles are shortened in the list (full title on hover); short cells do not wrap."""

import re

from app.extensions import db

LONG = "泽州县" + "城乡供水一体化提升改造" * 17


def test_long_titles_are_shortened_in_the_list(client, login, make, seeded):
    login(make.user("finance"))
    make.application(LONG, channel_obj=make.channel("中央预算内投资", is_bond=False, short_name="中央预算内"))
    db.session.commit()
    body = client.get("/funds/").get_data(as_text=True)
    shown = re.search(rf'title="{LONG}">([^<]*)<', body).group(1)
    assert shown.endswith("…") and len(shown) <= 41
    assert '<td class="small text-nowrap">中央预算内</td>' in body
