"""Upload form for a ledger."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import ValidationError

from app.core.fields import options
from app.core.forms import ChineseForm
from app.core.permissions import can
from app.imports.mappers import AREAS
from app.imports.models import KINDS


class UploadForm(ChineseForm):
    kind = SelectField("台账类型", choices=options(list(KINDS.items())), validate_choice=False)
    file = FileField(
        "Excel 文件",
        validators=[
            FileRequired("请选择要导入的 Excel 文件"),
            FileAllowed(["xlsx", "xls", "xlsm"], "只能导入 Excel 文件（.xlsx 或 .xls）"),
        ],
    )

    def limit_kinds(self, user) -> None:
        """Offer only the kinds whose records the user may edit."""
        self.kind.choices = options([(k, v) for k, v in KINDS.items() if can(user, AREAS[k], "edit")])

    def validate_kind(self, field) -> None:
        if field.data not in [choice.value for choice in self.kind.choices]:
            raise ValidationError("请选择您可以导入的台账类型")
