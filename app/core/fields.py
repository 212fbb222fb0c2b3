"""WTForms fields for money (万元 in, integer yuan out) and the date forms officials type."""

from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from app.core.dates import parse_date, today
from app.core.errors import InputError
from app.core.money import parse_money, wan_input_value


class _ParsedField(StringField):
    """A text field parsed into another type: what was typed but unreadable is the error to show.

    Without this, ``DataRequired`` would wipe the parse error (“日期“2025-02-30”不存在”)
    and say “请填写…” about a field the user did fill in.
    """

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class MoneyField(_ParsedField):
    """Amount typed in 万元 (or with its own unit: 1.5亿, 5000万); ``data`` is integer yuan."""

    def __init__(self, label=None, validators=None, unit="万元", allow_negative=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.unit = unit
        self.allow_negative = allow_negative

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return wan_input_value(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = parse_money(
                    valuelist[0], unit=self.unit, allow_negative=self.allow_negative, what=str(self.label.text)
                )
            except InputError as exc:
                raise ValueError(exc.message) from exc

    def pre_validate(self, form):
        super().pre_validate(form)
        if self.data == 0 and any(isinstance(v, DataRequired) for v in self.validators):
            raise StopValidation(f"{self.label.text}{'不能为0' if self.allow_negative else '须大于0'}")


class FlexibleDateField(_ParsedField):
    """Date typed as 2025-03-15, 2025/3/15, 2025.3.15 or 2025年3月15日; ``not_future`` refuses tomorrow on."""

    def __init__(self, label=None, validators=None, not_future=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_future = not_future

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = parse_date(valuelist[0], what=str(self.label.text))
            except InputError as exc:
                raise ValueError(exc.message) from exc

    def post_validate(self, form, validation_stopped):
        if self.not_future and self.data and self.data > today():
            raise ValidationError(f"{self.label.text}不能晚于今天（{today().isoformat()}）")


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs or plain values (WTForms 3.3 wants SelectChoice)."""
    result = []
    for pair in pairs:
        value, label = pair if isinstance(pair, tuple) else (pair, pair)
        result.append(SelectChoice(value, label))
    return result


def choices_from(rows, blank: str | None = "—请选择—") -> list[SelectChoice]:
    """Choices (id, name) for a SelectField with coerce=int, with an optional blank (0) first."""
    choices = [SelectChoice(0, blank)] if blank is not None else []
    return choices + [SelectChoice(row.id, str(row)) for row in rows]
