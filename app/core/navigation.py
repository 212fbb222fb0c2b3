"""The navigation bar, filtered by what the user's role may read."""

from app.core.permissions import can

# (label, endpoint, area, Bootstrap icon)
NAV = [
    ("首页", "dashboard.home", None, "house"),
    ("驾驶舱", "dashboard.cockpit", "dashboard", "speedometer2"),
    ("招商引资", "deals.list_deals", "deals", "briefcase"),
    ("争资争项", "funds.list_applications", "funds", "cash-coin"),
    ("项目库", "projects.list_projects", "projects", "buildings"),
    ("问题督办", "problems.list_problems", "problems", "exclamation-triangle"),
    ("包联", "portfolios.list_leaders", "portfolios", "people"),
    ("月度报告", "reports.index", "reports", "file-earmark-bar-graph"),
    ("台账导入", "imports.index", "imports", "upload"),
]
ADMIN_NAV = [
    ("基础数据", "people.index", "reference", "database-gear"),
    ("预警阈值", "dashboard.alert_settings", "reference", "bell"),
    ("用户管理", "auth.list_users", "users", "person-gear"),
    ("操作日志", "auth.audit_log", "users", "clock-history"),
]


def _items(app, user, entries):
    for label, endpoint, area, icon in entries:
        if area is not None and not can(user, area):
            continue
        yield {"label": label, "endpoint": endpoint, "icon": icon, "area": endpoint.split(".")[0]}


def nav_for(app, user) -> dict:
    """Main and admin navigation entries visible to ``user``."""
    if not getattr(user, "is_authenticated", False):
        return {"main": [], "admin": []}
    return {"main": list(_items(app, user, NAV)), "admin": list(_items(app, user, ADMIN_NAV))}
