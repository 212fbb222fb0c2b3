"""Application factory for 泽州招商争资 CRM."""

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.extensions import csrf, db, login_manager, migrate
from config import Config, ProductionConfig, config_from_env

# Every feature package registers its blueprint; these lists name, explicitly, which also
# bring models (the schema) and command-line groups. A missing module is an error, not skipped.
FEATURES = [
    "auth",
    "people",
    "projects",
    "deals",
    "funds",
    "problems",
    "portfolios",
    "dashboard",
    "reports",
    "imports",
    "records",
    "search",
]
MODEL_FEATURES = ["auth", "people", "projects", "deals", "funds", "problems", "reports", "imports", "records"]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build and configure the Flask application."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=False)
    app.config.from_object(config_class)
    _refuse_weak_secret_key(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]  # the client address is the one the last trusted proxy saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _ensure_instance_dir(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    from app.core.input_guard import install as install_input_guard

    install_input_guard(app)
    from app.core.versioning import register as register_stale_edit_pages

    register_stale_edit_pages(app)
    from app.core.responses import install as install_response_policy

    install_response_policy(app)
    from app.core.cache import init_cache

    init_cache(app)

    _import_models(app)
    _register_blueprints(app)
    _register_hooks(app)
    from app.core.once import register_one_shot
    from app.core.plausibility import register_plausibility

    register_one_shot(app)
    register_plausibility(app)
    _register_errors(app)
    from app.core.filters import register_filters

    register_filters(app)
    from app.cli import register_cli

    register_cli(app)
    return app


def _refuse_weak_secret_key(app: Flask) -> None:
    """Outside testing, a missing or guessable key would let anyone mint an admin session cookie."""
    from config import weak_secret_key_reason

    reason = None if app.testing else weak_secret_key_reason(app.config.get("SECRET_KEY"))
    if reason:
        raise RuntimeError(
            f"{reason}。请设置环境变量 SECRET_KEY（python3 -c 'import secrets; print(secrets.token_hex(32))'），"
            "或运行 scripts/run.sh 生成 instance/secret_key（refusing to start without a strong SECRET_KEY）"
        )


def _ensure_instance_dir(app: Flask) -> None:
    from config import INSTANCE_DIR

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and str(INSTANCE_DIR) in uri:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)


def _migrations_dir():
    from config import BASE_DIR

    return BASE_DIR / "migrations"


def _import_models(app: Flask) -> None:
    """Import every feature's models so the metadata is complete."""
    import importlib

    importlib.import_module("app.core.audit")
    importlib.import_module("app.core.once")
    importlib.import_module("app.core.cache")
    for name in MODEL_FEATURES:
        importlib.import_module(f"app.{name}.models")
    from app.core.search import register_trigram_indexes

    register_trigram_indexes(app.config["SQLALCHEMY_DATABASE_URI"])


def _register_blueprints(app: Flask) -> None:
    import importlib

    for name in FEATURES:
        package = importlib.import_module(f"app.{name}")
        app.register_blueprint(package.bp)


def _register_hooks(app: Flask) -> None:
    from app.auth.models import User
    from app.core.audit import clear_audit_context, set_audit_context

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active else None

    @app.before_request
    def attribute_changes_to_user():
        source = "api" if request.path.startswith("/api/") else "web"
        set_audit_context(source=source, user=current_user if current_user.is_authenticated else None)

    @app.teardown_request
    def forget_audit_user(exc):
        # Threads and test clients are reused: the next request or command must not inherit this user.
        clear_audit_context()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.context_processor
    def navigation():
        from app.core.navigation import nav_for

        return {"nav_items": nav_for(app, current_user)}

    logging.getLogger("werkzeug").addFilter(_NoPasswordFilter())


class _NoPasswordFilter(logging.Filter):
    """Never let a password reach a log line (e.g. a mistaken GET with ?password=)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "password=" in message:
            import re

            record.msg = re.sub(r"password=[^&\s\"]*", "password=***", message)
            record.args = ()
        return True


def _register_errors(app: Flask) -> None:
    def render_error(code: int, title: str, message: str):
        if request.path.startswith("/api/"):
            return {"error": title, "message": message}, code
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(400)
    def bad_request(error):
        return render_error(
            400, "请求有误", getattr(error, "description", None) or "提交的内容无法处理，请检查后重试。"
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "页面已过期", "表单校验令牌缺失或已过期，请刷新页面后重新提交。")

    @app.errorhandler(403)
    def forbidden(error):
        return render_error(403, "没有权限", "您的账号无权查看或修改此内容。如有需要，请联系专班办公室。")

    @app.errorhandler(404)
    def not_found(error):
        return render_error(404, "页面不存在", "您要找的页面或记录不存在，或不在您的查看范围内。")

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_error(405, "请求方式不支持", "该地址不支持此请求方式。")

    @app.errorhandler(413)
    def too_large(error):
        return render_error(413, "文件过大", "上传的文件超过 20MB，请拆分后再上传。")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500, "系统错误", "系统处理时出现错误，数据未保存。请稍后重试或联系管理员。")
