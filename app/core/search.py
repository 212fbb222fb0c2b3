"""Substring search (``ILIKE '%…%'``) on PostgreSQL through ``pg_trgm`` GIN indexes.

The indexes are attached to the models' tables only when the application runs on PostgreSQL (the
metadata then matches the migration there); SQLite keeps its plain scans of the same queries. The migration perf_0001 creates the
extension and the indexes; ``create_all`` (tests, scripts) does the same through the events below.
"""

import sqlalchemy as sa

from app.extensions import db

# (index name, table, column) of the searched text columns
TRGM_INDEXES = [
    ("ix_deals_name_trgm", "deals", "name"),
    ("ix_investors_name_trgm", "investors", "name"),
    ("ix_projects_name_trgm", "projects", "name"),
    ("ix_fund_applications_title_trgm", "fund_applications", "title"),
    ("ix_problems_description_trgm", "problems", "description"),
]


def register_trigram_indexes(database_uri: str) -> None:
    """Attach the GIN indexes to the loaded tables (once, after every model is imported), on PostgreSQL."""
    if not database_uri.startswith("postgresql"):
        return
    tables = db.metadata.tables
    for name, table, column in TRGM_INDEXES:
        target = tables.get(table)
        if target is None or any(index.name == name for index in target.indexes):
            continue
        sa.Index(name, target.c[column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(
            dialect="postgresql"
        )
    if not sa.event.contains(db.metadata, "before_create", _create_extension):
        sa.event.listen(db.metadata, "before_create", _create_extension)


_create_extension = sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")
