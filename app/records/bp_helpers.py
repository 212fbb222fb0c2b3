"""Redirects back to the page showing a record."""

from flask import redirect

from app.records import targets


def back_to(attachment):
    record = targets.load(attachment.record_type, attachment.record_id)
    return redirect(targets.page_url(attachment.record_type, record) + "#attachments")
