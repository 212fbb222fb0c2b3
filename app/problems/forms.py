"""Problem forms: register/edit, status move, escalation."""

from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.fields import FlexibleDateField, options
from app.core.forms import ChineseForm, VersionedForm
from app.core.once import OneShot
from app.problems.models import ESCALATION_LEVELS

LEVEL_CHOICES = [(level, f"{level}级 · {label}") for level, label in ESCALATION_LEVELS.items()]


class ProblemForm(OneShot, VersionedForm, ChineseForm):
    project_id = SelectField("关联项目", coerce=int, choices=[], default=0)
    deal_id = SelectField("关联招商项目", coerce=int, choices=[], default=0)
    description = TextAreaField("问题描述", validators=[DataRequired("请填写问题描述"), Length(max=4000)])
    found_on = FlexibleDateField("发现日期", not_future=True, validators=[InputRequired("请填写发现日期")])
    unit_id = SelectField("责任单位", coerce=int, choices=[], default=0)
    leader_id = SelectField("包联领导", coerce=int, choices=[], default=0)
    deadline_on = FlexibleDateField("办结时限")
    escalation_level = SelectField("督办层级", coerce=int, choices=options(LEVEL_CHOICES), default=1)

    def data_for_service(self) -> dict:
        data = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "once_token", "version")
        }
        for name in ("project_id", "deal_id", "unit_id", "leader_id"):
            data[name] = data[name] or None
        return data


class MoveForm(ChineseForm):
    to_status = SelectField("流转至", choices=[])
    effective_on = FlexibleDateField("日期", not_future=True, validators=[InputRequired("请填写日期")])
    note = StringField("说明（退回时必填原因）", validators=[Optional(), Length(max=1000)])
    resolution = TextAreaField("办结情况（销号时必填）", validators=[Optional(), Length(max=4000)])
    files = MultipleFileField("佐证附件（选填，可多选）", validators=[Optional()])


class EscalateForm(ChineseForm):
    level = SelectField("督办层级", coerce=int, choices=options(LEVEL_CHOICES))
    note = StringField("原因（降级时必填）", validators=[Optional(), Length(max=500)])
