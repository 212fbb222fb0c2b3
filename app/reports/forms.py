"""Forms of the reports page."""

from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import ChineseForm


class IssueForm(ChineseForm):
    """发布 a month; a corrected version needs a note saying what was corrected."""

    note = TextAreaField("更正说明", validators=[Optional(), Length(max=1000, message="更正说明不能超过1000字")])
