"""Account operations and login throttling. Services flush; callers commit."""

import secrets
import time
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import LoginFailure, User
from app.auth.passwords import check_password_rule
from app.auth.sessions import end_all_sessions
from app.core.dates import utcnow
from app.core.errors import InputError
from app.core.locking import lock_key
from app.core.permissions import LEADER_ROLE, ROLES, UNIT_ROLE
from app.extensions import db
from app.people.models import Leader, Unit

ADDRESS_FACTOR = 4  # an address (shared office NAT) gets more attempts than one account


def check_password_strength(password: str, username: str | None = None) -> None:
    """The password rule of app/auth/passwords.py (≥ 12 characters, not common, no username or county name)."""
    check_password_rule(password, username=username)


def _check_binding(role: str, unit: Unit | None, leader: Leader | None) -> None:
    if role not in ROLES:
        raise InputError(f"角色“{role}”不存在，可选：{'、'.join(ROLES)}", field="role")
    if role == UNIT_ROLE and unit is None:
        raise InputError("乡镇/部门账号必须指定所属单位", field="unit_id")
    if role == LEADER_ROLE and leader is None:
        raise InputError("县级领导账号必须指定对应的领导", field="leader_id")


def create_user(
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    leader: Leader | None = None,
    display_name: str | None = None,
    enforce_rule: bool = True,
) -> User:
    """Create an account after checking name, role binding and password strength.

    ``enforce_rule=False`` is for the demo accounts only (their published password is the point).
    """
    username = (username or "").strip()
    if not username:
        raise InputError("用户名不能为空", field="username")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise InputError(f"用户名“{username}”已存在", field="username")
    _check_binding(role, unit, leader)
    if enforce_rule:
        check_password_strength(password, username)
    user = User(
        username=username,
        role=role,
        unit=unit if role == UNIT_ROLE else None,
        leader=leader if role == LEADER_ROLE else None,
        display_name=display_name,
        active=True,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    role: str,
    unit: Unit | None,
    leader: Leader | None,
    display_name: str | None,
    active: bool,
    password: str | None = None,
) -> User:
    """Change role, binding, name, active flag and optionally the password."""
    _check_binding(role, unit, leader)
    user.role = role
    user.unit = unit if role == UNIT_ROLE else None
    user.leader = leader if role == LEADER_ROLE else None
    user.display_name = display_name
    if user.active and not active:
        end_all_sessions(user)  # deactivated: every open session ends now
    user.active = active
    if password:
        check_password_strength(password, user.username)
        user.set_password(password)
        end_all_sessions(user)
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> None:
    """Set a new password and lift any lock on the account."""
    check_password_strength(password, user.username)
    user.set_password(password)
    end_all_sessions(user)  # a stolen session dies with the old password
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == user.username))
    db.session.flush()


def _recent_failures(config, *, username: str | None = None, address: str | None = None) -> int:
    since = utcnow() - timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    stmt = sa.select(sa.func.count(LoginFailure.id)).where(LoginFailure.created_at >= since)
    if username is not None:
        stmt = stmt.where(LoginFailure.username == username)
    if address is not None:
        stmt = stmt.where(LoginFailure.address == address)
    return db.session.scalar(stmt) or 0


def login_state(config, username: str, address: str) -> tuple[bool, bool]:
    """(locked, slow) for this attempt.

    Locked: this account from this address failed LOGIN_LOCK_AFTER times — so nobody can lock an
    account for everybody else, and one address cannot lock the county. Slow: the account (from
    anywhere) or the address (for any account) keeps failing — every further attempt waits.
    """
    lock_after, slow_after = config["LOGIN_LOCK_AFTER"], config["LOGIN_SLOW_AFTER"]
    locked = _recent_failures(config, username=username, address=address) >= lock_after
    slow = (
        _recent_failures(config, username=username) >= slow_after
        or _recent_failures(config, address=address) >= slow_after * ADDRESS_FACTOR
    )
    return locked, slow


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username[:64], address=address[:64]))
    db.session.flush()


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(config, username: str, password: str, address: str) -> User:
    """Return the user for valid credentials; raise InputError (Chinese) otherwise.

    Attempts on one account are counted atomically: each takes the account's lock (advisory on
    PostgreSQL, the write lock on SQLite), counts the failures so far, and records its own before
    the next attempt may count. Unknown users cost one password hash like known ones, and a
    deactivated account answers like a wrong password, so neither can be told apart.
    """
    username = (username or "").strip()[:64]
    _locked, slow = login_state(config, username, address)
    if slow:
        time.sleep(config["LOGIN_SLOW_SECONDS"])
    lock_key(LoginFailure, username.lower())
    locked, _slow = login_state(config, username, address)
    if locked:
        raise InputError(f"登录失败次数过多，该账号在本机已临时锁定，请 {config['LOGIN_LOCK_MINUTES']} 分钟后再试")
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(config.get("PASSWORD_HASH_METHOD", "scrypt")), password or "")
    if user is None or not user.check_password(password or "") or not user.is_active:
        record_failure(username, address)
        raise InputError("用户名或密码错误")
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = utcnow()
    db.session.flush()
    return user
