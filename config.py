"""Configuration classes; secrets and the database come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'crm.sqlite3'}"


SECRET_KEY_FILE = INSTANCE_DIR / "secret_key"  # written once by scripts/run.sh
# Values published in this repository or its history: anyone could sign a session with them.
KNOWN_WEAK_KEYS = {"dev-only-not-secret", "testing", "secret", "changeme", "change-me", "x"}


def _secret_key() -> str | None:
    """SECRET_KEY from the environment, else from instance/secret_key; never a built-in default."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if SECRET_KEY_FILE.is_file():
        return SECRET_KEY_FILE.read_text(encoding="utf-8").strip() or None
    return None


def weak_secret_key_reason(key) -> str | None:
    """Why ``key`` cannot sign sessions (missing, known, short, repetitive), or None when it is strong."""
    if not key:
        return "未设置 SECRET_KEY"
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    if key in KNOWN_WEAK_KEYS:
        return "SECRET_KEY 是公开的开发用值"
    if len(key) < 32:
        return "SECRET_KEY 太短（至少32个字符，建议 64 位十六进制随机数）"
    if len(set(key)) < 12:
        return "SECRET_KEY 不够随机"
    return None


class Config:
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_default()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))  # 0: no idle timeout
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024  # uploads: Excel ledgers, attachments (20 MB) plus the form
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "50000"))  # data rows per ledger sheet
    # Login throttling (app/auth/services.py): after SLOW_AFTER failures of an account (or 4× that
    # from one address) each attempt waits SLOW_SECONDS; after LOCK_AFTER failures of one account
    # from one address, that address is locked out of that account for LOCK_MINUTES.
    LOGIN_SLOW_AFTER = 3
    LOGIN_LOCK_AFTER = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_SLOW_SECONDS = 1.0
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the socket
    # address is the client). Behind the recommended HTTPS proxy: 1. Never more than really exist.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PAGE_SIZE = 20
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default; the testing config trades it for speed
    CRM_TODAY = os.environ.get("CRM_TODAY")  # ISO date; pins "today" for demos and tests
    # Attachments: files by content hash under ATTACHMENTS_DIR, or in an S3-compatible bucket when
    # ATTACHMENTS_S3_BUCKET is set (boto3 then reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR") or str(INSTANCE_DIR / "attachments")
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES") or 20 * 1024 * 1024)
    ATTACHMENTS_S3_BUCKET = os.environ.get("ATTACHMENTS_S3_BUCKET")
    ATTACHMENTS_S3_ENDPOINT = os.environ.get("ATTACHMENTS_S3_ENDPOINT")  # e.g. http://127.0.0.1:9000 for MinIO
    ATTACHMENTS_S3_PREFIX = os.environ.get("ATTACHMENTS_S3_PREFIX", "attachments/")
    # Figures cache (app/core/cache.py): Redis when set (e.g. redis://127.0.0.1:6379/0), else in-process.
    CACHE_URL = os.environ.get("CACHE_URL")
    # The zone that defines "today" for every date rule, default, alert and report, and in
    # which stored UTC times are shown.
    TIME_ZONE = os.environ.get("CRM_TIME_ZONE", "Asia/Shanghai")


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    LOGIN_SLOW_SECONDS = 0.0
    SERVER_NAME = None
    # One cheap round: hashing dominated the suite's time (scrypt ~0.1 s a hash).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "生产环境必须设置环境变量：" + "、".join(missing) + "（production requires these variables）"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the config class named by CRM_ENV (development by default)."""
    name = os.environ.get("CRM_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"未知的 CRM_ENV：{name}（可选 development / testing / production）")
    return CONFIGS[name]
