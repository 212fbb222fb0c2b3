"""Sessions that end when they should: logout, password change or reset, deactivation, idleness.

The session cookie is signed, not stored: logging out in one browser cannot delete a cookie
copied elsewhere. So every session carries the user's ``session_version``; logout, a password
change or reset and deactivation bump it, and a cookie with an older value is refused on its
next request. ``SESSION_IDLE_MINUTES`` ends a session nobody has used for that long.
"""

import time

from flask import current_app, flash, session
from flask_login import current_user, logout_user

from app.auth import bp

VERSION_KEY = "_sv"
SEEN_KEY = "_seen"
SEEN_RESOLUTION = 60  # seconds: refresh the last-seen time at most once a minute (fewer Set-Cookie)


def start_session(user) -> None:
    """Bind the (just logged-in) session to the user's current session version."""
    session[VERSION_KEY] = user.session_version
    session[SEEN_KEY] = int(time.time())


def end_all_sessions(user) -> None:
    """Invalidate every session of ``user`` (flushes with the caller's transaction)."""
    user.session_version = (user.session_version or 1) + 1


@bp.before_app_request
def refuse_ended_sessions():
    """Log out a request whose session was ended elsewhere or left idle too long."""
    if not current_user.is_authenticated:
        return
    now = int(time.time())
    idle_seconds = current_app.config.get("SESSION_IDLE_MINUTES", 0) * 60
    seen = session.get(SEEN_KEY, 0)
    if session.get(VERSION_KEY) != current_user.session_version:
        logout_user()
        session.clear()
        flash("登录已失效（已在别处退出、修改了密码或账号被停用），请重新登录。", "warning")
    elif idle_seconds and now - seen > idle_seconds:
        logout_user()
        session.clear()
        flash(f"超过{idle_seconds // 60}分钟未操作，已自动退出，请重新登录。", "warning")
    elif now - seen >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now
