"""Login and user-administration forms."""

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.core.fields import options
from app.core.forms import ChineseForm
from app.core.once import OneShot
from app.core.permissions import ROLES


class LoginForm(ChineseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


class UserForm(OneShot, ChineseForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名"),
            Length(max=64, message="用户名不超过64个字符"),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和短横线"),
        ],
    )
    display_name = StringField("姓名", validators=[Optional(), Length(max=64)])
    role = SelectField("角色", choices=options(ROLES.items()))
    unit_id = SelectField("所属单位（乡镇/部门账号必填）", coerce=int, choices=[])
    leader_id = SelectField("对应县级领导（领导账号必填）", coerce=int, choices=[])
    active = BooleanField("启用", default=True)
    password = PasswordField("密码（新建时必填，修改时留空表示不变）", validators=[Optional()])


class PasswordResetForm(ChineseForm):
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])


class ChangeOwnPasswordForm(ChineseForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    # A typo in a password nobody else knows would lock the user out: type it twice.
    confirm = PasswordField(
        "再次输入新密码", validators=[DataRequired("请再次输入新密码"), EqualTo("password", "两次输入的新密码不一致")]
    )
