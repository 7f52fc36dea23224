"""The one place that decides who sees and does what with a case (DOMAIN.md §5).

Views fetch case-scoped objects only through :func:`case_for_request`; selectors scope
their querysets with :func:`cases_visible_to` and a :class:`CaseAccess`.

``access`` is also a Django app (its models: access with a reason, ``access.models``), so
the names below are read from ``access.policy`` when first asked for, after the apps load.
"""

__all__ = [
    "Ability",
    "CaseAccess",
    "case_for_request",
    "cases_visible_to",
    "require_ability",
]


def __getattr__(name: str):
    if name in __all__:
        from access import policy

        return getattr(policy, name)
    raise AttributeError(name)
