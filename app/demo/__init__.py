"""Demo data: a believable, clearly-marked county pipeline. Invented names only."""

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.dates import month_end, today
from app.core.models import set_setting
from app.extensions import db
from app.funds.models import STATUS_PATHS

DEMO_PASSWORD = "Zezhou2025"
DEMO_MARK = "（演示）"
WAN = 10_000

LEADERS = [
    ("程立新", "县委副书记、县长", "组长"),
    ("邵景川", "常务副县长", "副组长"),
    ("韩知远", "副县长", "副组长"),
    ("卫明哲", "副县长", "成员"),
    ("裴书宁", "副县长", "成员"),
    ("常怀瑾", "县委常委、组织部部长", "成员"),
    ("原定邦", "县委常委、宣传部部长", "成员"),
    ("靳若川", "副县长", "成员"),
    ("焦守拙", "县人大常委会副主任", "成员"),
    ("毋思齐", "县政协副主席", "成员"),
]
COMPANY_HEADS = [
    "华晟",
    "晋润",
    "泽源",
    "太行",
    "丹峰",
    "恒瑞",
    "中科锦",
    "鼎泰",
    "瑞晖",
    "金瓯",
    "宏远",
    "凯迪",
    "昊天",
    "星途",
    "绿源",
    "北辰",
    "嘉禾",
    "卓越",
    "中泽",
    "德润",
    "远景",
    "汇通",
    "云岭",
    "祥和",
]
REGIONS = [
    ("北京", "省外"),
    ("上海", "省外"),
    ("深圳", "省外"),
    ("杭州", "省外"),
    ("苏州", "省外"),
    ("太原", "市外"),
    ("长治", "市外"),
    ("晋城", "县外"),
    ("泽州", "本地"),
]
INDUSTRY_DEALS = {
    "新材料": ["高纯硅基材料项目", "碳纤维复合材料生产线", "特种合金铸件项目", "新型耐火材料项目"],
    "高端装备制造": ["智能矿山装备制造基地", "精密轴承产业园", "新能源汽车零部件项目", "液压装备生产线"],
    "新能源": ["分布式光伏电站项目", "储能电池PACK项目", "氢能综合利用项目", "风光储一体化项目"],
    "数字经济": ["算力中心项目", "工业互联网平台项目", "数字产业园项目", "智慧物流信息平台"],
    "文旅康养": ["珏山文旅综合体项目", "康养小镇项目", "乡村民宿集群项目", "研学基地项目"],
    "现代农业": ["高标准设施农业园", "中药材种植加工项目", "肉牛养殖及深加工项目", "农产品冷链项目"],
    "现代物流": ["综合物流园项目", "冷链仓储中心", "公铁联运物流港", "城乡配送中心项目"],
    "节能环保": ["固废综合利用项目", "煤矸石资源化项目", "污水资源化利用项目"],
    "生物医药": ["中药饮片生产项目", "医疗器械产业园"],
}
PROJECT_NAMES = [
    "产业园基础设施提升工程",
    "城区道路改造工程",
    "老旧小区改造项目",
    "供水管网改造工程",
    "中学新建教学楼项目",
    "乡镇卫生院提升项目",
    "标准化厂房建设项目",
    "智慧农业示范园",
    "污水处理厂提标改造",
    "集中供热管网工程",
    "乡村振兴示范片区建设",
    "文旅融合发展项目",
    "仓储物流中心建设",
    "新能源示范项目",
    "高标准农田建设项目",
    "河道综合治理工程",
    "城乡冷链物流设施",
    "工业固废综合利用项目",
    "充电基础设施建设",
    "数字乡村建设项目",
]
NEG_CONTENT = [
    "双方就项目选址、用地规模和建设周期进行了深入交流",
    "企业介绍了投资计划，我方介绍了园区配套和优惠政策",
    "就合同条款中的分期投资安排进一步磋商",
    "企业提出用电、用水需求，我方承诺协调落实",
    "企业高层来泽考察项目选址，现场踏勘地块",
    "视频会议沟通环评及能评手续办理进度",
]
PROBLEMS = [
    "项目用地报批手续滞后，影响开工",
    "施工用电线路迁改未完成",
    "环评批复尚未取得",
    "征地拆迁存在遗留问题",
    "项目融资未落实，资金缺口较大",
    "施工许可证办理进度慢",
    "周边群众阻工，需协调解决",
    "用能指标尚未落实",
    "供水供气配套工程滞后",
    "设备采购招标延期",
]


COMPANY_TAILS = ["科技有限公司", "实业有限公司", "集团有限公司", "产业发展有限公司", "股份有限公司", "新能源有限公司"]


def _company_name(rng: random.Random, city: str, industry: str, taken: set[str]) -> str:
    """An invented company name, unique within the demo."""
    while True:
        name = f"{city}{rng.choice(COMPANY_HEADS)}{industry[:2]}{rng.choice(COMPANY_TAILS)}"
        if name not in taken:
            return name


def has_business_data() -> bool:
    """True when any deal, project or fund application exists."""
    from app.deals.models import Deal
    from app.funds.models import FundApplication
    from app.projects.models import Project

    return any(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Deal, Project, FundApplication))


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _later(rng: random.Random, start: date, min_days: int, max_days: int, cap: date) -> date | None:
    value = start + timedelta(days=rng.randint(min_days, max_days))
    return value if value <= cap else None


def load_demo(seed: int = 2025) -> dict[str, int]:
    """Create demo leaders, users, projects, deals, fund applications and problems."""
    from app.auth.services import create_user
    from app.people.models import FundChannel, Industry, Leader, Target, Unit
    from app.people.seeds import TARGETS_2025, seed_reference_data

    rng = random.Random(seed)
    seed_reference_data()
    now = today()
    # Targets for every year the demo spans, so the current year's dashboard is alive too.
    for year in range(2025, now.year + 1):
        for metric, value in TARGETS_2025.items():
            exists = db.session.scalar(
                sa.select(Target.id).where(Target.year == year, Target.metric == metric, Target.unit_id.is_(None))
            )
            if not exists:
                db.session.add(Target(year=year, metric=metric, value=value))
    leaders = []
    for index, (name, title, role) in enumerate(LEADERS):
        leader = db.session.scalar(sa.select(Leader).where(Leader.name == name + DEMO_MARK))
        if leader is None:
            leader = Leader(name=name + DEMO_MARK, title=title, taskforce_role=role, sort_order=index * 10)
            db.session.add(leader)
        leaders.append(leader)
    db.session.flush()
    units = db.session.scalars(sa.select(Unit).order_by(Unit.sort_order)).all()
    townships = [u for u in units if u.kind == "乡镇"]
    by_name = {u.name: u for u in units}
    lead_units = townships + [by_name["县投资促进中心"], by_name["县工业和信息化局"], by_name["县发展改革和科技局"]]
    industries = {i.name: i for i in db.session.scalars(sa.select(Industry))}
    channels = db.session.scalars(sa.select(FundChannel).order_by(FundChannel.sort_order)).all()

    users = _demo_users(create_user, by_name, leaders)
    for year in range(2025, now.year + 1):  # unit targets for the 赛马 ranking
        for township in townships:
            if not db.session.scalar(
                sa.select(Target.id).where(
                    Target.year == year, Target.metric == "signed_amount", Target.unit_id == township.id
                )
            ):
                db.session.add(
                    Target(
                        year=year,
                        metric="signed_amount",
                        unit_id=township.id,
                        value=rng.choice([6, 8, 10, 12, 15]) * 100_000_000,
                    )
                )
    projects = _demo_projects(rng, now, townships, by_name, leaders, industries)
    deals = _demo_deals(rng, now, lead_units, townships, leaders, industries, projects, users)
    apps = _demo_funds(rng, now, channels, projects, by_name, townships, leaders, users)
    problems = _demo_problems(rng, now, projects, deals, leaders)
    set_setting("demo_data", "1")
    db.session.flush()
    return {
        "领导": len(leaders),
        "用户": len(users),
        "项目": len(projects),
        "招商项目": len(deals),
        "资金申报": len(apps),
        "问题": len(problems),
    }


def _demo_users(create_user, by_name, leaders):
    specs = [
        ("admin", "admin", None, None, "系统管理员"),
        ("zhuanban", "taskforce", None, None, "专班办公室"),
        ("touzu", "investment", None, None, "投促中心"),
        ("caizheng", "finance", None, None, "财政局"),
        ("bagong", "unit", by_name["巴公镇"], None, "巴公镇"),
        ("lingdao", "leader", None, leaders[1], leaders[1].name),
    ]
    from app.auth.models import User

    users = []
    for username, role, unit, leader, display in specs:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            user = create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit=unit,
                leader=leader,
                display_name=display,
                enforce_rule=False,
            )
        users.append(user)
    return users


def _demo_projects(rng, now, townships, by_name, leaders, industries):
    from app.projects.services import create_project, record_investment

    projects = []
    departments = [
        by_name[n]
        for n in (
            "县发展改革和科技局",
            "县住房和城乡建设管理局",
            "县工业和信息化局",
            "县交通运输局",
            "县水务局",
            "县农业农村局",
            "县文化和旅游局",
        )
    ]
    for index in range(100):
        township = rng.choice(townships)
        plan_year = 2025 if index < 45 else now.year
        annual = rng.choice([800, 1500, 2500, 3500, 5000, 6000, 8000, 12000, 20000, 30000]) * WAN
        total = annual * rng.choice([1, 2, 3, 4])
        nature = "续建" if index % 4 == 0 else "新建"
        planned_start = _rand_date(rng, date(plan_year, 2, 1), date(plan_year, 9, 30))
        actual_start = None
        if nature == "续建":
            actual_start = date(plan_year - 1, rng.randint(3, 11), rng.randint(1, 28))
        elif rng.random() < 0.75 and planned_start + timedelta(days=20) <= now:
            actual_start = min(planned_start + timedelta(days=rng.randint(-20, 60)), now)
        status = "实施" if actual_start else rng.choice(["储备", "前期", "前期"])
        name = f"{township.name}{rng.choice(PROJECT_NAMES)}"
        if any(p.name == name for p in projects):
            name = f"{name}（{index + 1}期）"
        project = create_project(
            {
                "name": name,
                "code": f"2{plan_year % 100:02d}0-140525-{rng.randint(10, 99)}-01-{index + 100001:06d}",
                "nature": nature,
                "plan_year": plan_year,
                "industry": rng.choice(list(industries.values())),
                "township": township,
                "lead_unit": rng.choice([township] + departments),
                "leader": rng.choice(leaders),
                "total_investment_yuan": total,
                "annual_plan_yuan": annual,
                "reserve_status": status,
                "planned_start_on": planned_start,
                "actual_start_on": actual_start,
                "planned_completion_on": date(plan_year + rng.randint(0, 2), 12, 31),
                "stats_registered_on": (actual_start + timedelta(days=rng.randint(10, 60)))
                if actual_start and actual_start + timedelta(days=60) <= now
                else None,
            }
        )
        if actual_start:
            month = max(actual_start, date(plan_year, 1, 1))
            last = min(now, date(plan_year, 12, 31))
            while month_end(month.year, month.month) <= last:
                share = annual * rng.randint(5, 14) // 100
                record_investment(project, period_on=month_end(month.year, month.month), amount_yuan=share)
                month = month_end(month.year, month.month) + timedelta(days=1)
        projects.append(project)
    return projects


STAGE_WEIGHTS = [
    ("线索", 18),
    ("在谈", 30),
    ("已签约", 32),
    ("已注册", 14),
    ("已开工", 34),
    ("已投产", 12),
    ("暂缓", 5),
    ("终止", 5),
]


def _demo_deals(rng, now, lead_units, townships, leaders, industries, projects, users):
    from app.deals.models import Investor
    from app.deals.services import add_funds_in_place, add_negotiation, create_deal, move_deal_to_stage

    actor = users[2]
    stages = [s for s, w in STAGE_WEIGHTS for _ in range(w)]
    deals = []
    investors: list[Investor] = []
    for _ in range(150):
        industry_name = rng.choice(list(INDUSTRY_DEALS))
        city, origin = rng.choice(REGIONS)
        if investors and rng.random() < 0.15:
            investor = rng.choice(investors)
        else:
            investor = Investor(
                name=_company_name(rng, city, industry_name, {i.name for i in investors}), origin=origin, region=city
            )
            db.session.add(investor)
            investors.append(investor)
        township = rng.choice(townships)
        lead_unit = township if rng.random() < 0.7 else rng.choice(lead_units)
        target = rng.choice(stages)
        lead_on = _rand_date(rng, date(2024, 10, 1), now - timedelta(days=20))
        amount = rng.choice([3000, 5000, 8000, 12000, 20000, 30000, 50000, 80000, 100000, 150000]) * WAN
        counted = rng.random() > 0.05
        deal = create_deal(
            {
                "name": f"{township.name[:-1]}{rng.choice(INDUSTRY_DEALS[industry_name])}",
                "investor": investor,
                "industry": industries.get(industry_name),
                "contract_amount_yuan": amount,
                "agreement_type": rng.choice(["框架协议", "正式合同", "正式合同", "意向协议"]),
                "is_counted": counted,
                "exclusion_reason": None if counted else "续签协议，上年已计入",
                "lead_unit": lead_unit,
                "township": township,
                "leader": rng.choice(leaders),
                "contact_name": rng.choice(["王经理", "李总", "赵总监", "陈主任", "刘经理"]),
                "contact_phone": f"13{rng.randint(100000000, 999999999)}",
            },
            actor=actor,
            effective_on=lead_on,
        )
        day = lead_on
        path = {
            "线索": [],
            "在谈": ["在谈"],
            "已签约": ["在谈", "已签约"],
            "已注册": ["在谈", "已签约", "已注册"],
            "已开工": ["在谈", "已签约", "已注册", "已开工"],
            "已投产": ["在谈", "已签约", "已注册", "已开工", "已投产"],
            "暂缓": ["在谈", "暂缓"],
            "终止": ["在谈", "已签约", "终止"] if rng.random() < 0.5 else ["在谈", "终止"],
        }[target]
        gaps = {
            "在谈": (5, 40),
            "已签约": (20, 120),
            "已注册": (10, 45),
            "已开工": (20, 150),
            "已投产": (90, 300),
            "暂缓": (20, 90),
            "终止": (20, 120),
        }
        for stage in path:
            nxt = _later(rng, day, *gaps[stage], cap=now)
            if nxt is None:
                break
            day = nxt
            move_deal_to_stage(
                deal, stage, effective_on=day, actor=actor, reason="企业投资计划调整" if stage == "终止" else None
            )
        held_dates = sorted(
            _rand_date(rng, lead_on, min(now, day + timedelta(days=30))) for _ in range(rng.randint(1, 4))
        )
        active = deal.stage in ("线索", "在谈", "已签约", "已注册")
        for position, held in enumerate(held_dates):
            follow = None
            if position == len(held_dates) - 1 and active and rng.random() < 0.6:
                # The latest talk of a live deal plans the next contact: mostly soon, a few just overdue.
                follow = max(held + timedelta(days=3), now + timedelta(days=rng.randint(-6, 21)))
            add_negotiation(
                deal,
                {
                    "held_on": held,
                    "kind": rng.choice(["来访", "外出拜访", "电话视频", "推介会"]),
                    "our_participants": "投促中心、属地乡镇",
                    "their_participants": deal.contact_name,
                    "content": rng.choice(NEG_CONTENT),
                    "result": "达成初步共识",
                    "next_step": "跟进落实相关事项",
                    "next_follow_up_on": follow,
                },
                actor=actor,
            )
        if deal.signed_on and deal.stage in ("已注册", "已开工", "已投产", "终止") and rng.random() < 0.7:
            received = _later(rng, deal.signed_on, 15, 200, cap=now)
            if received:
                add_funds_in_place(
                    deal,
                    received_on=received,
                    amount_yuan=amount * rng.randint(5, 40) // 100,
                    kind=rng.choice(["固定资产", "固定资产", "流动资金"]),
                    evidence="银行进账单",
                )
        if deal.signed_on and rng.random() < 0.6:
            same_place = [p for p in projects if p.township_id == deal.township_id]
            if same_place:
                deal.project = rng.choice(same_place)
        deal.last_activity_on = min(now, day + timedelta(days=rng.randint(0, 60)))
        deals.append(deal)
    db.session.flush()
    return deals


def _demo_funds(rng, now, channels, projects, by_name, townships, leaders, users):
    from app.funds.services import add_ledger_entry, add_review, change_status, create_application

    actor = users[3]
    statuses = (
        ["谋划储备"] * 10
        + ["已申报"] * 8
        + ["审核中"] * 10
        + ["已下达"] * 12
        + ["执行中"] * 10
        + ["已完成"] * 5
        + ["未通过"] * 3
        + ["已撤回"] * 2
    )
    applicants = [
        by_name["县发展改革和科技局"],
        by_name["县财政局"],
        by_name["县住房和城乡建设管理局"],
        by_name["县水务局"],
        by_name["县农业农村局"],
        by_name["县交通运输局"],
    ]
    apps = []
    titles: set[tuple] = set()
    for index in range(60):
        channel = channels[index % len(channels)]
        status = statuses[index]
        year = 2025 if rng.random() < 0.55 else now.year
        project = rng.choice(projects)
        requested = rng.choice([500, 1000, 2000, 3000, 5000, 8000, 12000, 20000]) * WAN
        start = _rand_date(rng, date(year, 1, 5), min(now, date(year, 10, 31)) - timedelta(days=40))
        deadline = start + timedelta(days=rng.randint(20, 60))
        if status == "谋划储备":
            deadline = now + timedelta(days=rng.randint(-2, 40))
        title = f"{project.name}（{channel.short_name}）"
        if (channel.id, year, title) in titles:
            title = f"{project.name}二期（{channel.short_name}）"
        titles.add((channel.id, year, title))
        app_ = create_application(
            {
                "channel": channel,
                "channel_id": channel.id,
                "year": year,
                "batch": f"{year}年第{rng.randint(1, 3)}批",
                "title": title,
                "applicant_unit": project.township if rng.random() < 0.5 else rng.choice(applicants),
                "leader": project.leader or rng.choice(leaders),
                "requested_yuan": requested,
                "deadline_on": deadline,
            },
            actor=actor,
            effective_on=start,
        )
        app_.projects.append(project)
        day = start
        path = STATUS_PATHS[status]
        approved = requested * rng.choice([60, 80, 100]) // 100
        for step in path:
            nxt = _later(rng, day, 7, 35, cap=now)
            if nxt is None:
                break
            day = nxt
            if step == "审核中":
                add_review(app_, level="县", decision="通过", decided_on=day, opinion="材料齐全，同意上报")
            if step in ("已下达", "未通过"):
                add_review(
                    app_,
                    level=rng.choice(["省", "国家"]),
                    decision="通过" if step == "已下达" else "未通过",
                    decided_on=day,
                    opinion="符合支持方向" if step == "已下达" else "不符合本批次支持方向",
                )
            change_status(app_, step, effective_on=day, actor=actor)
            if step == "已下达":
                add_ledger_entry(app_, kind="下达", entry_on=day, amount_yuan=approved)
                if channel.is_bond:
                    add_ledger_entry(app_, kind="发行", entry_on=day, amount_yuan=approved)
            if step == "执行中":
                disbursed = approved * rng.choice([50, 70, 100]) // 100
                add_ledger_entry(app_, kind="拨付", entry_on=day, amount_yuan=disbursed)
                spent_on = _later(rng, day, 10, 60, cap=now)
                if spent_on:
                    add_ledger_entry(
                        app_, kind="支出", entry_on=spent_on, amount_yuan=disbursed * rng.randint(30, 95) // 100
                    )
        apps.append(app_)
    db.session.flush()
    return apps


def _demo_problems(rng, now, projects, deals, leaders):
    from app.problems.queries import level_of
    from app.problems.services import create_problem, escalate, move_problem

    problems = []
    for index in range(36):
        project = rng.choice(projects)
        found = _rand_date(rng, max(date(2025, 3, 1), now - timedelta(days=120)), now - timedelta(days=2))
        problem = create_problem(
            {
                "project": project,
                "deal": None,
                "description": f"{project.name}：{rng.choice(PROBLEMS)}",
                "found_on": found,
                "unit": project.lead_unit or project.township,
                "leader": project.leader,
                "deadline_on": found + timedelta(days=rng.choice([7, 15, 30, 45])),
            }
        )
        fate = index % 6
        if fate >= 1:
            move_problem(problem, "已交办", effective_on=min(now, found + timedelta(days=1)))
        if fate in (2, 3) and problem.deadline_on < now:
            move_problem(
                problem,
                "督办中",
                effective_on=min(now, problem.deadline_on + timedelta(days=1)),
                note="超期未办结，转督办",
            )
            if level_of(problem, now) < (2 if fate == 2 else 3):  # it may have risen by itself already
                escalate(problem, 2 if fate == 2 else 3)
        if fate == 4:
            move_problem(
                problem,
                "已销号",
                effective_on=min(now, found + timedelta(days=rng.randint(3, 20))),
                resolution="已协调相关部门解决，项目正常推进",
            )
        problems.append(problem)
    db.session.flush()
    return problems
