"""Jinja filters and globals for money, dates and rates."""

from datetime import date, datetime

from app.core.money import format_wan, format_yi, wan_input_value


def format_rate(value, places: int = 1) -> str:
    """0.4 → 40.0%; None → —."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{places}f}%"


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        from app.core.dates import to_local

        return to_local(value).strftime("%Y-%m-%d %H:%M")  # stored UTC, shown in the configured zone
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def register_filters(app) -> None:
    from app.core.dates import today

    app.jinja_env.filters["wan"] = format_wan
    app.jinja_env.filters["yi"] = format_yi
    app.jinja_env.filters["wan_input"] = wan_input_value
    app.jinja_env.filters["rate"] = format_rate
    app.jinja_env.filters["d"] = format_date
    app.jinja_env.globals["today"] = today

    from app.core.permissions import can, is_leader_account, is_unit_account

    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["is_unit_account"] = is_unit_account
    app.jinja_env.globals["is_leader_account"] = is_leader_account

    @app.context_processor
    def demo_banner():
        from app.core.models import get_setting

        try:
            return {"demo_data": get_setting("demo_data") == "1"}
        except Exception:  # database not migrated yet
            from app.extensions import db

            db.session.rollback()
            return {"demo_data": False}
