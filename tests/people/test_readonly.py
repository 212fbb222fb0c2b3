"""Roles that may only read reference data see it without save buttons or empty forms."""

import pytest

from app.people.services import save_target


@pytest.fixture
def rows(make):
    unit = make.unit("巴公镇")
    target = save_target(None, year=2025, metric="signed_amount", unit_id=None, text="180亿")
    return unit, target


@pytest.mark.parametrize("role", ["investment", "finance"])
def test_readers_see_reference_rows_without_save(client, login, make, rows, role):
    unit, target = rows
    login(make.user(role))
    for url in (f"/admin/reference/units/{unit.id}", f"/admin/reference/targets/{target.id}"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "您的账号只能查看，不能修改。" in body
        assert "保存</button>" not in body
        assert 'name="csrf_token"' not in body.split('action="/logout"')[0]  # no form to post
        assert "disabled" in body
    listing = client.get("/admin/reference/targets/").get_data(as_text=True)
    assert ">查看</a>" in listing and ">编辑</a>" not in listing and "新增目标" not in listing


@pytest.mark.parametrize("url", ["/admin/reference/units/new", "/admin/reference/targets/new"])
def test_readers_cannot_open_an_empty_form(client, login, make, url):
    login(make.user("investment"))
    assert client.get(url).status_code == 403


def test_editors_still_get_the_form(client, login, make, rows):
    unit, target = rows
    login(make.user("taskforce"))
    for url in (
        f"/admin/reference/units/{unit.id}",
        f"/admin/reference/targets/{target.id}",
        "/admin/reference/units/new",
        "/admin/reference/targets/new",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "保存</button>" in body and "只能查看" not in body
    assert ">编辑</a>" in client.get("/admin/reference/targets/").get_data(as_text=True)
