"""MoneyField and FlexibleDateField inside forms: the message names what was typed, never “请填写…” for it."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, InputRequired

from app.core.fields import FlexibleDateField, MoneyField
from app.core.forms import ChineseForm


class RequiredForm(ChineseForm):
    class Meta:
        csrf = False

    on = FlexibleDateField("洽谈日期", not_future=True, validators=[DataRequired("请填写洽谈日期")])
    amount = MoneyField("到位金额（万元）", validators=[DataRequired("请填写到位金额")])
    signed = MoneyField("调整金额（万元）", allow_negative=True, validators=[DataRequired("请填写调整金额")])
    requested = MoneyField("申请金额（万元）", validators=[InputRequired("请填写申请金额")])


def validate(app, **data):
    with app.test_request_context(method="POST"):
        form = RequiredForm(
            formdata=MultiDict({"on": "2025-03-15", "amount": "100", "signed": "-5", "requested": "100", **data})
        )
        form.validate()
        return form


def test_unreadable_date_in_a_required_field_says_what_is_wrong(app):
    form = validate(app, on="明天")
    assert form.on.errors == ["洽谈日期“明天”无法识别，请写成 2025-03-15、2025/3/15、2025.3.15 或 2025年3月15日"]


def test_impossible_date_in_a_required_field_says_it_does_not_exist(app):
    form = validate(app, on="2025-02-30")
    assert form.on.errors == ["洽谈日期“2025-02-30”不存在（2025年2月30日）"]
    form = validate(app, on="2026-13-01")
    assert form.on.errors == ["洽谈日期“2026-13-01”不存在（2026年13月1日）"]


@pytest.mark.parametrize("typed", ["abc", "1.5亿x"])
def test_letters_in_a_required_amount_say_not_a_number(app, typed):
    form = validate(app, amount=typed, requested=typed)
    assert form.amount.errors == [f"到位金额（万元）“{typed}”不是数字"]
    assert form.requested.errors == [f"申请金额（万元）“{typed}”不是数字"]


def test_zero_in_a_required_amount_asks_for_more_than_zero(app):
    form = validate(app, amount="0", signed="0")
    assert form.amount.errors == ["到位金额（万元）须大于0"]
    assert form.signed.errors == ["调整金额（万元）不能为0"]


def test_blank_required_fields_still_ask_to_fill_in(app):
    form = validate(app, on="", amount="", requested="")
    assert form.on.errors == ["请填写洽谈日期"]
    assert form.amount.errors == ["请填写到位金额"]
    assert form.requested.errors == ["请填写申请金额"]


def test_good_input_passes_and_future_dates_are_still_refused(app):
    form = validate(app, on="2025年3月15日", amount="1.5亿", signed="-5", requested="５０００万")
    assert form.errors == {}
    assert (form.on.data, form.amount.data, form.signed.data, form.requested.data) == (
        date(2025, 3, 15),
        150_000_000,
        -50_000,
        50_000_000,
    )
    form = validate(app, on="2099-01-01")
    assert form.on.errors[0].startswith("洽谈日期不能晚于今天")
