"""The one input gate: control characters refused everywhere, long numbers read as unreadable."""

import pytest

from app.extensions import db


@pytest.fixture
def admin(client, login, make, seeded):
    user = make.user("admin")
    db.session.commit()
    return login(user)


@pytest.mark.parametrize("url", ["/deals/?q=a%00b", "/projects/?q=%01", "/funds/?unit=%1b", "/deals/similar?name=%00"])
def test_control_characters_in_query_arguments_get_400(client, admin, url):
    response = client.get(url)
    assert response.status_code == 400 and "控制字符" in response.data.decode()


def test_nul_in_any_form_field_gets_400_and_writes_nothing(client, admin):
    from app.deals.models import Deal

    response = client.post("/deals/new", data={"name": "项目\x00名称", "stage": "线索"})
    assert response.status_code == 400 and "控制字符" in response.data.decode()
    assert db.session.scalar(db.select(db.func.count()).select_from(Deal)) == 0


def test_line_breaks_and_tabs_stay_allowed_in_forms(client, admin):
    response = client.post("/deals/new", data={"name": "项目\t名称\r\n第二行"})
    assert response.status_code != 400


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999999",
        "page=-99999999999999",
        "per_page=1" + "0" * 30,
        "unit_id=" + "9" * 25,
        "year=" + "9" * 30,
    ],
)
def test_huge_numbers_in_query_arguments_count_as_unreadable(client, admin, query):
    for url in ("/deals/", "/projects/", "/funds/", "/problems/", "/deals/investors/", "/imports/", "/admin/audit"):
        assert client.get(f"{url}?{query}").status_code == 200, f"{url}?{query}"


def test_a_phone_number_can_still_be_searched(client, admin):
    from flask import request

    with client.application.test_request_context("/deals/?q=13812345678&page=13812345678"):
        assert request.args.get("q") == "13812345678" and request.args.get("page", 1) == 1


def test_far_dates_in_the_dashboard_are_a_message_not_a_500(client, admin):
    response = client.get("/dashboard?as_of=0001-01-01")
    assert response.status_code in (200, 400) and "超出范围" in response.data.decode()
