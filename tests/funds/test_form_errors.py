"""The error summary above a form names each field once: 申请金额（万元）“abc”不是数字, not the label twice."""

import re

from app.extensions import db


def test_error_summary_does_not_repeat_the_label(client, login, make, seeded):
    login(make.user("finance"))
    channel = make.channel()
    db.session.commit()
    page = client.post(
        "/funds/new",
        data={
            "channel_id": channel.id,
            "year": 2025,
            "title": "专项债申报",
            "requested_yuan": "1.5亿x",
            "status": "已申报",
            "effective_on": "2025-13-01",
            "deadline_on": "明天",
        },
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    summary = re.search(r"请修改以下内容后再保存：(.*?)</ul>", body, re.S).group(1)
    items = [re.sub(r"\s+", "", item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert "申请金额（万元）“1.5亿x”不是数字" in items
    assert "登记日期“2025-13-01”不存在（2025年13月1日）" in items
    assert any(item.startswith("申报截止日期“明天”无法识别") for item in items)
    assert not any("：申请金额" in item or "：申报截止日期" in item for item in items)
