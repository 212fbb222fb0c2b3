"""One mapper per kind of ledger: its columns, row planning (no writes) and row applying (through services)."""

from app.imports.mappers import deals, funds, projects

MAPPERS = {"deals": deals, "projects": projects, "funds": funds}
# The area whose edit right an import of each kind needs, besides "imports".
AREAS = {"deals": "deals", "projects": "projects", "funds": "funds"}
