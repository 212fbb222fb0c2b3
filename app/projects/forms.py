"""Project forms: the project itself and a month of completed investment."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.fields import FlexibleDateField, MoneyField, options
from app.core.forms import ChineseForm, VersionedForm
from app.core.once import OneShot
from app.core.plausibility import AmountCheck
from app.projects.models import NATURES, RESERVE_STATUSES

KEY_CHOICES = [("auto", "自动（年度计划≥5000万元）"), ("yes", "是（人工认定）"), ("no", "否（人工排除）")]
KEY_VALUES = {"auto": None, "yes": True, "no": False}


class ProjectForm(OneShot, AmountCheck, VersionedForm, ChineseForm):
    amount_checks = {
        "total_investment_yuan": "projects.total_investment_yuan",
        "annual_plan_yuan": "projects.annual_plan_yuan",
    }
    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"), Length(max=200)])
    code = StringField("统一项目代码", validators=[Optional(), Length(max=50)])
    plan_year = SelectField("计划年度", coerce=int, choices=[])
    nature = SelectField("建设性质", choices=options(NATURES))
    industry_id = SelectField("产业类别", coerce=int, choices=[], default=0)
    township_id = SelectField("所在乡镇", coerce=int, choices=[], default=0)
    lead_unit_id = SelectField("责任单位", coerce=int, choices=[])
    leader_id = SelectField("包联领导", coerce=int, choices=[], default=0)
    total_investment_yuan = MoneyField("总投资（万元）", validators=[InputRequired("请填写总投资")])
    annual_plan_yuan = MoneyField("年度计划投资（万元）", validators=[Optional()])
    key_choice = SelectField("重点项目", choices=options(KEY_CHOICES))
    reserve_status = SelectField("储备状态", choices=options(RESERVE_STATUSES))
    planned_start_on = FlexibleDateField("计划开工日期")
    actual_start_on = FlexibleDateField("实际开工日期", not_future=True)
    planned_completion_on = FlexibleDateField("计划竣工日期")
    actual_completion_on = FlexibleDateField("实际竣工日期", not_future=True)
    stats_registered_on = FlexibleDateField("入库纳统日期", not_future=True)
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000)])

    def data_for_service(self) -> dict:
        """Field values as model attributes (0 in a select means none)."""
        data = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "once_token", "confirm_amount", "key_choice", "version")
        }
        for name in ("industry_id", "township_id", "lead_unit_id", "leader_id"):
            data[name] = data[name] or None
        data["key_override"] = KEY_VALUES.get(self.key_choice.data)
        data["notes"] = (data["notes"] or "").strip() or None
        return data


class InvestmentForm(OneShot, ChineseForm):
    period = StringField("月份", validators=[DataRequired("请填写月份")])
    amount_yuan = MoneyField("完成投资（万元）", validators=[InputRequired("请填写完成投资")])
    note = StringField("说明", validators=[Optional(), Length(max=500)])
