"""show_input_error: the one way a service's InputError reaches a form field."""

import pytest
from wtforms import StringField

from app.core.errors import InputError
from app.core.forms import ChineseForm, show_input_error


class StatusForm(ChineseForm):
    title = StringField("名称")
    status = StringField("状态")


@pytest.mark.parametrize(
    "field, aliases, shown_on",
    [
        ("status", None, "status"),
        (None, None, "title"),
        ("no_such_field", None, "title"),
        ("to_status", {"to_status": "status"}, "status"),
        ("to_status", None, "title"),
    ],
)
def test_the_message_lands_on_the_named_field_else_the_default(app, field, aliases, shown_on):
    with app.test_request_context(method="POST"):
        form = StatusForm()
        form.validate()
        show_input_error(form, InputError("说明有误", field=field), "title", aliases=aliases)
        assert {name: list(form[name].errors) for name in ("title", "status")} == {
            "title": ["说明有误"] if shown_on == "title" else [],
            "status": ["说明有误"] if shown_on == "status" else [],
        }
