"""Sections the records feature adds to other pages: 新批示 on the owner's home page, a leader's 批示 on his page."""

from app.core.panels import panel
from app.records import queries, targets


def _title(record_type: str, record) -> str:
    return getattr(record, "name", None) or getattr(record, "title", None) or str(record)


@panel("home", order=5)
def unread_comments(user):
    """新批示: 批示 by others on the records the user owns, not yet opened."""
    items = queries.unread_for(user)
    if not items:
        return None
    rows = [
        {
            "comment": item.comment,
            "title": _title(item.record_type, item.record),
            "label": targets.targets()[item.record_type].label,
            "url": targets.page_url(item.record_type, item.record) + "#comments",
        }
        for item in items
        if item.record is not None and targets.may_read(user, item.record_type, item.record)
    ]
    return ("records/_unread_panel.html", {"rows": rows}) if rows else None


@panel("leader", order=5)
def leader_comments(leader, user):
    """The 批示 a county leader has written, newest first, linked to their records when the reader may open them."""
    rows = []
    for comment in queries.comments_by_leader(leader.id):
        record = targets.load(comment.record_type, comment.record_id)
        if record is None or not targets.may_read(user, comment.record_type, record):
            continue
        rows.append(
            {
                "comment": comment,
                "title": _title(comment.record_type, record),
                "label": targets.targets()[comment.record_type].label,
                "url": targets.page_url(comment.record_type, record) + "#comments",
            }
        )
    return "records/_leader_panel.html", {"rows": rows, "leader": leader}
