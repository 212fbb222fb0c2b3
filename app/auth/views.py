"""Login/logout, user administration and the audit log."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import ChangeOwnPasswordForm, LoginForm, PasswordResetForm, UserForm
from app.auth.models import User
from app.auth.passwords import RULE_TEXT
from app.auth.sessions import end_all_sessions, start_session
from app.core.audit import SOURCES, AuditEntry, audited_models, record_event, set_audit_context
from app.core.audit_display import describe
from app.core.errors import InputError
from app.core.fields import choices_from
from app.core.forms import show_input_error
from app.core.pagination import paginate
from app.core.permissions import ROLES, require
from app.extensions import db
from app.people.models import Leader, Unit


@bp.context_processor
def password_rule():
    return {"rule_text": RULE_TEXT}


# Audit rows written by record_event (no model of their own), offered in the log's entity filter.
EVENT_ENTITIES = {"settings": "系统设置", "exports": "导出"}


def _safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page.

    Browsers drop tabs and line breaks and read a backslash as a slash, so ``/\t/evil.example``
    and ``/\\evil.example`` would leave the site: anything but a plain same-site path is refused.
    """
    home = url_for("dashboard.home")
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 0x20 or c == "\x7f" for c in target)
    ):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return home
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        try:
            user = services.authenticate(current_app.config, form.username.data, form.password.data, address)
        except InputError as exc:
            attempted = (form.username.data or "").strip()[:64]
            record_event(
                "login_failed", entity="users", username=attempted, new={"username": attempted, "address": address}
            )
            db.session.commit()  # keep the failure record for throttling
            flash(exc.message, "danger")
        else:
            set_audit_context(source="web", user=user)
            record_event("login", entity="users", record_id=user.id, new={"address": address})
            db.session.commit()
            session.clear()  # no value from before the login survives it (session fixation)
            login_user(user)
            start_session(user)
            flash(f"欢迎，{user.name}", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record_event("logout", entity="users", record_id=current_user.id, new={"address": request.remote_addr})
    end_all_sessions(current_user)  # copies of this cookie (another browser, a saved request) die too
    db.session.commit()
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangeOwnPasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("当前密码不正确")
        else:
            try:
                services.reset_password(current_user, form.password.data)
            except InputError as exc:
                form.password.errors.append(exc.message)
            else:
                db.session.commit()
                start_session(current_user)  # this session continues; every other one has ended
                flash("密码已修改。", "success")
                return redirect(url_for("dashboard.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/admin/users")
@require("users")
def list_users():
    users = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("auth/users.html", users=users, roles=ROLES)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    units = db.session.scalars(sa.select(Unit).where(Unit.is_active).order_by(Unit.sort_order, Unit.id)).all()
    leaders = db.session.scalars(sa.select(Leader).where(Leader.is_active).order_by(Leader.sort_order, Leader.id)).all()
    form.unit_id.choices = choices_from(units, "—无—")
    form.leader_id.choices = choices_from(leaders, "—无—")
    if user is not None and request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.leader_id.data = user.leader_id or 0
    return form


def _save_user(form: UserForm, user: User | None):
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    leader = db.session.get(Leader, form.leader_id.data) if form.leader_id.data else None
    try:
        if user is None:
            user = services.create_user(
                username=form.username.data,
                password=form.password.data or "",
                role=form.role.data,
                unit=unit,
                leader=leader,
                display_name=form.display_name.data or None,
            )
        else:
            services.update_user(
                user,
                role=form.role.data,
                unit=unit,
                leader=leader,
                display_name=form.display_name.data or None,
                active=form.active.data,
                password=form.password.data or None,
            )
    except InputError as exc:
        db.session.rollback()
        show_input_error(form, exc, "username")
        return None
    db.session.commit()
    return user


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("users", "edit")
def create_user():
    form = _user_form()
    if form.validate_on_submit() and (user := _save_user(form, None)):
        flash(f"用户“{user.username}”已创建。", "success")
        return redirect(url_for("auth.list_users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require("users", "edit")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    form.username.data = user.username
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            flash("不能停用自己的账号或取消自己的管理员角色。", "danger")
        elif _save_user(form, user):
            flash(f"用户“{user.username}”已保存。", "success")
            return redirect(url_for("auth.list_users"))
    return render_template("auth/user_form.html", form=form, user=user, reset_form=PasswordResetForm(prefix="reset"))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@require("users", "edit")
def reset_user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(f"已重置“{user.username}”的密码。", "success")
    else:
        flash("请输入新密码。", "danger")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/admin/audit")
@require("users")
def audit_log():
    models = audited_models()
    entity = request.args.get("entity") or ""
    source = request.args.get("source") or ""
    username = (request.args.get("user") or "").strip()
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity in models or entity in EVENT_ENTITIES:
        stmt = stmt.where(AuditEntry.entity == entity)
    if source in SOURCES:
        stmt = stmt.where(AuditEntry.source == source)
    if username:
        stmt = stmt.where(AuditEntry.username == username)
    page = paginate(stmt, per_page=50)
    items = [(entry, describe(entry)) for entry in page.items]
    entities = {name: getattr(model, "__audit_label__", name) for name, model in models.items()} | EVENT_ENTITIES
    return render_template(
        "auth/audit_log.html",
        page=page,
        items=items,
        entities=entities,
        sources=SOURCES,
        entity=entity,
        source=source,
        username=username,
    )
