"""Reference-data forms."""

from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import options
from app.core.forms import ChineseForm
from app.core.once import OneShot
from app.people.models import TARGET_METRICS, TASKFORCE_ROLES, UNIT_KINDS


class UnitForm(OneShot, ChineseForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=100)])
    short_name = StringField("简称", validators=[Optional(), Length(max=50)])
    kind = SelectField("类别", choices=options(UNIT_KINDS))
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    is_active = BooleanField("启用", default=True)


class LeaderForm(OneShot, ChineseForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    title = StringField("职务", validators=[Optional(), Length(max=100)])
    taskforce_role = SelectField("专班职务", choices=options([("", "—"), *TASKFORCE_ROLES]))
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    is_active = BooleanField("启用", default=True)


class ChannelForm(OneShot, ChineseForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=100)])
    short_name = StringField("简称", validators=[Optional(), Length(max=50)])
    is_bond = BooleanField("债券类（支出进度按发行额计算）")
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    is_active = BooleanField("启用", default=True)


class IndustryForm(OneShot, ChineseForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=50)])
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    is_active = BooleanField("启用", default=True)


class TargetForm(OneShot, ChineseForm):
    year = IntegerField(
        "年度", validators=[DataRequired("请填写年度"), NumberRange(2000, 2100, "年度须在2000至2100之间")]
    )
    metric = SelectField("指标", choices=options((k, v[0]) for k, v in TARGET_METRICS.items()))
    unit_id = SelectField("单位（留空为全县目标）", coerce=int, choices=[])
    value = StringField(
        "目标值（金额按万元，可写“180亿”；比率写“40%”；数量写整数）", validators=[DataRequired("请填写目标值")]
    )
