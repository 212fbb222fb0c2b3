"""Where attachment bytes live: a local directory by content hash, or an S3-compatible bucket.

Both stores key a file by its SHA-256, so the same file uploaded twice is stored
once and a stored file never changes. The S3 store (MinIO, Ceph, AWS …) is used
when ``ATTACHMENTS_S3_BUCKET`` is set; boto3 is then imported, and only then.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


class LocalStore:
    """Files under ``root/ab/cd/<sha256>``."""

    def __init__(self, root) -> None:
        self.root = Path(root)

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, digest: str, data: bytes) -> None:
        path = self._path(digest)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside, then rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def get(self, digest: str) -> bytes | None:
        path = self._path(digest)
        return path.read_bytes() if path.exists() else None


class S3Store:
    """Objects ``<prefix><sha256>`` in one bucket of an S3-compatible server."""

    def __init__(self, bucket: str, *, prefix: str = "", client=None, endpoint_url: str | None = None) -> None:
        if client is None:
            import boto3  # optional dependency: only needed when an S3 store is configured

            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, digest: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + digest, Body=data)

    def get(self, digest: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + digest)
        except Exception as exc:  # botocore's NoSuchKey is a ClientError subclass; keep boto3 optional
            if "NoSuchKey" in type(exc).__name__ or "NoSuchKey" in str(exc) or "404" in str(exc):
                return None
            raise
        return response["Body"].read()


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store():
    """The configured attachment store (one per app)."""
    app = current_app
    existing = app.extensions.get("attachment_store")
    if existing is None:
        bucket = app.config.get("ATTACHMENTS_S3_BUCKET")
        if bucket:
            existing = S3Store(
                bucket,
                prefix=app.config.get("ATTACHMENTS_S3_PREFIX", ""),
                endpoint_url=app.config.get("ATTACHMENTS_S3_ENDPOINT"),
            )
        else:
            existing = LocalStore(app.config["ATTACHMENTS_DIR"])
        app.extensions["attachment_store"] = existing
    return existing
