"""Response policy for every page and download: not stored by browsers or proxies, exports audited.

A shared office computer's browser cache (or a proxy's) kept deal lists and report PDFs after
logout: pages and downloads say ``Cache-Control: no-store``; static assets stay cacheable.
Every download (Excel, PDF, the import's original file) writes an audit row naming who
exported which address with which filter.
"""

import logging
import re
from urllib.parse import unquote

from flask import Flask, request
from flask_login import current_user

from app.extensions import db

_FILENAME = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"?([^\";]+)\"?")
log = logging.getLogger(__name__)


def _filename(disposition: str) -> str:
    match = _FILENAME.search(disposition)
    if not match:
        return ""
    return unquote(match.group(1)) if match.group(1) else match.group(2)


def _audit_export(response) -> None:
    from app.core.audit import record_event

    try:
        record_event(
            "export",
            entity="exports",
            new={
                "path": request.path,
                "filter": unquote(request.query_string.decode("utf-8", "replace"))[:1000] or "（无）",
                "filename": _filename(response.headers.get("Content-Disposition", "")),
            },
        )
        db.session.commit()
    except Exception:  # the download itself must not fail because its log line did
        db.session.rollback()
        log.exception("could not audit the export of %s", request.path)


def apply_response_policy(response):
    if request.endpoint == "static":
        return response
    response.headers["Cache-Control"] = "no-store"
    if (
        "attachment" in response.headers.get("Content-Disposition", "")
        and response.status_code == 200
        and current_user.is_authenticated
    ):
        _audit_export(response)
    return response


def install(app: Flask) -> None:
    app.after_request(apply_response_policy)
