import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English msgids, whatever the Norwegian translations say."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
