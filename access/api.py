"""Who a machine client of the integration API is, and for whom and on which cases it may act (issue 23).

- A client is known by the token's ``client_id`` and must be active; if its row names an
  organisation number, the token's ``consumer.ID`` must carry it.
- A scope counts when the token carries it and the client's row allows it: the row caps
  what any token may let the client do.
- Events from the prison system touch only cases whose prison is the client's agency; any
  other case, like a missing one, is not found.
- A read is made for one member of the client's own agency, who must be an active user
  allowed to see cases; what that member may see is decided by ``access.policy``, exactly
  as for their own pages (``cases_visible_to``, ``access_by_code``, ``CaseAccess``).
"""

from __future__ import annotations

from access.policy import case_visibility
from accounts.models import User
from api.models import ApiClient
from api.tokens import Claims
from cases.models import Case


def client_for(claims: Claims) -> ApiClient | None:
    """The active client the token was issued to; None for an unknown, inactive or mismatched one."""
    if not claims.client_id:
        return None
    client = ApiClient.objects.select_related("agency").filter(client_id=claims.client_id, active=True).first()
    if client is None or (client.consumer_id and client.consumer_id != claims.consumer_id):
        return None
    return client


def has_scope(client: ApiClient, claims: Claims, scope: str) -> bool:
    """Whether the token carries the scope and the client may use it."""
    return scope in claims.scopes and scope in (client.scopes or [])


def event_case(client: ApiClient, code: str) -> Case | None:
    """The case of this code in the client's own prison; None for a case elsewhere or none at all."""
    if not client.agency.is_prison:
        return None
    return Case.objects.filter(code=code, institution_id=client.agency_id).select_related("institution").first()


def acting_member(client: ApiClient, username: str) -> User | None:
    """The member of the client's own agency the client reads for; None if there is no such member who sees cases."""
    if not username:
        return None
    member = User.objects.select_related("agency").filter(username=username, agency_id=client.agency_id).first()
    if member is None or case_visibility(member) is None:
        return None
    return member
