"""Two people edit one record from forms opened at the same time: the second save is refused (409), nothing lost."""

import pytest

from app.deals.models import Deal
from app.extensions import db
from app.funds.models import FundApplication
from app.problems.models import Problem
from app.projects.models import Project
from tests.concurrent import signed_in_client
from tests.core.test_robustness import _Forms


def _opened_form(client, url: str) -> dict:
    parser = _Forms()
    parser.feed(client.get(url).data.decode())
    action, fields = next((a, f) for a, f in parser.forms if not a or a == url)
    assert "version" in fields, fields
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize(
    ("model", "url", "field"),
    [
        (Deal, "/deals/{id}/edit", "name"),
        (Project, "/projects/{id}/edit", "name"),
        (Problem, "/problems/{id}/edit", "description"),
        (FundApplication, "/funds/{id}/edit", "title"),
    ],
)
def test_second_save_from_a_stale_form_is_409_and_keeps_the_first(app, make, seeded, model, url, field):
    admin = make.user("admin")
    record = {Deal: make.deal, Project: make.project, Problem: make.problem, FundApplication: make.application}[model]()
    db.session.commit()
    url = url.format(id=record.id)
    first, second = signed_in_client(app, admin.username), signed_in_client(app, admin.username)
    form_a, form_b = _opened_form(first, url), _opened_form(second, url)

    saved = first.post(url, data={**form_a, field: "甲修改后的内容"})
    assert saved.status_code == 302, saved.data.decode()[:2000]
    stale = second.post(url, data={**form_b, field: "乙修改后的内容"})
    assert stale.status_code == 409
    page = stale.data.decode()
    assert "记录已被他人修改" in page and "甲修改后的内容" in page and "乙修改后的内容" in page
    db.session.expire_all()
    assert getattr(db.session.get(model, record.id), field) == "甲修改后的内容"

    # Reopened, the form carries the new version and saves.
    fresh = _opened_form(second, url)
    assert second.post(url, data={**fresh, field: "乙重新修改"}).status_code == 302
    db.session.expire_all()
    assert getattr(db.session.get(model, record.id), field) == "乙重新修改"


def test_a_stale_form_changing_another_field_restores_nothing(app, make, seeded):
    admin = make.user("admin")
    deal = make.deal(notes="原备注")
    db.session.commit()
    url = f"/deals/{deal.id}/edit"
    first, second = signed_in_client(app, admin.username), signed_in_client(app, admin.username)
    form_a, form_b = _opened_form(first, url), _opened_form(second, url)
    assert first.post(url, data={**form_a, "notes": "甲的新备注"}).status_code == 302
    assert second.post(url, data={**form_b, "name": "乙改了名称"}).status_code == 409
    db.session.expire_all()
    stored = db.session.get(Deal, deal.id)
    assert (stored.notes, stored.name) == ("甲的新备注", deal.name)


def test_a_stale_form_with_a_bogus_reference_still_gets_its_409_page(app, make, seeded):
    admin = make.user("admin")
    project = make.project()
    db.session.commit()
    url = f"/projects/{project.id}/edit"
    first, second = signed_in_client(app, admin.username), signed_in_client(app, admin.username)
    form_a, form_b = _opened_form(first, url), _opened_form(second, url)
    assert first.post(url, data={**form_a, "name": "甲改名"}).status_code == 302
    response = second.post(url, data={**form_b, "industry_id": "9" * 20})
    assert response.status_code == 409 and "9" * 20 in response.data.decode()
