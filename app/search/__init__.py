"""Remote search for pickers that can grow (projects, investors, deals, leaders).

Pages render only the selected records in a picker's ``<select>`` and mark it ``data-remote``;
Tom Select (static/js/app.js) asks ``GET /api/search/<kind>?q=…`` as the user types. Results go
through the same permission matrix and ``visible()`` scoping as the lists, 20 at a time.
"""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/api/search")

from app.search import views  # noqa: E402,F401
