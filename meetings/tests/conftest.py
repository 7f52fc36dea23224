import pytest
from django.utils import translation

from meetings.models import Meeting, MeetingKind


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English msgids, whatever the Norwegian translations say."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def group_meeting(case):
    return Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
