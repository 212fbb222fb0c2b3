"""Form base class and shared choice lists."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.i18n import get_translations

from app.core.dates import today
from app.core.errors import InputError
from app.core.fields import options


class ChineseForm(FlaskForm):
    """A form whose built-in WTForms messages (bad choice, not an integer, too long …) read in Chinese."""

    class Meta:
        def get_translations(self, form):
            return get_translations(["zh"])

    def validate(self, extra_validators=None) -> bool:
        """WTForms' checks, then a hard bound on every integer so the database never sees an overflow."""
        from app.core.input_guard import MAX_INT

        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, IntegerField) and isinstance(field.data, int) and abs(field.data) > MAX_INT:
                field.errors = [*field.errors, f"{field.label.text}数值过大"]
                valid = False
        return valid


def show_input_error(form, exc: InputError, default: str, *, aliases: dict | None = None) -> None:
    """Show a service's ``InputError`` on the form field it names, else on ``default``.

    ``aliases`` maps a service's field name to the form's where they differ (to_status → status).
    """
    name = (aliases or {}).get(exc.field, exc.field)
    target = form[name] if name and name in form else form[default]
    target.errors = [*target.errors, exc.message]


def year_choices(extra: int | None = None) -> list:
    """Years offered in forms and filters: a few around today (plus one already stored)."""
    years = set(range(2024, today().year + 3))
    if extra:
        years.add(extra)
    return options((y, f"{y}年") for y in sorted(years, reverse=True))


class VersionedForm:
    """Mixin for the edit form of a Versioned record: a hidden ``version``, the one the form was opened at.

    Built with ``obj=record``, the form refuses (StaleEdit, answered 409) a submission whose version
    is no longer the record's: somebody saved in between, and saving would silently undo that.
    """

    version = HiddenField()

    def __init__(self, *args, **kwargs):
        self._versioned_record = kwargs.get("obj")
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        from app.core.versioning import ensure_current

        if self._versioned_record is not None and self.version.raw_data:
            ensure_current(self._versioned_record, self)
        return super().validate(extra_validators)
