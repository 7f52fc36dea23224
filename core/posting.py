"""One way to post a form to a service: the form checks, the service writes, the page answers.

Every view that saves something goes the same road (STYLE.md, "Views are thin"):

1. the form refuses what it can refuse itself: the page is shown again with the errors (400);
2. the service refuses what only it can know (a ``ValidationError``): its messages go next to
   the fields they name, or on the form (400);
3. someone else saved the object after this edit began (``ConcurrentEditError``): the one
   conflict message below, with what was changed, and the object as it is saved now (400, or
   409 where the page shows that object);
4. saved: a success message and the view's answer (a redirect), or for an htmx request the
   view's partial, which carries its own notice.

The view keeps what is its own: which form, which service, where to go, what to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.errors import ConcurrentEditError
from core.forms import DsForm

if TYPE_CHECKING:  # for annotations only: the request every signed-in view receives, with its htmx details
    from access.decorators import AuthenticatedHttpRequest

Result = TypeVar("Result")

#: The one conflict message; ``what`` names the thing someone else changed ("the case").
CONFLICT = gettext_lazy("Someone else changed %(what)s while you were working. Nothing of yours was saved. Look again.")
#: What was changed, when the view does not say.
SOMETHING = pgettext_lazy("what someone else changed", "this")


@dataclass(frozen=True)
class Refusal:
    """Why a posted form was not saved, for the page that shows it again."""

    #: 400 for errors; 200 for a form that was never filled in (an empty POST to a page's own form).
    status: int = 400
    #: What the service or the conflict said, in one line; empty when the form itself refused.
    message: str = ""
    #: On a conflict: the object as someone else saved it.
    current: Any = None


def conflict_message(what: str | Promise = SOMETHING) -> str:
    """The conflict message for ``what`` someone else changed (a phrase with its article: "the case")."""
    return str(CONFLICT % {"what": what})


def post_form(
    request: AuthenticatedHttpRequest,
    form: DsForm | None,
    save: Callable[[dict[str, Any]], Result],
    *,
    done: Callable[[Result], HttpResponse],
    refused: Callable[[Refusal], HttpResponse],
    message: str | Callable[[Result], str] | None = None,
    partial: Callable[[Result], HttpResponse] | None = None,
    changed: str | Promise = SOMETHING,
    conflict_status: int = 400,
) -> HttpResponse:
    """Save a posted form through a service and answer the request.

    ``save`` receives the form's cleaned data (``{}`` without a form: a button) and calls the
    service; its result goes to ``message``, ``done`` and ``partial``. ``refused`` shows the page
    again with the form's errors, at the status it is given. An htmx request is answered by
    ``partial`` when the view has one (no message: the partial says it), otherwise like any other.
    """
    if form is not None and not form.is_valid():
        # An empty POST leaves a page's own form unbound: it is shown again as on a GET.
        return refused(Refusal(status=400 if form.errors else 200))
    try:
        result = save(form.cleaned_data if form is not None else {})
    except ConcurrentEditError as error:
        text = conflict_message(changed)
        if form is not None:
            form.add_error(None, text)
        return refused(Refusal(status=conflict_status, message=text, current=error.current))
    except ValidationError as error:
        if form is not None:
            form.add_service_error(error)
        return refused(Refusal(message=" ".join(error.messages)))
    if partial is not None and request.htmx:
        return partial(result)
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)
    return done(result)


def refused_with_message(
    request: AuthenticatedHttpRequest, then: Callable[[], HttpResponse], invalid: str = ""
) -> Callable[[Refusal], HttpResponse]:
    """A refusal for a form the page does not show again: its message, above the page ``then`` answers with.

    ``invalid`` is said when the form itself refused (a button whose few fields were not filled in).
    """

    def answer(refusal: Refusal) -> HttpResponse:
        text = refusal.message or invalid
        if text:
            messages.error(request, text)
        return then()

    return answer
