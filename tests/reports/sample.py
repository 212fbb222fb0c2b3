"""A figures dict shaped exactly as docs/metrics_contract.md documents, with hand-picked values.

Used to test the PDF and Excel builders without the database. Amounts are integer yuan.
"""

import copy

WAN = 10_000
YI = 100_000_000

_CHANNELS = [
    ("中央预算内投资", False),
    ("超长期特别国债（“两重”）", False),
    ("超长期特别国债（“两新”）", False),
    ("地方政府专项债券", True),
    ("省级预算内投资及前期费", False),
    ("其他竞争性奖补资金", False),
]


def _channel(is_bond, count=0, requested=0, approved=0, issued=0, disbursed=0, spent=0):
    decided = 2 if count else 0
    approved_count = 1 if approved else 0
    base = issued if is_bond else disbursed
    return {
        "is_bond": is_bond,
        "count": count,
        "requested_yuan": requested,
        "reserve_count": 1,
        "reserve_yuan": 500 * WAN,
        "decided_count": decided,
        "approved_count": approved_count,
        "approval_rate": (approved_count / decided) if decided else None,
        "approved_yuan": approved,
        "issued_yuan": issued,
        "disbursed_yuan": disbursed,
        "spent_yuan": spent,
        "spend_progress": (spent / base) if base else None,
    }


def sample_figures() -> dict:
    funds = {
        _CHANNELS[0][0]: _channel(False, 3, 12_000 * WAN, 8_000 * WAN, 0, 6_000 * WAN, 3_000 * WAN),
        _CHANNELS[1][0]: _channel(False, 2, 30_000 * WAN, 0, 0, 0, 0),
        _CHANNELS[2][0]: _channel(False, 0),
        _CHANNELS[3][0]: _channel(True, 4, 50_000 * WAN, 40_000 * WAN, 20_000 * WAN, 15_000 * WAN, 5_000 * WAN),
        _CHANNELS[4][0]: _channel(False, 1, 1_234_5678, 0, 0, 0, 0),
        _CHANNELS[5][0]: _channel(False, 0),
    }
    total_keys = [k for k in next(iter(funds.values())) if k != "is_bond"]
    funds_total = {}
    for key in total_keys:
        values = [c[key] for c in funds.values() if c[key] is not None]
        funds_total[key] = sum(values) if values else None
    funds_total["approval_rate"] = funds_total["approved_count"] / funds_total["decided_count"]
    funds_total["spend_progress"] = None
    monthly = []
    cumulative = 0
    for month, amount in zip(range(1, 7), [8 * YI, 5 * YI, 12 * YI, 0, 15 * YI, 12_3456_7890], strict=True):
        cumulative += amount
        monthly.append(
            {
                "month": month,
                "signed_amount_yuan": amount,
                "cumulative_yuan": cumulative,
                "target_cumulative_yuan": 180 * YI * month // 12,
            }
        )
    return copy.deepcopy(
        {
            "month": "2025-06",
            "as_of": "2025-06-30",
            "metrics": {
                "year": 2025,
                "as_of": "2025-06-30",
                "signed": {
                    "count": 23,
                    "amount_yuan": cumulative,
                    "target_yuan": 180 * YI,
                    "progress": cumulative / (180 * YI),
                    "time_progress": 0.5,
                    "gap": cumulative / (180 * YI) - 0.5,
                    "gap_level": "yellow",
                    "month_count": 4,
                    "month_amount_yuan": 12_3456_7890,
                },
                "same_year_start": {
                    "signed_count": 23,
                    "started_count": 7,
                    "rate": 7 / 23,
                    "signed_amount_yuan": cumulative,
                    "started_amount_yuan": 11 * YI,
                    "amount_rate": 11 * YI / cumulative,
                    "target_rate": 0.4,
                },
                "funnel": {
                    "signed_count": 23,
                    "started_count": 7,
                    "production_count": 2,
                    "sign_to_start_rate": 7 / 23,
                    "start_to_production_rate": 2 / 7,
                    "leads_count": 60,
                    "leads_signed_count": 15,
                    "lead_conversion_rate": 0.25,
                },
                "funds_in_place": {
                    "contract_amount_yuan": cumulative,
                    "in_place_yuan": 6 * YI,
                    "rate": 6 * YI / cumulative,
                },
                "funds": funds,
                "funds_total": funds_total,
                "projects": {
                    "count": 398,
                    "target_count": 398,
                    "annual_plan_yuan": 170 * YI,
                    "target_annual_plan_yuan": 170 * YI,
                    "completed_yuan": 80 * YI,
                    "key_count": 69,
                    "key_target_count": 69,
                    "key_annual_plan_yuan": 117 * YI,
                    "key_target_plan_yuan": 117 * YI,
                    "key_completed_yuan": 55 * YI,
                    "started_count": 300,
                    "start_rate": 300 / 398,
                    "new_count": 120,
                    "new_started_count": 90,
                    "new_start_rate": 0.75,
                    "milestones": [
                        {
                            "label": "一季度",
                            "due": "2025-03-31",
                            "required_rate": 0.4,
                            "actual_rate": 0.45,
                            "met": True,
                        },
                        {
                            "label": "上半年",
                            "due": "2025-06-30",
                            "required_rate": 0.8,
                            "actual_rate": 0.75,
                            "met": False,
                        },
                        {
                            "label": "三季度",
                            "due": "2025-09-30",
                            "required_rate": 1.0,
                            "actual_rate": None,
                            "met": None,
                        },
                    ],
                    "reserve_total_yuan": 900 * YI,
                    "reserve_target_yuan": 1000 * YI,
                    "fixed_asset_target_yuan": 158_4000_0000,
                },
                "units": [
                    {
                        "unit_id": 1,
                        "unit": "巴公镇",
                        "kind": "乡镇",
                        "signed_count": 5,
                        "signed_amount_yuan": 20 * YI,
                        "target_yuan": 25 * YI,
                        "completion_rate": 0.8,
                        "started_count": 2,
                        "start_rate": 0.4,
                    },
                    {
                        "unit_id": 2,
                        "unit": "县投资促进中心",
                        "kind": "县直部门",
                        "signed_count": 6,
                        "signed_amount_yuan": 15 * YI,
                        "target_yuan": 30 * YI,
                        "completion_rate": 0.5,
                        "started_count": 3,
                        "start_rate": 0.5,
                    },
                    {
                        "unit_id": 3,
                        "unit": "北义城镇",
                        "kind": "乡镇",
                        "signed_count": 3,
                        "signed_amount_yuan": 6 * YI,
                        "target_yuan": 20 * YI,
                        "completion_rate": 0.3,
                        "started_count": 0,
                        "start_rate": 0.0,
                    },
                    {
                        "unit_id": 4,
                        "unit": "丹河集团",
                        "kind": "国有企业",
                        "signed_count": 1,
                        "signed_amount_yuan": 2 * YI,
                        "target_yuan": None,
                        "completion_rate": None,
                        "started_count": 1,
                        "start_rate": 1.0,
                    },
                    {
                        "unit_id": 5,
                        "unit": "南村镇",
                        "kind": "乡镇",
                        "signed_count": 0,
                        "signed_amount_yuan": 0,
                        "target_yuan": None,
                        "completion_rate": None,
                        "started_count": 0,
                        "start_rate": None,
                    },
                ],
                "monthly": monthly,
            },
            "signed_not_started": [
                {
                    "deal_id": 11,
                    "name": "泽州县年产十万吨高纯硅基新材料及配套深加工一体化产业园建设项目（一期）",
                    "investor": "华晟新材料科技（深圳）有限公司",
                    "unit": "巴公镇",
                    "township": "巴公镇",
                    "leader": "程立新",
                    "amount_yuan": 8 * YI,
                    "signed_on": "2025-01-15",
                    "days_waiting": 166,
                },
                {
                    "deal_id": 12,
                    "name": "储能电池PACK项目",
                    "investor": "晋润能源有限公司",
                    "unit": "县投资促进中心",
                    "township": "北义城镇",
                    "leader": "韩知远",
                    "amount_yuan": 3 * YI,
                    "signed_on": "2025-03-20",
                    "days_waiting": 102,
                },
            ],
            "overdue_problems": [
                {
                    "problem_id": 21,
                    "description": "项目用地报批手续滞后，影响开工，需自然资源部门加快组卷报批并协调用地指标",
                    "project": "智能矿山装备制造基地",
                    "unit": "巴公镇",
                    "leader": "程立新",
                    "deadline_on": "2025-05-31",
                    "days_overdue": 30,
                    "escalation_level": 2,
                    "status": "督办中",
                },
            ],
            "leader_summary": [
                {
                    "leader_id": 1,
                    "leader": "程立新",
                    "title": "县委副书记、县长",
                    "project_count": 4,
                    "signed_count": 3,
                    "signed_amount_yuan": 12 * YI,
                    "started_count": 1,
                    "approved_yuan": 8_000 * WAN,
                    "disbursed_yuan": 6_000 * WAN,
                    "open_problems": 2,
                    "overdue_problems": 1,
                },
                {
                    "leader_id": 2,
                    "leader": "韩知远",
                    "title": "副县长",
                    "project_count": 2,
                    "signed_count": 1,
                    "signed_amount_yuan": 3 * YI,
                    "started_count": 0,
                    "approved_yuan": 0,
                    "disbursed_yuan": 0,
                    "open_problems": 0,
                    "overdue_problems": 0,
                },
            ],
        }
    )
