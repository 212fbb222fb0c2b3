"""One gate for untrusted request input: control characters refused, integers bounded.

A NUL byte in any text field or query argument reached PostgreSQL ("string literal cannot
contain NUL") and answered 500; ``page=99999999999999999999`` overflowed an OFFSET. Both are
stopped here, before any view runs, so no form or query needs to remember.
"""

import re
from itertools import chain
from urllib.parse import parse_qsl

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

# Forms may hold tabs and line breaks (textareas); nothing else below U+0020, nor DEL.
FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
QUERY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_INT = 2**31 - 1  # the database's INTEGER; ids, years, pages and sort orders live far below
# Query arguments read without ``type=int`` (Flask-SQLAlchemy's ``page``) still reach int(): a digit
# string longer than any id, page or year counts as unreadable, except in free-text search arguments.
_LONG_NUMBER = re.compile(r"[+-]?\d{11,}")
FREE_TEXT_ARGS = {"q", "name", "next"}
CONTROL_MESSAGE = "提交的内容含有不可见的控制字符（如 NUL），请删除后重试。"


class BoundedMultiDict(ImmutableMultiDict):
    """``get(..., type=int)`` treats a number beyond ±MAX_INT like any other unreadable value: the default."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
            return default
        return value


class QueryArgs(BoundedMultiDict):
    """Query arguments: also a long digit string read without ``type`` (then passed to int()) gives the default."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        raw = super().get(key)
        if key not in FREE_TEXT_ARGS and isinstance(raw, str) and _LONG_NUMBER.fullmatch(raw.strip()):
            return default
        return super().get(key, default=default, type=type)


class GuardedRequest(Request):
    parameter_storage_class = BoundedMultiDict

    @cached_property
    def args(self) -> QueryArgs:
        return QueryArgs(parse_qsl(self.query_string.decode(), keep_blank_values=True, errors="werkzeug.url_quote"))


def _has_control(pattern: re.Pattern, pairs) -> bool:
    return any(pattern.search(key) or (isinstance(value, str) and pattern.search(value)) for key, value in pairs)


def refuse_control_characters():
    """400 for a control character in the path, a query argument or a form field (files are not text)."""
    path_values = [(k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str)]
    if _has_control(QUERY_CONTROL, chain(request.args.items(multi=True), path_values)):
        abort(400, CONTROL_MESSAGE)
    if request.method in ("POST", "PUT", "PATCH") and _has_control(FORM_CONTROL, request.form.items(multi=True)):
        abort(400, CONTROL_MESSAGE)


def install(app: Flask) -> None:
    """Use the bounded request class and check every request before its view."""
    app.request_class = GuardedRequest
    app.before_request(refuse_control_characters)
