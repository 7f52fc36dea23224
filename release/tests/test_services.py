"""The release services: an item is marked unfinished only with its reason."""

import pytest
from django.core.exceptions import ValidationError

from release.services import readiness_item_update
from release.tests.test_readiness import items_of, plan_release

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "state", "note", "field", "message"),
    [
        ("health", "done", "", "owner", "Choose who answers for this before marking it done."),
        ("housing", "not_needed", "", "note", "Say why it is not needed."),
        ("told", "done", "", "state", "This is done once NAV and the municipality are both recorded as told"),
    ],
)
def test_unfinished_states_are_refused_with_a_reason(remand_case, users, key, state, note, field, message):
    transition = plan_release(remand_case, users["kari.kontakt"])
    item = items_of(transition)[key]
    with pytest.raises(ValidationError) as refused:
        readiness_item_update(
            actor=users["kari.kontakt"], item=item, owner=item.owner, state=state, note=note, version=1
        )
    assert message in refused.value.message_dict[field][0]
    item.refresh_from_db()
    assert (item.state, item.version) == ("missing", 1)
