"""Forms of the deals feature: investors, deals, stage moves, negotiations, funds in place, linking."""

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import FlexibleDateField, MoneyField, options
from app.core.forms import ChineseForm, VersionedForm
from app.core.once import OneShot
from app.core.plausibility import AmountCheck
from app.deals.models import AGREEMENT_TYPES, FUNDS_KINDS, NEGOTIATION_KINDS, ORIGINS
from app.projects.models import NATURES


class InvestorForm(OneShot, ChineseForm):
    name = StringField("投资方名称", validators=[DataRequired("请填写投资方名称"), Length(max=200)])
    credit_code = StringField("统一社会信用代码", validators=[Optional(), Length(max=30)])
    origin = SelectField("来源", choices=options([("", "—请选择—"), *ORIGINS]), default="")
    region = StringField("所在地", validators=[Optional(), Length(max=100)])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=5000)])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=50)])
    contact_title = StringField("联系人职务", validators=[Optional(), Length(max=100)])
    contact_phone = StringField("联系电话", validators=[Optional(), Length(max=50)])
    confirm_duplicate = BooleanField("我已核对，不是同一投资方，仍然保存")


class ContactForm(OneShot, ChineseForm):
    name = StringField("姓名", validators=[DataRequired("请填写联系人姓名"), Length(max=50)])
    title = StringField("职务", validators=[Optional(), Length(max=100)])
    phone = StringField("电话", validators=[Optional(), Length(max=50)])


class DealForm(OneShot, AmountCheck, VersionedForm, ChineseForm):
    amount_checks = {"contract_amount_yuan": "deals.contract_amount_yuan"}
    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"), Length(max=200)])
    investor_id = SelectField("投资方", coerce=int, choices=[], default=0)
    industry_id = SelectField("产业类别", coerce=int, choices=[], default=0)
    contract_amount_yuan = MoneyField("投资额/签约金额（万元）", validators=[Optional()])
    agreement_type = SelectField("协议类型", choices=options([("", "—请选择—"), *AGREEMENT_TYPES]), default="")
    lead_unit_id = SelectField("招商责任单位", coerce=int, choices=[], default=0)
    township_id = SelectField("所在乡镇", coerce=int, choices=[], default=0)
    leader_id = SelectField("包联领导", coerce=int, choices=[], default=0)
    co_unit_ids = SelectMultipleField("协同单位", coerce=int, choices=[])
    contact_name = StringField("对接人", validators=[Optional(), Length(max=50)])
    contact_phone = StringField("对接电话", validators=[Optional(), Length(max=50)])
    is_counted = BooleanField("计入考核", default=True)
    exclusion_reason = StringField("不计入考核的原因", validators=[Optional(), Length(max=500)])
    lead_on = FlexibleDateField("线索日期（首次接触）", not_future=True, validators=[Optional()])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=5000)])
    confirm_duplicate = BooleanField("我已核对，不是重复项目，仍然保存")


class StageMoveForm(ChineseForm):
    to_stage = SelectField("变更为", choices=[])
    effective_on = FlexibleDateField("生效日期", not_future=True, validators=[DataRequired("请填写生效日期")])
    note = TextAreaField("说明/佐证（选填）", validators=[Optional(), Length(max=500)])
    reason = StringField("原因（终止或退回时必填）", validators=[Optional(), Length(max=400)])
    files = MultipleFileField("佐证附件（选填：合同、营业执照、开工令等）", validators=[Optional()])


class CorrectDateForm(ChineseForm):
    effective_on = FlexibleDateField("更正后的日期", not_future=True, validators=[DataRequired("请填写更正后的日期")])
    note = StringField("更正原因", validators=[DataRequired("请说明更正原因"), Length(max=200)])


class NegotiationForm(OneShot, ChineseForm):
    held_on = FlexibleDateField("洽谈日期", not_future=True, validators=[DataRequired("请填写洽谈日期")])
    kind = SelectField("方式", choices=options(NEGOTIATION_KINDS))
    our_participants = StringField("我方人员", validators=[Optional(), Length(max=500)])
    their_participants = StringField("对方人员", validators=[Optional(), Length(max=500)])
    content = TextAreaField("洽谈内容", validators=[DataRequired("请填写洽谈内容"), Length(max=5000)])
    result = TextAreaField("洽谈结果", validators=[Optional(), Length(max=5000)])
    next_step = StringField("下一步", validators=[Optional(), Length(max=1000)])
    next_follow_up_on = FlexibleDateField("下次跟进日期", validators=[Optional()])


class FundsForm(OneShot, AmountCheck, ChineseForm):
    amount_checks = {"amount_yuan": "funds_in_place.amount_yuan"}
    received_on = FlexibleDateField("到位日期", not_future=True, validators=[DataRequired("请填写到位日期")])
    amount_yuan = MoneyField("到位金额（万元）", validators=[DataRequired("请填写到位金额")])
    kind = SelectField("类别", choices=options(FUNDS_KINDS))
    evidence = StringField("佐证说明", validators=[Optional(), Length(max=1000)])


class LinkProjectForm(ChineseForm):
    project_id = SelectField("项目库项目", coerce=int, choices=[], default=0)


class DealProjectForm(OneShot, ChineseForm):
    """A new project prefilled from a signed deal."""

    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"), Length(max=200)])
    code = StringField("统一项目代码", validators=[Optional(), Length(max=50)])
    nature = SelectField("建设性质", choices=options(NATURES))
    plan_year = IntegerField(
        "计划年度", validators=[DataRequired("请填写计划年度"), NumberRange(2000, 2100, "年度须在2000至2100之间")]
    )
    industry_id = SelectField("产业类别", coerce=int, choices=[], default=0)
    township_id = SelectField("所在乡镇", coerce=int, choices=[], default=0)
    lead_unit_id = SelectField("责任单位", coerce=int, choices=[], default=0)
    leader_id = SelectField("包联领导", coerce=int, choices=[], default=0)
    total_investment_yuan = MoneyField("总投资（万元）", validators=[Optional()])
    annual_plan_yuan = MoneyField("年度计划投资（万元）", validators=[Optional()])
    planned_start_on = FlexibleDateField("计划开工日期", validators=[Optional()])


class ConfirmForm(ChineseForm):
    """An empty form carrying the CSRF token for one-button actions."""

    next = HiddenField()
