"""Attachments: upload, type and size refusal, scoped download, inline preview, soft delete audited."""

import io
from datetime import date

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.records import filetypes
from app.records.models import Attachment
from app.records.storage import LocalStore, S3Store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _deal_for_unit(make, unit):
    deal = make.deal(lead_unit_id=unit.id)
    db.session.commit()
    return deal


def _upload(client, record_type, record_id, name, data):
    return client.post(
        f"/records/{record_type}/{record_id}/attachments",
        data={"files": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_unit_uploads_pdf_and_downloads_it_inline(client, login, make):
    unit = make.unit("巴公镇")
    user = make.user("unit", unit=unit)
    deal = _deal_for_unit(make, unit)
    login(user)
    response = _upload(client, "deals", deal.id, "投资协议.pdf", PDF)
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.filename, attachment.content_type, attachment.size_bytes) == (
        "投资协议.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.uploaded_by_id == user.id
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "投资协议.pdf" in page
    inline = client.get(f"/records/attachments/{attachment.id}?inline=1")
    assert inline.status_code == 200 and inline.data == PDF
    assert inline.headers["Content-Type"] == "application/pdf"
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    plain = client.get(f"/records/attachments/{attachment.id}")
    assert plain.headers["Content-Disposition"].startswith("attachment;")
    created = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "attachments")).all()
    assert [e.action for e in created] == ["create"] and created[0].user_id == user.id
    # The upload shows in the deal's audit history, named by the record it belongs to.
    history = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "所属记录：招商项目" in history and "文件名：投资协议.pdf" in history


def test_type_is_judged_by_content_not_name(client, login, make):
    login(make.user("admin"))
    deal = make.deal()
    db.session.commit()
    response = _upload(client, "deals", deal.id, "合同.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    flashed = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "附件“合同.pdf”的内容不是允许的类型" in flashed
    # An image named .pdf is stored as what it is.
    _upload(client, "deals", deal.id, "照片.pdf", PNG)
    assert db.session.scalar(sa.select(Attachment.content_type)) == "image/png"


def test_size_limit_is_refused_with_a_message(app, client, login, make):
    login(make.user("admin"))
    deal = make.deal()
    db.session.commit()
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    try:
        _upload(client, "deals", deal.id, "大文件.pdf", PDF + b"0" * 2048)
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert "超过大小上限" in client.get(f"/deals/{deal.id}").get_data(as_text=True)


def test_other_unit_cannot_download_by_id(client, login, make):
    own, other = make.unit("巴公镇"), make.unit("大阳镇")
    owner = make.user("unit", unit=own)
    stranger = make.user("unit", unit=other)
    deal = _deal_for_unit(make, own)
    login(owner)
    _upload(client, "deals", deal.id, "营业执照.png", PNG)
    attachment_id = db.session.scalar(sa.select(Attachment.id))
    client.post("/logout")
    login(stranger)
    assert client.get(f"/records/attachments/{attachment_id}").status_code == 404
    assert _upload(client, "deals", deal.id, "x.pdf", PDF).status_code == 404
    assert client.post(f"/records/attachments/{attachment_id}/delete", data={"reason": "x"}).status_code == 404


def test_leader_reads_but_cannot_attach(client, login, make):
    boss = make.leader("王县长")
    deal = make.deal(leader_id=boss.id)
    db.session.commit()
    login(make.user("leader", leader=boss))
    assert _upload(client, "deals", deal.id, "x.pdf", PDF).status_code == 403


def test_soft_delete_needs_reason_and_is_audited(client, login, make):
    admin = make.user("admin")
    login(admin)
    deal = make.deal()
    db.session.commit()
    _upload(client, "deals", deal.id, "批复.pdf", PDF)
    attachment = db.session.scalar(sa.select(Attachment))
    client.post(f"/records/attachments/{attachment.id}/delete", data={"reason": ""})
    db.session.refresh(attachment)
    assert attachment.deleted_at is None
    client.post(f"/records/attachments/{attachment.id}/delete", data={"reason": "传错文件"})
    db.session.refresh(attachment)
    assert attachment.deleted_at is not None and attachment.delete_reason == "传错文件"
    assert attachment.deleted_by_id == admin.id
    assert client.get(f"/records/attachments/{attachment.id}").status_code == 404
    fields = {
        e.field: e.new_value
        for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == "attachments", AuditEntry.action == "update")
        )
    }
    assert fields["delete_reason"] == "传错文件"


def test_same_content_is_stored_once(tmp_path):
    store = LocalStore(tmp_path)
    store.put("ab" * 32, b"one")
    store.put("ab" * 32, b"one")
    assert store.get("ab" * 32) == b"one"
    assert len(list(tmp_path.rglob("*"))) == 3  # two folders and one file


def test_s3_store_uses_bucket_and_prefix():
    class FakeClient:
        def __init__(self):
            self.objects = {}

        def put_object(self, *, Bucket, Key, Body):
            self.objects[(Bucket, Key)] = Body

        def get_object(self, *, Bucket, Key):
            if (Bucket, Key) not in self.objects:
                raise KeyError("NoSuchKey")
            return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}

    client = FakeClient()
    store = S3Store("crm", prefix="attachments/", client=client)
    store.put("cd" * 32, b"data")
    assert ("crm", "attachments/" + "cd" * 32) in client.objects
    assert store.get("cd" * 32) == b"data"
    assert store.get("ef" * 32) is None


def test_office_and_wps_files_are_recognised():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    assert filetypes.detect(buffer.getvalue()) is filetypes.DOCX
    assert filetypes.detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) is filetypes.OLE
    assert filetypes.detect(b"PK\x03\x04 not a zip") is None
    assert filetypes.detect(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is filetypes.WEBP


def test_ledger_entry_file_from_the_ledger_form(client, login, make):
    login(make.user("finance"))
    application = make.fund_application(steps=[("已申报", date(2025, 3, 1))])
    db.session.commit()
    response = client.post(
        f"/funds/{application.id}/ledger/new",
        content_type="multipart/form-data",
        data={
            "kind": "下达",
            "entry_on": "2025-04-01",
            "amount_yuan": "500",
            "sync_status": "",
            "files": (io.BytesIO(PDF), "下达文件.pdf"),
        },
    )
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.record_type == "fund_ledger_entries"
    page = client.get(f"/funds/{application.id}").get_data(as_text=True)
    assert "下达文件.pdf" in page and "资金台账 2025-04-01 下达" in page


def test_other_unit_cannot_reach_an_applications_file(client, login, make):
    own, other = make.unit("巴公镇"), make.unit("大阳镇")
    application = make.fund_application(applicant_unit_id=own.id)
    owner = make.user("unit", unit=own)
    db.session.commit()
    login(owner)
    _upload(client, "fund_applications", application.id, "批复.pdf", PDF)
    attachment_id = db.session.scalar(sa.select(Attachment.id))
    client.post("/logout")
    login(make.user("unit", unit=other))
    db.session.commit()
    assert client.get(f"/records/attachments/{attachment_id}").status_code == 404


def test_township_reads_but_cannot_delete_a_departments_problem_file(client, login, make):
    township, department = make.unit("巴公镇"), make.unit("县自然资源局", kind="县直部门")
    project = make.project(township_id=township.id)
    problem = make.problem(project=project, unit_id=department.id)
    db.session.commit()
    login(make.user("taskforce"))
    _upload(client, "problems", problem.id, "现场照片.png", PNG)
    attachment_id = db.session.scalar(sa.select(Attachment.id))
    client.post("/logout")
    login(make.user("unit", unit=township))
    db.session.commit()
    assert client.get(f"/records/attachments/{attachment_id}").status_code == 200
    assert client.post(f"/records/attachments/{attachment_id}/delete", data={"reason": "x"}).status_code == 403
    assert _upload(client, "problems", problem.id, "x.pdf", PDF).status_code == 403


def test_investor_files(client, login, make):
    from app.deals.services import create_investor

    investor = create_investor({"name": "晋城测试投资有限公司"})
    db.session.commit()
    login(make.user("investment"))
    _upload(client, "investors", investor.id, "营业执照.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    assert "营业执照.jpg" in client.get(f"/deals/investors/{investor.id}").get_data(as_text=True)
