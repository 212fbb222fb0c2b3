"""Home-page panels: each feature registers what it shows a user on the home page."""

from collections.abc import Callable

# order -> function(user) returning (template name, context dict) or None
_PANELS: list[tuple[int, Callable]] = []


def home_panel(order: int):
    """Decorator registering a home panel provider; lower order shows first."""

    def decorator(func):
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda item: item[0])
        return func

    return decorator


def panels_for(user) -> list[tuple[str, dict]]:
    """The panels to render for ``user``, in order."""
    result = []
    for _order, func in _PANELS:
        panel = func(user)
        if panel is not None:
            result.append(panel)
    return result
