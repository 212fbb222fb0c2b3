"""Default reference data from the 2025 plan (泽政办发〔2025〕10号). Idempotent by name."""

import sqlalchemy as sa

from app.core.models import get_setting, set_setting
from app.extensions import db
from app.people.models import FundChannel, Industry, Target, Unit

TOWNSHIPS = [
    "南村镇",
    "下村镇",
    "大东沟镇",
    "周村镇",
    "犁川镇",
    "晋庙铺镇",
    "金村镇",
    "高都镇",
    "巴公镇",
    "大阳镇",
    "山河镇",
    "柳树口镇",
    "北义城镇",
    "大箕镇",
    "李寨乡",
    "川底乡",
    "南岭乡",
]
DEPARTMENTS = [
    "县发展改革和科技局",
    "县财政局",
    "县投资促进中心",
    "县工业和信息化局",
    "县住房和城乡建设管理局",
    "县行政审批服务管理局",
    "县自然资源局",
    "县能源局",
    "县交通运输局",
    "县水务局",
    "县统计局",
    "县农业农村局",
    "县文化和旅游局",
    "县教育局",
    "县卫生健康和体育局",
    "县人力资源和社会保障局",
    "县市场监督管理局",
    "县公安局",
    "县人民政府办公室",
    "市生态环境局泽州分局",
]
ENTERPRISES = ["县市政集团有限公司", "丹河集团", "国网泽州县供电公司"]
DEPARTMENT_SHORT = {
    "县发展改革和科技局": "发改科技局",
    "县投资促进中心": "投促中心",
    "县工业和信息化局": "工信局",
    "县住房和城乡建设管理局": "住建局",
    "县行政审批服务管理局": "行政审批局",
    "县人力资源和社会保障局": "人社局",
    "县卫生健康和体育局": "卫体局",
    "市生态环境局泽州分局": "生态环境分局",
    "县市场监督管理局": "市场监管局",
    "县人民政府办公室": "县政府办",
    "县市政集团有限公司": "市政集团",
    "国网泽州县供电公司": "供电公司",
}
CHANNELS = [
    ("中央预算内投资", "中央预算内", False),
    ("超长期特别国债（“两重”）", "两重", True),
    ("超长期特别国债（“两新”）", "两新", True),
    ("地方政府专项债券", "专项债", True),
    ("省级预算内投资及前期费", "省预算内", False),
    ("其他竞争性奖补资金", "竞争性奖补", False),
]
INDUSTRIES = [
    "新材料",
    "高端装备制造",
    "新能源",
    "数字经济",
    "文旅康养",
    "现代农业",
    "现代物流",
    "节能环保",
    "生物医药",
    "基础设施",
    "社会民生",
    "其他",
]
YI = 100_000_000
TARGETS_2025 = {
    "signed_amount": 180 * YI,
    "same_year_start_rate": 4000,  # basis points: 40%
    "fixed_asset_investment": 1584 * YI // 10,
    "project_count": 398,
    "annual_plan_investment": 170 * YI,
    "key_project_count": 69,
    "key_project_plan_investment": 117 * YI,
    "reserve_total": 1000 * YI,
}
# Alert thresholds (DOMAIN.md §5), editable by admins.
DEFAULT_SETTINGS = {
    "alert.signed_not_started_days": "90",
    "alert.year_end_risk_month": "10",
    "alert.stale_days": "30",
    "alert.fund_deadline_days": "7",
    "alert.problem_deadline_days": "3",
    "alert.progress_yellow_points": "10",
    "alert.progress_red_points": "30",
}


def _upsert(model, name: str, **values) -> bool:
    row = db.session.scalar(sa.select(model).where(model.name == name))
    if row is None:
        db.session.add(model(name=name, **values))
        return True
    return False


def seed_reference_data() -> dict[str, int]:
    """Insert missing default rows; never duplicates, never overwrites edits. Returns counts added."""
    added = {"units": 0, "channels": 0, "industries": 0, "targets": 0, "settings": 0}
    order = 0
    for kind, names in (("乡镇", TOWNSHIPS), ("县直部门", DEPARTMENTS), ("国有企业", ENTERPRISES)):
        for name in names:
            order += 10
            short = DEPARTMENT_SHORT.get(name) or (name[:-1] if kind == "乡镇" else None)
            added["units"] += _upsert(Unit, name, kind=kind, short_name=short, sort_order=order)
    for index, (name, short, is_bond) in enumerate(CHANNELS):
        added["channels"] += _upsert(FundChannel, name, short_name=short, is_bond=is_bond, sort_order=index * 10)
    for index, name in enumerate(INDUSTRIES):
        added["industries"] += _upsert(Industry, name, sort_order=index * 10)
    db.session.flush()
    for metric, value in TARGETS_2025.items():
        exists = db.session.scalar(
            sa.select(Target).where(Target.year == 2025, Target.metric == metric, Target.unit_id.is_(None))
        )
        if exists is None:
            db.session.add(Target(year=2025, metric=metric, value=value))
            added["targets"] += 1
    for key, value in DEFAULT_SETTINGS.items():
        if get_setting(key) is None:
            set_setting(key, value)
            added["settings"] += 1
    db.session.flush()
    return added
