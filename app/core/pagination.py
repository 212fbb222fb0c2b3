"""Pagination that never shows a page past the last one (``?page=999`` of 8 pages shows page 8)."""

from flask import request

from app.extensions import db

MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= argument, 1 when missing or nonsense, capped so no driver overflows."""
    text = request.args.get("page", "")
    return min(int(text), MAX_PAGE) if text.isdigit() and len(text) < 10 and int(text) > 0 else 1


def paginate(stmt, *, per_page: int, page: int | None = None, total: int | None = None):
    """db.paginate of ``stmt``, clamped to the last page when the page asked for is beyond it.

    ``total``, when the caller has counted the matches already, saves the count query.
    """
    page = requested_page() if page is None else page
    if total is not None:
        last = max(1, -(-total // per_page))
        result = db.paginate(stmt, page=min(page, last), per_page=per_page, error_out=False, count=False)
        result.total = total
        return result
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    if result.pages and page > result.pages:
        result = db.paginate(stmt, page=result.pages, per_page=per_page, error_out=False)
    return result
