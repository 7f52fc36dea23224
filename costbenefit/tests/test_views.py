"""The analyst's cost-benefit pages: read, edit (htmx and not), refuse, and see the gain move."""

import contextlib
import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Country
from costbenefit.models import Assumptions, AssumptionVersion
from costbenefit.selectors import programmes_to_start
from costbenefit.services import assumptions_start
from costbenefit.views import CHANGED_EVENT
from journal.models import JournalEntry
from programmes.models import Programme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@contextlib.contextmanager
def speaking(client, language: str):
    """Pages in the language the reader chose (the language cookie), and its words here too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        yield


@pytest.fixture
def denmark() -> Assumptions:
    return Assumptions.objects.get(country=Country.DENMARK, programme__isnull=True)


@pytest.fixture
def analyst(client_for, personas):
    return client_for(personas.analyst)


def posted(of: AssumptionVersion, **changes) -> dict:
    data = {
        "value_per_success": str(of.value_per_success),
        "value_source": of.value_source,
        "cost_per_participant": str(of.cost_per_participant),
        "cost_source": of.cost_source,
        "comparison_percent": str(of.comparison_percent),
        "comparison_source": of.comparison_source,
        "currency": of.currency,
        "note": "",
        "version": str(of.number),
    }
    return {**data, **changes}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def table_row(response, table: str, row: str) -> str:
    body = response.content.decode()
    start = body.index(f'id="{table}"')
    start = body.index(f'data-estimate="{row}"', body.index("<tbody>", start))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body[start : body.index("</tr>", start)])))


def state(line: Assumptions) -> tuple:
    line.refresh_from_db()
    return line.version, AssumptionVersion.objects.filter(line=line).count(), JournalEntry.objects.count()


def test_the_analyst_reads_every_line_with_its_current_values(analyst, denmark):
    with speaking(analyst, "en"):
        response = analyst.get(reverse("costbenefit:index"))
    assert response.status_code == 200
    page = text(response)
    assert "Denmark" in page and "Norway" in page and "Exit" in page
    assert "745,000 DKK" in page and "32,000,000 NOK" in page
    assert reverse("costbenefit:line", args=[denmark.pk]) in response.content.decode()


def test_the_line_shows_its_sources_the_formula_and_the_gain_drawn_with_its_table(analyst, denmark):
    with speaking(analyst, "da"):
        response = analyst.get(reverse("costbenefit:line", args=[denmark.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Exitprogrammet (Københavns Kommune, 2015)" in page  # the source, as the reader reads it
    assert 'id="gain-chart"' in response.content.decode() and page.count("298.000 DKK") >= 2  # drawn and in the table
    assert "298.000 DKK" in table_row(response, "gain-table", "1")
    assert "29.800.000 DKK" in table_row(response, "gain-table", "1")  # 100 participants at 40 of 100
    assert "Wilson" in page


def test_an_edit_by_htmx_makes_a_version_and_the_gain_moves(analyst, denmark, personas):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    with speaking(analyst, "en"):
        response = analyst.post(
            reverse("costbenefit:edit", args=[denmark.pk]),
            posted(current, cost_per_participant="140000", cost_source="EKP budget 2014", note="Cost apart"),
            **HTMX,
        )
    assert response.status_code == 200
    assert response["HX-Trigger"] == CHANGED_EVENT  # the gain's form asks again
    assert 'id="assumptions"' in response.content.decode() and "<html" not in response.content.decode()
    page = text(response)
    assert "Saved as version 2" in page and "Cost apart" in page and "Anna" in page
    denmark.refresh_from_db()
    assert denmark.version == 2
    with speaking(analyst, "en"):
        moved = analyst.get(
            reverse("costbenefit:gain", args=[denmark.pk]), {"participants": 100, "followed": 100, "successes": 40}
        )
        old = analyst.get(
            reverse("costbenefit:gain", args=[denmark.pk]),
            {"participants": 100, "followed": 100, "successes": 40, "version": 1},
        )
    assert moved.status_code == old.status_code == 200
    assert "158,000 DKK" in table_row(moved, "gain-table", "1")  # 298,000 - 140,000
    assert "version 2" in text(moved)
    assert "298,000 DKK" in table_row(old, "gain-table", "1") and "version 1" in text(old)


def test_an_edit_without_htmx_redirects_with_a_message(analyst, denmark):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    response = analyst.post(
        reverse("costbenefit:edit", args=[denmark.pk]), posted(current, comparison_percent="25"), follow=True
    )
    assert response.redirect_chain == [(reverse("costbenefit:line", args=[denmark.pk]), 302)]
    assert AssumptionVersion.objects.get(line=denmark, number=2).comparison_percent == Decimal(25)


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"value_per_success": "-5"}, "value_per_success", "greater than or equal to 0"),
        ({"comparison_percent": "140"}, "comparison_percent", "less than or equal to 100"),
        ({"cost_per_participant": "lots"}, "cost_per_participant", "Enter a number"),
        ({"value_source": ""}, "value_source", "This field is required"),
        ({"currency": "XYZ"}, "currency", "Select a valid choice"),
        ({"version": "x"}, None, ""),
    ],
)
def test_a_bad_edit_changes_nothing_and_says_why(analyst, denmark, changes, field, says, htmx):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    before = state(denmark)
    with speaking(analyst, "en"):
        response = analyst.post(
            reverse("costbenefit:edit", args=[denmark.pk]), posted(current, **changes), **(HTMX if htmx else {})
        )
    assert response.status_code == 400
    assert state(denmark) == before
    if field is not None:
        body = response.content.decode()
        error = body[body.index(f'id="id_{field}_error"') :]
        assert says in error[: error.index("</div>")]


def test_an_edit_that_changes_nothing_says_so(analyst, denmark):
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    before = state(denmark)
    with speaking(analyst, "en"):
        response = analyst.post(reverse("costbenefit:edit", args=[denmark.pk]), posted(current), **HTMX)
    assert response.status_code == 400
    assert "Nothing was changed" in text(response)
    assert state(denmark) == before


@pytest.mark.parametrize("htmx", [True, False])
def test_a_stale_edit_is_refused_with_the_newer_values_shown(analyst, denmark, htmx):
    """Two tabs opened version 1; the first saves, the second is told and shown what is saved now."""
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    url = reverse("costbenefit:edit", args=[denmark.pk])
    assert analyst.post(url, posted(current, comparison_percent="20"), **HTMX).status_code == 200
    before = state(denmark)
    with speaking(analyst, "en"):
        response = analyst.post(url, posted(current, comparison_percent="35"), **(HTMX if htmx else {}))
    assert response.status_code == 409
    assert state(denmark) == before
    assert "Someone else changed the assumptions" in text(response)
    body = response.content.decode()
    assert 'name="version" value="2"' in body and 'name="comparison_percent" value="20.00"' in body


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"participants": 10, "followed": 10, "successes": 11}, "more in work or education than were followed up"),
        ({"participants": -1, "followed": 10, "successes": 5}, "greater than or equal to 0"),
        ({"participants": "many", "followed": 10, "successes": 5}, "Enter a whole number"),
        ({"participants": 10, "followed": 10, "successes": 5, "version": 99}, "no such version"),
    ],
)
def test_bad_figures_give_no_gain_and_say_why(analyst, denmark, query, says):
    with speaking(analyst, "en"):
        part = analyst.get(reverse("costbenefit:gain", args=[denmark.pk]), query)
        page = analyst.get(reverse("costbenefit:line", args=[denmark.pk]), query)
    assert part.status_code == page.status_code == 400
    assert says in text(part) and says in text(page)
    assert 'id="gain-table"' not in part.content.decode()


def test_a_share_of_too_few_shows_no_gain(analyst, denmark):
    with speaking(analyst, "en"):
        part = analyst.get(
            reverse("costbenefit:gain", args=[denmark.pk]), {"participants": 8, "followed": 8, "successes": 4}
        )
    assert part.status_code == 200
    assert "Too few followed up" in text(part) and 'id="gain-table"' not in part.content.decode()


@pytest.mark.parametrize("language", ["nb", "da", "en"])
def test_the_pages_read_in_every_language(analyst, denmark, language):
    with speaking(analyst, language):
        for url in (reverse("costbenefit:index"), reverse("costbenefit:line", args=[denmark.pk])):
            response = analyst.get(url)
            assert response.status_code == 200
            if language != "en":
                assert "Value per success" not in text(response)


NOT_ANALYSTS = ("person", "contact_officer", "social_worker", "nav_with_consent", "municipal_without_consent")


@pytest.mark.parametrize("persona", [*NOT_ANALYSTS, "volunteer", "outsider", "admin"])
def test_anyone_but_the_analyst_gets_404_and_changes_nothing(client_for, personas, denmark, persona):
    client = client_for(getattr(personas, persona))
    current = AssumptionVersion.objects.get(line=denmark, number=1)
    before = state(denmark)
    urls = [
        reverse("costbenefit:index"),
        reverse("costbenefit:line", args=[denmark.pk]),
        reverse("costbenefit:gain", args=[denmark.pk]),
    ]
    for url in [*urls, reverse("costbenefit:start")]:
        assert client.get(url).status_code == 404, url
    edit = reverse("costbenefit:edit", args=[denmark.pk])
    assert client.post(edit, posted(current, value_per_success="1")).status_code == 404
    assert client.post(edit, posted(current, value_per_success="1"), **HTMX).status_code == 404
    lines = Assumptions.objects.count()
    assert (
        client.post(reverse("costbenefit:start"), {"programme": Programme.objects.get(slug="tog").pk}).status_code
        == 404
    )
    assert Assumptions.objects.count() == lines
    assert state(denmark) == before


def test_a_line_that_does_not_exist_is_404_for_the_analyst(analyst):
    for name in ("costbenefit:line", "costbenefit:gain", "costbenefit:edit"):
        assert analyst.get(reverse(name, args=[999999])).status_code == 404, name


def test_the_analyst_gives_a_programme_its_own_line(analyst):
    with speaking(analyst, "en"):
        index = analyst.get(reverse("costbenefit:index"))
    body = index.content.decode()
    start = body.index('id="start-heading"')
    choices = body[start : body.index("</form>", start)]
    assert "TOG" in choices or "tog" in choices.lower()
    assert "Exit" not in choices  # it has its own line already
    tog = Programme.objects.get(slug="tog")
    response = analyst.post(reverse("costbenefit:start"), {"programme": tog.pk})
    line = Assumptions.objects.get(programme=tog)
    assert response.status_code == 302 and response["Location"] == reverse("costbenefit:line", args=[line.pk])
    again = analyst.post(reverse("costbenefit:start"), {"programme": tog.pk}, follow=True)
    assert again.status_code == 200 and Assumptions.objects.filter(programme=tog).count() == 1
    assert analyst.post(reverse("costbenefit:start"), {}).status_code == 302  # refused, said on the index


def test_no_form_to_start_a_line_when_every_programme_has_one(analyst, personas):
    for programme in programmes_to_start():
        assumptions_start(actor=personas.analyst, programme=programme)
    assert Programme.objects.count() == Assumptions.objects.filter(programme__isnull=False).count()
    assert 'id="start-heading"' not in analyst.get(reverse("costbenefit:index")).content.decode()
