"""Page sections contributed by features, so a lower layer's page can show a higher layer's data.

A page owns a *slot* ("home", "project", "leader", "unit", …). Features register
providers for a slot; the page renders whatever the providers return, in order.
This keeps the import direction (projects never import deals) while the project
page still lists the project's deals and applications.

    @panel("project", order=20)
    def project_deals(project, user):
        return "deals/_project_panel.html", {"deals": ...}   # or None to show nothing
"""

from collections import defaultdict
from collections.abc import Callable

_PROVIDERS: dict[str, list[tuple[int, Callable]]] = defaultdict(list)


def panel(slot: str, order: int = 50):
    """Decorator registering a provider for ``slot``; lower order renders first."""

    def decorator(func):
        providers = _PROVIDERS[slot]
        if all(existing is not func for _o, existing in providers):
            providers.append((order, func))
            providers.sort(key=lambda item: item[0])
        return func

    return decorator


def panels_for(slot: str, *args) -> list[tuple[str, dict]]:
    """(template, context) pairs for ``slot``; providers get ``*args`` (e.g. the record and the user)."""
    result = []
    for _order, func in _PROVIDERS.get(slot, []):
        rendered = func(*args)
        if rendered is not None:
            result.append(rendered)
    return result
