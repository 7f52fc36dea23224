"""The person's own words: on a need, a wish, on a proposal, a request for a meeting (issue 18, point 3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.posting import post_form, refused_with_message
from needs.selectors import need_for_case
from ownwords import selectors
from ownwords.forms import MeetingRequestForm, WordsForm
from ownwords.models import OwnWords
from ownwords.services import (
    meeting_request,
    meeting_request_answer,
    need_words_write,
    proposal_words_write,
    wish_write,
)
from plans.models import MeasureStatus
from plans.selectors import measure_for_case


def _write_page(
    request: AuthenticatedHttpRequest,
    access: CaseAccess,
    *,
    page: str,
    form: WordsForm | MeetingRequestForm | None,
    earlier: Sequence[OwnWords],
    save: Callable[[dict[str, Any]], OwnWords],
    here: str,
    **context: Any,
) -> HttpResponse:
    """Show the person's form with what they wrote before; on a POST, save through the service."""

    def show(status: int = 200) -> HttpResponse:
        values = {"access": access, "case": access.case, "page": page, "form": form, "earlier": earlier, **context}
        return render(request, "ownwords/write.html", values, status=status)

    if request.method != "POST" or form is None:
        return show()
    return post_form(
        request,
        form,
        save,
        message=_("Your words are saved."),
        done=lambda _words: redirect(here),
        refused=lambda refusal: show(refusal.status),
    )


@case_view(Ability.WRITE_OWN_WORDS)
def need_words(request: AuthenticatedHttpRequest, access: CaseAccess, need_id: int) -> HttpResponse:
    """Add your own words to one of your needs. The person only."""
    need = need_for_case(access, need_id)
    return _write_page(
        request,
        access,
        page="need",
        form=WordsForm(request.POST or None),
        earlier=selectors.words_on_need(access, need.pk),
        save=lambda data: need_words_write(actor=request.user, need=need, text=data["text"]),
        here=request.path,
        need=need,
    )


@case_view(Ability.WRITE_OWN_WORDS)
def wish(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Write what you wish for your life after prison. The person only."""
    return _write_page(
        request,
        access,
        page="wish",
        form=WordsForm(request.POST or None),
        earlier=selectors.wishes(access),
        save=lambda data: wish_write(actor=request.user, case=access.case, text=data["text"]),
        here=request.path,
    )


@case_view(Ability.WRITE_OWN_WORDS)
def proposal_words(request: AuthenticatedHttpRequest, access: CaseAccess, measure_id: int) -> HttpResponse:
    """Say what you think of an idea before you choose. The person only."""
    measure = measure_for_case(access, measure_id)
    proposed = measure.status == MeasureStatus.PROPOSED
    return _write_page(
        request,
        access,
        page="proposal",
        form=WordsForm(request.POST or None) if proposed else None,
        earlier=selectors.words_on_measure(access, measure.pk),
        save=lambda data: proposal_words_write(actor=request.user, measure=measure, text=data["text"]),
        here=request.path,
        measure=measure,
    )


@case_view(Ability.WRITE_OWN_WORDS)
def meeting(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Ask for a meeting: what about, and when suits you. The person only."""
    return _write_page(
        request,
        access,
        page="meeting",
        form=MeetingRequestForm(request.POST or None),
        earlier=selectors.meeting_requests(access),
        save=lambda data: meeting_request(actor=request.user, case=access.case, text=data["text"], suits=data["suits"]),
        here=request.path,
    )


@case_view(Ability.BOOK_MEETING)
@require_POST
def answered(request: AuthenticatedHttpRequest, access: CaseAccess, words_id: int) -> HttpResponse:
    """Mark the person's request for a meeting answered. The case's prison staff and lead."""
    words = selectors.meeting_request_for_case(access, words_id)

    def back() -> HttpResponse:
        return redirect("cases:overview", code=access.case.code)

    return post_form(
        request,
        None,
        lambda _data: meeting_request_answer(actor=request.user, words=words),
        message=_("The request is marked as answered."),
        done=lambda _words: back(),
        refused=refused_with_message(request, back),
    )
