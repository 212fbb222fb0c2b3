"""Fund and project figures: taken from the funds and projects features, never recomputed here."""

from datetime import date


def fund_figures(year: int, as_of: date) -> tuple[dict, dict]:
    """Per-channel figures (``app.funds.queries.channel_figures``) and their total over channels."""
    from app.funds.queries import channel_figures, figures_total

    per_channel = channel_figures(year, as_of)
    return per_channel, figures_total(per_channel)


def project_figures(year: int, as_of: date) -> dict:
    """Project and plan figures (``app.projects.queries.plan_figures``)."""
    from app.projects.queries import plan_figures

    return plan_figures(year, as_of)
