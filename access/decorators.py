"""Every view declares its access rule through one of these decorators.

The URL walk test refuses any view without an ``access_rule`` attribute, so a new view
cannot ship without deciding who may reach it.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from access import policy
from access.policy import Ability, case_for_request


def public(view: Callable) -> Callable:
    """Mark a view that needs no login (login page, health check)."""
    view.access_rule = "public"
    return view


def signed_in(view: Callable) -> Callable:
    """Require a login; the view itself shows only the user's own data."""
    wrapped = login_required(view)
    wrapped.access_rule = "signed_in"
    return wrapped


def case_view(ability: Ability) -> Callable[[Callable], Callable]:
    """Require a login and the ability on the case named by the URL's ``code``.

    The view receives the :class:`access.CaseAccess` instead of the code.
    """

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
            access = case_for_request(request, code, ability)
            return view(request, access, *args, **kwargs)

        wrapper.access_rule = f"case:{ability.value}"
        return wrapper

    return decorator


def case_to_open_with_reason(view: Callable) -> Callable:
    """Require a login and a case of the user's own prison they may open with a reason (``access.policy``).

    The view receives the case instead of the code. Any other case, or a user who may not,
    gets the same 404 as a missing code; nothing is logged, since nothing of the case is read.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
        case = policy.case_to_open_with_reason(request.user, code)
        if case is None:
            raise Http404
        return view(request, case, *args, **kwargs)

    wrapper.access_rule = "case:open_with_reason"
    return wrapper
