"""User accounts and failed-login records."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.dates import utcnow
from app.core.models import Audited, TimestampMixin
from app.core.permissions import ROLES
from app.extensions import db
from app.people.models import Leader, Unit


class User(UserMixin, Audited, TimestampMixin, db.Model):
    """A person who logs in. ``unit`` binds role unit; ``leader`` binds role leader."""

    __tablename__ = "users"
    __audit_label__ = "用户"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True, info={"label": "用户名"})
    display_name: Mapped[str | None] = mapped_column(sa.String(64), info={"label": "姓名"})
    password_hash: Mapped[str] = mapped_column(sa.String(256), info={"label": "密码", "mask": True})
    role: Mapped[str] = mapped_column(sa.String(20), info={"label": "角色", "display": lambda raw: ROLES.get(raw, raw)})
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), info={"label": "所属单位"})
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leaders.id"), info={"label": "对应领导"})
    active: Mapped[bool] = mapped_column("is_active", default=True, info={"label": "启用"})
    last_login_at: Mapped[datetime | None] = mapped_column(info={"audit": False})
    # Bumped by logout, password change, reset and deactivation; a session cookie carrying an older
    # value is refused on its next request (app/auth/sessions.py), so every session of the user ends.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1", info={"audit": False})

    unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Leader | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def set_password(self, password: str) -> None:
        from flask import current_app, has_app_context

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def audit_title(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.name


class LoginFailure(db.Model):
    """A failed login, kept for throttling by account and by address."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
