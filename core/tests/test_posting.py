"""The one POST pattern (core/posting.py): form, service, conflict, refusal, message, answer.

Each test sends a real request through the middleware that gives a view its messages and
its htmx details, to a small view that posts a form to a stand-in service.
"""

from django import forms
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.utils import translation
from django_htmx.middleware import HtmxMiddleware

from core.errors import ConcurrentEditError
from core.forms import DsForm
from core.posting import Refusal, conflict_message, post_form, refused_with_message


class NameForm(DsForm):
    name = forms.CharField()
    version = forms.IntegerField(required=False)


class Outcome:
    """What the view saw: the service's calls, the refusal, the form."""

    def __init__(self) -> None:
        self.saved: list[dict] = []
        self.refusal: Refusal | None = None
        self.form: NameForm | None = None


def send(data: dict | None, service, *, htmx: bool = False, partial: bool = False, **options):
    """POST ``data`` to a view that posts NameForm to ``service``; return the response, its messages, the outcome."""
    outcome = Outcome()

    def view(request):
        form = NameForm(request.POST or None)
        outcome.form = form

        def save(cleaned):
            outcome.saved.append(dict(cleaned))
            return service(cleaned)

        def refused(refusal: Refusal) -> HttpResponse:
            outcome.refusal = refusal
            return HttpResponse(str(form.errors), status=refusal.status)

        return post_form(
            request,
            form,
            save,
            done=lambda result: HttpResponseRedirect(f"/done/{result}"),
            refused=refused,
            partial=(lambda result: HttpResponse(f"partial {result}")) if partial else None,
            **options,
        )

    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().post("/", data or {}, headers=headers)
    response = SessionMiddleware(MessageMiddleware(HtmxMiddleware(view)))(request)
    said = [(message.level_tag, str(message)) for message in messages.get_messages(request)]
    return response, said, outcome


def test_a_valid_form_is_saved_said_and_answered():
    response, said, outcome = send({"name": "Kari"}, lambda cleaned: 7, message="Saved.")
    assert outcome.saved == [{"name": "Kari", "version": None}]
    assert response.status_code == 302 and response.url == "/done/7"
    assert said == [("success", "Saved.")]


def test_the_message_may_be_made_from_the_result():
    response, said, _outcome = send({"name": "Kari"}, lambda cleaned: cleaned["name"], message=lambda n: f"Hi {n}.")
    assert response.status_code == 302 and said == [("success", "Hi Kari.")]


def test_an_invalid_form_is_shown_again_with_its_errors_and_nothing_is_saved():
    response, said, outcome = send({"version": "x"}, lambda cleaned: 1, message="Saved.")
    assert response.status_code == 400
    assert outcome.saved == [] and said == []
    assert set(outcome.form.errors) == {"name", "version"}
    assert outcome.refusal == Refusal(status=400)


def test_an_empty_post_shows_the_form_as_on_a_get():
    response, said, outcome = send(None, lambda cleaned: 1, message="Saved.")
    assert response.status_code == 200 and outcome.saved == [] and said == []
    assert not outcome.form.errors


def refuse(error: ValidationError):
    def service(cleaned):
        raise error

    return service


def test_a_service_refusal_goes_next_to_the_fields_it_names():
    error = ValidationError({"name": "Taken.", "elsewhere": "Not a field here."})
    response, said, outcome = send({"name": "Kari"}, refuse(error), message="Saved.")
    assert response.status_code == 400 and said == []
    assert outcome.form.errors["name"] == ["Taken."]
    assert outcome.form.non_field_errors() == ["Not a field here."]
    assert outcome.refusal.status == 400 and outcome.refusal.current is None
    assert outcome.refusal.message == "Taken. Not a field here."


def test_a_service_refusal_without_a_field_goes_on_the_form():
    response, said, outcome = send({"name": "Kari"}, refuse(ValidationError("The case is closed.")), message="Saved.")
    assert response.status_code == 400 and said == []
    assert outcome.form.non_field_errors() == ["The case is closed."]
    assert outcome.refusal.message == "The case is closed."


def stale(current):
    def service(cleaned):
        raise ConcurrentEditError(current)

    return service


def test_a_conflict_says_the_one_conflict_message_and_passes_the_current_object():
    current = object()
    with translation.override("en"):
        response, said, outcome = send({"name": "Kari"}, stale(current), message="Saved.", changed="the case")
    text = "Someone else changed the case while you were working. Nothing of yours was saved. Look again."
    assert response.status_code == 400 and said == []
    assert outcome.form.non_field_errors() == [text]
    assert outcome.refusal == Refusal(status=400, message=text, current=current)


def test_a_conflict_answers_with_the_status_the_view_asks_for():
    with translation.override("en"):
        response, _said, outcome = send({"name": "Kari"}, stale("theirs"), conflict_status=409)
    assert response.status_code == 409 and outcome.refusal.current == "theirs"
    assert outcome.form.non_field_errors() == [
        "Someone else changed this while you were working. Nothing of yours was saved. Look again."
    ]


def test_the_conflict_message_is_translated_with_what_was_changed():
    with translation.override("nb"):
        assert (
            conflict_message("saken")
            == "Noen andre endret saken mens du jobbet. Ingenting av ditt ble lagret. Se igjen."
        )
        assert conflict_message().startswith("Noen andre endret dette mens du jobbet.")


def test_an_htmx_request_gets_the_partial_without_a_message():
    response, said, _outcome = send({"name": "Kari"}, lambda cleaned: 7, htmx=True, partial=True, message="Saved.")
    assert response.status_code == 200 and response.content == b"partial 7"
    assert said == []


def test_without_htmx_the_partial_is_not_used():
    response, said, _outcome = send({"name": "Kari"}, lambda cleaned: 7, partial=True, message="Saved.")
    assert response.status_code == 302 and said == [("success", "Saved.")]


def test_an_htmx_request_to_a_view_without_a_partial_is_answered_like_any_other():
    response, said, _outcome = send({"name": "Kari"}, lambda cleaned: 7, htmx=True, message="Saved.")
    assert response.status_code == 302 and said == [("success", "Saved.")]


def test_an_htmx_request_that_is_refused_gets_the_refusal_not_the_partial():
    response, _said, outcome = send({"name": ""}, lambda cleaned: 7, htmx=True, partial=True)
    assert response.status_code == 400 and outcome.saved == []


def button(service, *, with_form: bool = False):
    """A view whose form is not shown again: a refusal is said above the page it leads to."""

    def view(request):
        return post_form(
            request,
            NameForm(request.POST) if with_form else None,
            service,
            message="Done.",
            done=lambda result: HttpResponseRedirect("/done/"),
            refused=refused_with_message(request, lambda: HttpResponseRedirect("/page/"), invalid="Fill it in."),
        )

    request = RequestFactory().post("/")
    response = SessionMiddleware(MessageMiddleware(HtmxMiddleware(view)))(request)
    return response, [(message.level_tag, str(message)) for message in messages.get_messages(request)]


def test_a_button_is_saved_without_data():
    seen: list[dict] = []
    response, said = button(seen.append)
    assert seen == [{}] and response.url == "/done/" and said == [("success", "Done.")]


def test_a_refused_button_says_why_above_the_page():
    response, said = button(refuse(ValidationError(["Not now.", "Not you."])))
    assert response.url == "/page/" and said == [("error", "Not now. Not you.")]


def test_a_form_refused_by_itself_says_the_views_own_words_when_not_shown_again():
    seen: list[dict] = []
    response, said = button(seen.append, with_form=True)
    assert seen == [] and response.url == "/page/" and said == [("error", "Fill it in.")]
