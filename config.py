"""Configuration classes; secrets and the database come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'crm.sqlite3'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_default()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024  # uploads: Excel ledgers, attachments (20 MB) plus the form
    # Login throttling: after SOFT failures each attempt is slowed, after HARD the
    # account (or address) is locked for LOCK_MINUTES.
    LOGIN_SLOW_AFTER = 3
    LOGIN_LOCK_AFTER = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_SLOW_SECONDS = 1.0
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
