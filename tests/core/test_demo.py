import sqlalchemy as sa

from app.deals.models import Deal
from app.extensions import db


def test_demo_loads_once_and_covers_every_stage(runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    stages = set(db.session.scalars(sa.select(Deal.stage).distinct()))
    assert {"线索", "在谈", "已签约", "已开工", "已投产", "终止"} <= stages
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 150
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0 and "空数据库" in refused.output
