"""The one place that decides who sees and does what with a case (DOMAIN.md §5).

Views fetch case-scoped objects only through ``access.policy.case_for_request``; selectors scope
their querysets with ``access.policy.cases_visible_to`` and a ``CaseAccess``. ``access`` is also a
Django app: its models record access with a reason (``access.models``).
"""
