"""The thread service, called directly: a message is journaled with its author, case, body and audience
in its transaction; an unknown audience, an empty or too long body is refused and saves nothing."""

import pytest
from django.core.exceptions import ValidationError

from core.audience import Audience
from journal.models import JournalEntry
from threads.models import Message
from threads.services import MAX_LENGTH, message_post

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, int]:
    return Message.objects.count(), JournalEntry.objects.count()


def test_a_message_is_journaled_with_its_author_case_body_and_audience(case, personas):
    message = message_post(actor=personas.nav_with_consent, case=case, body="  Møte tirsdag kl. 10.  ")
    assert (message.body, message.audience, message.author) == (
        "Møte tirsdag kl. 10.",
        Audience.COVERED,  # the consent's rule, unless the author chose another audience
        personas.nav_with_consent,
    )
    entry = JournalEntry.objects.get(action="message.post", object_type="threads.message", object_id=str(message.pk))
    assert (entry.actor, entry.case_id, entry.old) == (personas.nav_with_consent, case.pk, None)
    assert entry.new == {"body": "Møte tirsdag kl. 10.", "audience": Audience.COVERED}


@pytest.mark.parametrize("audience", list(Audience.values))
def test_each_audience_the_author_chooses_is_kept(case, personas, audience):
    message = message_post(actor=personas.contact_officer, case=case, body="Beskjed.", audience=audience)
    assert Message.objects.get(pk=message.pk).audience == audience


def test_a_body_of_exactly_the_longest_length_is_taken(case, personas):
    message = message_post(actor=personas.person, case=case, body="x" * MAX_LENGTH)
    assert len(message.body) == MAX_LENGTH


@pytest.mark.parametrize(
    ("body", "audience", "field"),
    [
        ("Hei.", "everyone-outside", "audience"),
        ("Hei.", "", "audience"),
        ("   \n  ", Audience.GROUP, "body"),
        ("x" * (MAX_LENGTH + 1), Audience.GROUP, "body"),
    ],
)
def test_a_bad_message_is_refused_on_its_field_and_nothing_is_saved(case, personas, body, audience, field):
    before = rows()
    with pytest.raises(ValidationError) as refused:
        message_post(actor=personas.contact_officer, case=case, body=body, audience=audience)
    assert list(refused.value.message_dict) == [field]
    assert rows() == before
