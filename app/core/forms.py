"""Form base class and shared choice lists."""

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

from app.core.dates import today
from app.core.errors import InputError
from app.core.fields import options


class ChineseForm(FlaskForm):
    """A form whose built-in WTForms messages (bad choice, not an integer, too long …) read in Chinese."""

    class Meta:
        def get_translations(self, form):
            return get_translations(["zh"])


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
