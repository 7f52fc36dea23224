"""Every view declares its access rule through one of these decorators.

The URL walk test refuses any view without an ``access_rule`` attribute, so a new view
cannot ship without deciding who may reach it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django_htmx.middleware import HtmxDetails

from access import policy
from access.policy import Ability, CaseAccess, case_for_request
from accounts.models import User

P = ParamSpec("P")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

#: The attribute the URL walk looks for on every view.
ACCESS_RULE = "access_rule"


class AuthenticatedHttpRequest(HttpRequest):
    """A request that ``signed_in`` or ``case_view`` let through: its user is signed in.

    Only for annotations (django-stubs' advice): the request object is Django's own.
    """

    user: User
    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware, on every request


def public(view: View) -> View:
    """Mark a view that needs no login (login page, health check)."""
    setattr(view, ACCESS_RULE, "public")
    return view


def signed_in(view: View) -> View:
    """Require a login; the view itself shows only the user's own data."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_RULE, "signed_in")
    return wrapped


#: The rule of the second factor's own pages (enrol, verify): reached after the password alone.
SECOND_FACTOR_STEP = "second_factor_step"


def second_factor_step(view: View) -> View:
    """Require a login, but not the second factor: the pages where staff pass or set it up."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_RULE, SECOND_FACTOR_STEP)
    return wrapped


def case_view(
    ability: Ability,
) -> Callable[
    [Callable[Concatenate[AuthenticatedHttpRequest, CaseAccess, P], HttpResponse]],
    Callable[..., HttpResponse],
]:
    """Require a login and the ability on the case named by the URL's ``code``.

    The view receives the :class:`access.CaseAccess` instead of the code. The wrapper is
    called by Django's URL resolver, with ``code`` and the other URL parts as keywords.
    """

    def decorator(
        view: Callable[Concatenate[AuthenticatedHttpRequest, CaseAccess, P], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, code: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            access = case_for_request(request, code, ability)
            # case_for_request let only a signed-in viewer through (access.viewer is request.user).
            return view(cast(AuthenticatedHttpRequest, request), access, *args, **kwargs)

        setattr(wrapper, ACCESS_RULE, f"case:{ability.value}")
        return wrapper

    return decorator


def case_to_open_with_reason(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Require a login and a case of the user's own prison they may open with a reason (``access.policy``).

    The view receives the case instead of the code. Any other case, or a user who may not,
    gets the same 404 as a missing code; nothing is logged, since nothing of the case is read.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        case = policy.case_to_open_with_reason(user, code) if isinstance(user, User) else None
        if case is None:
            raise Http404
        return view(request, case, *args, **kwargs)

    setattr(wrapper, ACCESS_RULE, "case:open_with_reason")
    return wrapper
