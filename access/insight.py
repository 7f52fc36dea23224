"""Who reaches the figures of benefits realisation (issue 22): the rules in one place.

A minimal part of the module h22-insight writes (brief22.md): only the rule the cost-benefit
needs. The lead reconciles it with the full module.

- The cost-benefit's assumptions (costbenefit/) are read, edited and drawn by the analyst, who
  counts the country: aggregates only, no case. Anyone else is answered as if the pages did
  not exist (404).
"""

from accounts.models import Role, User


def may_edit_assumptions(user: User) -> bool:
    """The analyst reads and edits the cost-benefit's assumptions and sees the gain they give."""
    return user.is_authenticated and user.is_active and user.role == Role.ANALYST
