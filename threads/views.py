"""The group's message thread."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from access.decorators import AuthenticatedHttpRequest, case_view
from access.policy import Ability, CaseAccess
from core.audience import audience_labels
from core.posting import post_form
from threads.forms import MessageForm
from threads.selectors import audience_readers, messages_for_case
from threads.services import message_post

#: Messages on one page of the thread.
THREAD_PAGE_SIZE = 50


@case_view(Ability.USE_THREAD)
def thread(request: AuthenticatedHttpRequest, access: CaseAccess) -> HttpResponse:
    """Read and write the group thread; htmx swaps the thread. The person and the group's current members,
    each reading their own messages and those written for an audience they belong to (access.policy)."""
    form = MessageForm(request.POST or None, for_person=access.is_person)

    def page(form: MessageForm, status: int = 200) -> HttpResponse:
        # Oldest first, as a conversation reads; the newest page unless an older one is asked for.
        paginator = Paginator(messages_for_case(access), THREAD_PAGE_SIZE)
        asked = request.GET.get("page") if request.method == "GET" else None
        shown = paginator.get_page(asked or paginator.num_pages)
        context = {
            "access": access,
            "case": access.case,
            "thread": list(shown.object_list),
            "page": shown,
            "page_query": "",
            "form": form,
            "readers": audience_readers(access.case, for_person=access.is_person),
            "audience_labels": audience_labels(for_person=access.is_person),
        }
        template = "threads/_thread.html" if request.htmx else "threads/thread.html"
        return render(request, template, context, status=status)

    if request.method != "POST":
        return page(form)
    return post_form(
        request,
        form,
        lambda data: message_post(actor=request.user, case=access.case, body=data["body"], audience=data["audience"]),
        # The thread itself shows the message just written: no other message is needed.
        done=lambda _message: redirect("threads:thread", code=access.case.code),
        partial=lambda _message: page(MessageForm(for_person=access.is_person)),
        refused=lambda refusal: page(form, refusal.status),
    )
