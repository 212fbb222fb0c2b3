"""GET /api/search/<kind>?q=…: JSON options for a remote picker, one view per kind so each declares
its area with ``@require`` (projects → 项目库, investors and deals → 招商引资, leaders → 驾驶舱)."""

from flask import jsonify, request
from flask_login import current_user

from app.core.permissions import require
from app.search import bp
from app.search.pickers import AREAS, KINDS, LIMIT, search


def _view(kind: str):
    def search_kind():
        text = (request.args.get("q") or "")[:100].replace("\x00", "")
        rows = search(kind, text, current_user, limit=LIMIT)
        return jsonify([{"value": row.id, "text": str(row)} for row in rows])

    search_kind.__name__ = f"search_{kind}"
    return require(AREAS[kind])(search_kind)


for _kind in KINDS:
    bp.add_url_rule(f"/{_kind}", endpoint=_kind, view_func=_view(_kind))
