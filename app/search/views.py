"""GET /api/search/<kind>?q=…: JSON options for a remote picker."""

from flask import abort, jsonify, request
from flask_login import current_user, login_required

from app.search import bp
from app.search.pickers import KINDS, LIMIT, may_search, search


@bp.route("/<kind>")
@login_required
def search_records(kind: str):
    if not may_search(kind, current_user):
        abort(403 if kind in KINDS else 404)
    text = (request.args.get("q") or "")[:100].replace("\x00", "")
    rows = search(kind, text, current_user, limit=LIMIT)
    return jsonify([{"value": row.id, "text": str(row)} for row in rows])
