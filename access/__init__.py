"""The one place that decides who sees and does what with a case (DOMAIN.md §5).

Views fetch case-scoped objects only through :func:`case_for_request`; selectors scope
their querysets with :func:`cases_visible_to` and a :class:`CaseAccess`.
"""

from access.policy import (
    Ability,
    CaseAccess,
    case_for_request,
    cases_visible_to,
    require_ability,
)

__all__ = [
    "Ability",
    "CaseAccess",
    "case_for_request",
    "cases_visible_to",
    "require_ability",
]
