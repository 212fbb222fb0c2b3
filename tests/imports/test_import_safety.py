"""Imports under attack or haste: a double-clicked commit writes once, a bomb-sized sheet is refused unread."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from app.core.errors import InputError
from app.deals.models import Deal, Investor
from app.extensions import db
from app.imports import reader
from app.imports.models import ImportBatch
from tests.concurrent import post_together, signed_in_client
from tests.imports.ledgers import ledger
from tests.imports.test_views import HEADERS, upload

ROWS = [
    [f"并发导入项目{i}", f"并发投资方{i}有限公司", 1000 + i, "已签约", "2025-03-01", None, "巴公", None]
    for i in range(30)
]


def _signed_in_client(app, username):
    return signed_in_client(app, username)


def _post_together(app, username, urls):
    return post_together(app, username, [(url, {}) for url in urls])


@pytest.fixture
def importer(app, make, seeded):
    user = make.user("investment")
    db.session.commit()
    return user


def _preview(app, user) -> str:
    client = _signed_in_client(app, user.username)
    response = upload(client, ledger(HEADERS, ROWS))
    assert response.status_code == 302, response.data[:300]
    return response.location.rsplit("/", 1)[-1]


def _counts():
    db.session.rollback()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Deal)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Investor)),
        db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch).where(ImportBatch.status == "committed")),
    )


def test_two_simultaneous_commits_of_one_preview_write_one_batch(app, importer):
    token = _preview(app, importer)
    statuses = _post_together(app, importer.username, [f"/imports/preview/{token}/commit"] * 3)
    assert [status for status, _ in statuses] == [200] * 3
    messages = sorted(message for _, message in statuses)
    assert sum("导入完成" in m for m in messages) == 1, messages
    assert sum("未重复写入" in m for m in messages) == 2, messages
    assert _counts() == (len(ROWS), len(ROWS), 1)


def test_two_previews_of_one_ledger_committed_at_once_do_not_double_it(app, importer):
    tokens = [_preview(app, importer), _preview(app, importer)]
    statuses = _post_together(app, importer.username, [f"/imports/preview/{t}/commit" for t in tokens])
    assert [status for status, _ in statuses] == [200, 200], statuses
    assert all("导入完成" in message for _, message in statuses), statuses
    deals, investors, _batches = _counts()
    assert (deals, investors) == (len(ROWS), len(ROWS))  # the second found them and updated (or left) them


def _one_far_cell_xlsx(*, drop_dimension: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "项目名称"
    sheet["XFD1048576"] = 1
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    if not drop_dimension:
        return content
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<dimension ref="A1:XFD1048576"/>', b"")
            out.writestr(info.filename, data)
    return target.getvalue()


@pytest.mark.parametrize("drop_dimension", [False, True])
def test_a_cell_at_xfd1048576_is_refused_before_the_sheet_is_loaded(monkeypatch, drop_dimension):
    content = _one_far_cell_xlsx(drop_dimension=drop_dimension)
    assert len(content) < 10_000

    def must_not_load(*args, **kwargs):
        raise AssertionError("the sheet was loaded")

    monkeypatch.setattr(reader.pd, "read_excel", must_not_load)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError, match="过多"):
            reader.load_sheets(content, "炸弹.xlsx")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"refused in {time.perf_counter() - started:.3f} s, peak {peak / 1e6:.1f} MB")
    assert peak < 20_000_000


def test_row_limit_is_configurable_and_named_in_the_message(app):
    app.config["IMPORT_MAX_ROWS"] = 10
    try:
        content = ledger(
            HEADERS,
            ROWS + [[f"补充项目{i}", "某公司", 1, "已签约", "2025-03-01", None, "巴公", None] for i in range(30)],
        )
        with pytest.raises(InputError, match="上限10行"):
            reader.load_sheets(content, "大台账.xlsx")
    finally:
        app.config["IMPORT_MAX_ROWS"] = 50_000
    assert reader.load_sheets(ledger(HEADERS, ROWS), "台账.xlsx")


def test_the_upload_page_answers_the_bomb_with_a_message(client, login, importer):
    login(importer)
    response = upload(client, _one_far_cell_xlsx())
    assert response.status_code == 200 and "过多" in response.data.decode()


def test_an_amount_of_1e30_is_one_row_error_not_a_failed_preview(client, login, importer):
    login(importer)
    rows = [list(ROWS[0]), [*ROWS[1][:2], 1e30, *ROWS[1][3:]], [*ROWS[2][:2], "9" * 30, *ROWS[2][3:]]]
    response = upload(client, ledger(HEADERS, rows))
    assert response.status_code == 302
    page = client.get(response.location).data.decode()
    assert "错误 2" in page and "过大" in page
