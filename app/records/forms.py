"""Forms of attachments and 批示."""

from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import ChineseForm


class UploadForm(ChineseForm):
    files = MultipleFileField("选择文件", validators=[Optional()])


class DeleteAttachmentForm(ChineseForm):
    reason = StringField("删除原因", validators=[DataRequired("请填写删除原因"), Length(max=500)])
    next = HiddenField()


class CommentForm(ChineseForm):
    body = TextAreaField("批示内容", validators=[DataRequired("请填写批示内容"), Length(max=2000)])
