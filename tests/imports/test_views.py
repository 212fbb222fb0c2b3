"""The import pages: upload → preview → commit → batch page → undo; failed rows; permissions; bad input."""

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app.deals.models import Deal
from app.extensions import db
from app.imports.models import ImportBatch
from app.people.models import Leader
from tests.imports.ledgers import diff, ledger, snapshot

HEADERS = ["项目名称", "投资方", "签约金额（万元）", "当前阶段", "签约日期", "开工日期", "所在乡镇", "包联领导"]
GOOD = [
    ["算力中心项目", "北辰数据科技有限公司", 12000, "已签约", "2025-03-01", None, "巴公", "裴书宁"],
    ["综合物流园项目", "汇通物流有限公司", "1.2亿", "开工", "2025-02-01", "2025-04-01", "金村镇", None],
]


def upload(client, content: bytes, kind: str = "deals", filename: str = "台账.xlsx"):
    return client.post(
        "/imports/preview",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def officer(client, login, make, seeded):
    user = make.user("investment")
    db.session.commit()
    login(user)
    return user


def test_upload_preview_commit_and_undo(client, officer):
    page = client.get("/imports/").data.decode()
    assert "上传 Excel 台账" in page and "/imports/template/deals.xlsx" in page
    before = snapshot()
    content = ledger(HEADERS, GOOD)
    response = upload(client, content)
    assert response.status_code == 302
    token = response.location.rsplit("/", 1)[-1]
    preview = client.get(f"/imports/preview/{token}").data.decode()
    assert "新建 2" in preview and "错误 0" in preview
    assert "第 3 行" in preview and "算力中心项目" in preview
    assert "以下县级领导在系统中不存在" in preview and 'value="裴书宁"' in preview
    assert diff(before, snapshot()) == []  # the preview wrote nothing but its pending batch

    committed = client.post(f"/imports/preview/{token}/commit", data={"leaders": ["裴书宁"]})
    assert committed.status_code == 302
    batch = db.session.scalar(sa.select(ImportBatch))
    assert committed.location.endswith(f"/imports/batches/{batch.id}")
    assert batch.status == "committed" and batch.user_id == officer.id and batch.created_leaders == "裴书宁"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 2
    detail = client.get(f"/imports/batches/{batch.id}").data.decode()
    assert "已导入" in detail and "新建 2 行" in detail and ">算力中心项目</a>" in detail
    history = client.get("/imports/").data.decode()
    assert f"#{batch.id}" in history and "台账.xlsx" in history
    assert client.get(f"/imports/batches/{batch.id}/file").data == content
    # The token is used up: committing again is refused.
    assert client.post(f"/imports/preview/{token}/commit").status_code == 404

    undone = client.post(f"/imports/batches/{batch.id}/undo", follow_redirects=True).data.decode()
    assert "已撤销导入批次" in undone
    assert diff(before, snapshot()) == []
    assert db.session.scalar(sa.select(Leader).where(Leader.name == "裴书宁")) is None


def test_errors_are_shown_and_failed_rows_download(client, officer):
    rows = [list(r) for r in GOOD] + [["危废处置项目", "某环保公司", "五千", "签约", "2025-13-40", None, "巴公", None]]
    token = upload(client, ledger(HEADERS, rows)).location.rsplit("/", 1)[-1]
    preview = client.get(f"/imports/preview/{token}").data.decode()
    assert "错误 1" in preview and "有错误，不能导入" in preview
    assert re.search(r"第 5 行.*?C列.*?签约金额（万元）.*?签约金额“五千”不是数字", preview, re.S)
    assert "签约日期“2025-13-40”" in preview
    only_errors = client.get(f"/imports/preview/{token}?outcome=error").data.decode()
    assert "危废处置项目" in only_errors and "算力中心项目" not in only_errors
    download = client.get(f"/imports/preview/{token}/errors.xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][-2:] == ["原行号", "错误说明"]
    assert len(values) == 2 and values[1][0] == "危废处置项目" and values[1][-2] == 5
    assert "C列“签约金额（万元）”：签约金额“五千”不是数字" in values[1][-1]
    before = snapshot()
    refused = client.post(
        f"/imports/preview/{token}/commit", data={"leaders": "裴书宁"}, follow_redirects=True
    ).data.decode()
    assert "有1行存在错误，未导入任何数据" in refused
    assert diff(before, snapshot()) == []


def test_unchecked_leader_makes_the_commit_fail_without_writing(client, officer):
    token = upload(client, ledger(HEADERS, GOOD)).location.rsplit("/", 1)[-1]
    before = snapshot()
    page = client.post(f"/imports/preview/{token}/commit", data={}, follow_redirects=True).data.decode()
    assert "未导入任何数据" in page and "县级领导“裴书宁”不存在（未勾选导入时新建）" in page
    assert diff(before, snapshot()) == []
    assert db.session.scalar(sa.select(ImportBatch.status)) == "preview"


def test_bad_uploads_and_urls_never_500(client, officer):
    response = upload(client, b"a,b\n1,2", filename="台账.csv")
    assert response.status_code == 200 and "只能导入 Excel 文件" in response.data.decode()
    response = upload(client, b"garbage", filename="台账.xlsx")
    assert response.status_code == 200 and "无法读取该文件" in response.data.decode()
    response = upload(client, ledger(["名称", "金额"], [["x", 1]]))
    assert response.status_code == 200 and "未找到表头" in response.data.decode()
    response = client.post("/imports/preview", data={"kind": "deals"}, content_type="multipart/form-data")
    assert response.status_code == 200 and "请选择要导入的 Excel 文件" in response.data.decode()
    token = upload(client, ledger(HEADERS, GOOD)).location.rsplit("/", 1)[-1]
    assert client.get(f"/imports/preview/{token}?page=abc&outcome=nonsense").status_code == 200
    assert client.get(f"/imports/preview/{token}?page=999").status_code == 200
    assert client.get("/imports/preview/no-such-token").status_code == 404
    assert client.get("/imports/template/nonsense.xlsx").status_code == 404
    assert client.get("/imports/batches/999").status_code == 404
    assert client.get("/imports/?page=abc").status_code == 200
    template = client.get("/imports/template/funds.xlsx")
    assert template.status_code == 200 and template.mimetype.endswith("spreadsheetml.sheet")


def test_kinds_follow_the_users_edit_rights(client, login, make, seeded):
    finance = make.user("finance")
    db.session.commit()
    login(finance)
    page = client.get("/imports/").data.decode()
    assert 'value="funds"' in page and 'value="projects"' in page and 'value="deals"' not in page
    response = upload(client, ledger(HEADERS, GOOD), kind="deals")
    assert response.status_code == 200 and "请选择您可以导入的台账类型" in response.data.decode()


def test_read_only_and_scoped_roles_are_refused(client, login, make, seeded):
    unit_user = make.user("unit")
    db.session.commit()
    login(unit_user)
    assert client.get("/imports/").status_code == 403
    assert upload(client, ledger(HEADERS, GOOD)).status_code == 403


def test_a_preview_belongs_to_its_uploader(client, login, make, seeded):
    first, second = make.user("investment"), make.user("taskforce")
    db.session.commit()
    login(first)
    token = upload(client, ledger(HEADERS, GOOD)).location.rsplit("/", 1)[-1]
    client.post("/logout")
    login(second)
    assert client.get(f"/imports/preview/{token}").status_code == 404
    assert client.post(f"/imports/preview/{token}/commit").status_code == 404
