"""Fund-application forms: the application, a status change, a review step, a ledger entry."""

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.fields import FlexibleDateField, MoneyField, options
from app.core.forms import ChineseForm, VersionedForm
from app.core.once import OneShot
from app.core.plausibility import AmountCheck
from app.funds.models import ALL_STATUSES, REVIEW_DECISIONS, REVIEW_LEVELS

LEDGER_KIND_LABELS = {
    "下达": "下达（批复/下达资金）",
    "发行": "发行（债券发行，仅债券类）",
    "拨付": "拨付（资金拨付到项目单位）",
    "支出": "支出（实际支出）",
}


class ApplicationForm(AmountCheck, VersionedForm, ChineseForm):
    amount_checks = {"requested_yuan": "fund_applications.requested_yuan"}
    channel_id = SelectField("资金渠道", coerce=int, choices=[])
    year = SelectField("申报年度", coerce=int, choices=[])
    batch = StringField("申报批次", validators=[Optional(), Length(max=50, message="申报批次不能超过50字")])
    title = StringField(
        "申报项目名称",
        validators=[DataRequired("请填写申报项目名称"), Length(max=200, message="申报项目名称不能超过200字")],
    )
    project_ids = SelectMultipleField(
        "关联项目（可多选）", coerce=int, choices=[], invalid_choice_message="所选项目不存在或不在您的查看范围内"
    )
    applicant_unit_id = SelectField("申报单位", coerce=int, choices=[])
    leader_id = SelectField("包联领导", coerce=int, choices=[])
    requested_yuan = MoneyField("申请金额（万元）", validators=[InputRequired("请填写申请金额")])
    deadline_on = FlexibleDateField("申报截止日期")
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000, message="备注不能超过2000字")])

    def data_for_service(self) -> dict:
        """Model attributes from the fields (0 in a select means none)."""
        return {
            "channel_id": self.channel_id.data or None,
            "year": self.year.data,
            "batch": (self.batch.data or "").strip() or None,
            "title": (self.title.data or "").strip(),
            "applicant_unit_id": self.applicant_unit_id.data or None,
            "leader_id": self.leader_id.data or None,
            "requested_yuan": self.requested_yuan.data,
            "deadline_on": self.deadline_on.data,
            "notes": (self.notes.data or "").strip() or None,
        }


class NewApplicationForm(OneShot, ApplicationForm):
    status = SelectField("当前状态", choices=options(["谋划储备", "已申报", "审核中"]))
    effective_on = FlexibleDateField("登记日期", not_future=True, validators=[DataRequired("请填写登记日期")])
    status_on = FlexibleDateField("当前状态生效日期（选填，默认同登记日期）", not_future=True)


class StatusForm(ChineseForm):
    to_status = SelectField("新状态", choices=options(ALL_STATUSES))
    effective_on = FlexibleDateField("生效日期", not_future=True, validators=[DataRequired("请填写生效日期")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=1000, message="说明不能超过1000字")])


class ReviewForm(OneShot, ChineseForm):
    level = SelectField("审核层级", choices=options(REVIEW_LEVELS))
    decision = SelectField("审核结果", choices=options(REVIEW_DECISIONS))
    decided_on = FlexibleDateField("审核日期", not_future=True, validators=[DataRequired("请填写审核日期")])
    opinion = TextAreaField("审核意见", validators=[Optional(), Length(max=2000, message="审核意见不能超过2000字")])


class LedgerForm(OneShot, AmountCheck, ChineseForm):
    amount_checks = {"amount_yuan": "fund_ledger_entries.amount_yuan"}
    kind = SelectField("类别", choices=options(list(LEDGER_KIND_LABELS.items())))
    entry_on = FlexibleDateField("日期", not_future=True, validators=[DataRequired("请填写日期")])
    amount_yuan = MoneyField("金额（万元）", allow_negative=True, validators=[InputRequired("请填写金额")])
    is_adjustment = BooleanField("调整记录（可超过上一环节金额或为负数冲减，须填写原因）")
    reason = StringField("调整原因", validators=[Optional(), Length(max=500, message="调整原因不能超过500字")])
    note = StringField("说明（文号等）", validators=[Optional(), Length(max=500, message="说明不能超过500字")])
    sync_status = BooleanField("同步更新申报状态（登记下达→“已下达”，登记拨付→“执行中”）", default=True)
    files = MultipleFileField("批复/下达文件（选填，可多选）", validators=[Optional()])

    def data_for_service(self) -> dict:
        return {
            "kind": self.kind.data,
            "entry_on": self.entry_on.data,
            "amount_yuan": self.amount_yuan.data,
            "is_adjustment": bool(self.is_adjustment.data),
            "reason": self.reason.data,
            "note": self.note.data,
        }


class CorrectStatusDateForm(ChineseForm):
    effective_on = FlexibleDateField("更正后的日期", not_future=True, validators=[DataRequired("请填写更正后的日期")])
    note = StringField(
        "更正原因", validators=[DataRequired("请填写更正原因"), Length(max=200, message="更正原因不能超过200字")]
    )


class VoidLedgerForm(ChineseForm):
    voided_on = FlexibleDateField("作废日期", not_future=True, validators=[DataRequired("请填写作废日期")])
    reason = StringField(
        "作废原因", validators=[DataRequired("请填写作废原因"), Length(max=400, message="作废原因不能超过400字")]
    )
