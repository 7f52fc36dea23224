"""Every page the person can reach reads plainly: LIX at most 35, in Norwegian and in Danish.

LIX (Björnsson's läsbarhetsindex) = words / sentences + 100 × long words / words, counted on
the page's visible text by these rules:

- The visible text: the text of the page's body, without <script>, <style>, <template>, and
  without elements marked ``hidden`` or ``aria-hidden="true"``; the body of a closed
  <details> is left out (its <summary> counts): what stays behind a "why" until asked.
- A word is a run of letters (any alphabet; digits and signs are not letters), so "30." and
  "§" are not words and "Bergen-fengsel" is two.
- A long word has more than 6 letters.
- A sentence ends at ". ! ? :" and at the end of a line: every block element (paragraph,
  heading, list item, table cell, label, button, option, summary, <br>) ends its line. A
  stretch without a word is no sentence.

Seed 000 (poor reading and writing skills) and seed 001 1.2.2 (the road is "foggy") are why.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from access.tests.test_url_walk import PERSONAS, TABLE, all_patterns, url_kwargs
from core.readability import lix, visible_text

pytestmark = pytest.mark.django_db

LIMIT = 35
#: Every page the person reaches is within the limit. The LIX of each page, before and after it was
#: rewritten (issue 18), for the note. Before, the pages above the limit or within 2 of it, in nb or da,
#: on 5 December 2026 (dates in words move a score by a point from month to month). Measured then:
#: nb / da. The Django admin's password pages (a person with a spent link lands there): 51.0 / 44.0 and
#: 37.7 / 34.0; the accessibility statement 38.5 / 36.8; the privacy notice 35.6 / 37.0; a measure
#: 37.9 / 38.5 and two versions of the plan side by side 39.5 / 39.5 (the demo's long measure title,
#: written by staff, and the change sentences); the plan 31.9 / 36.6; a meeting 35.5 / 37.1 and the list
#: 31.4 / 34.1; the thread 34.7 / 35.4; the group 33.4 / 34.4; the calendar 33.8 / 34.3; the needs map
#: 31.0 / 33.9.
#: Rewritten in issue 18 (branch h18-person2), LIX nb / da before -> after, measured 5 December 2026:
#: obstacles:case 37.3 / 36.8 -> 29.6 / 30.3 (the person's form has no map code or agency fields);
#: cases:group 34.1 / 35.1 -> 33.2 / 34.1; timetable:calendar 33.8 / 34.3 -> 32.5 / 31.5;
#: meetings:list 32.8 / 35.4 -> 29.7 / 31.4; threads:thread 34.9 / 35.7 -> 34.2 / 34.8 (still too
#: close to the limit then; rewritten again below).
#: Rewritten in issue 18 (branch h18-person3), LIX nb / da before -> after, measured 5 December 2026:
#: password_reset_confirm (a spent link) 51.0 / 44.0 -> 16.6 / 19.0 and password_reset_complete
#: 37.7 / 34.0 -> 25.2 / 25.2 (our own pages instead of the Django admin's); accessibility 38.5 / 36.8 ->
#: 23.7 / 22.2 (the laws and the test's details behind a "details" after a plain sentence); privacy
#: 35.6 / 37.0 -> 19.8 / 20.3 (written to the person, the laws behind a "details"); threads:thread
#: 34.5 / 35.1 -> 26.7 / 25.3 (who reads what you write, in your words: core.audience.PERSON_LABELS);
#: meetings:detail 35.9 / 37.5 -> 30.3 / 29.9 (what we talk about, who comes, what was said, what you agreed);
#: needs:map 32.0 / 34.8 -> 27.9 / 27.7 (what you need, what you are good at, who sees a need); plans:plan
#: 32.5 / 37.2 -> 28.6 / 26.2 (ideas you say yes or no to, what you have chosen, what it asks of you);
#: plans:measure 39.5 / 39.0 -> 29.0 / 29.3 (who does it, what you do, where you go; the title is staff's);
#: plans:compare 40.7 / 40.7 -> 31.6 / 31.6 (what changed, in words under each part, not only in colour);
#: plans:versions 32.4 / 35.0 -> 17.1 / 18.5 (at the limit in da; copies of your plan, each with a number);
#: cases:group 33.8 / 34.8 -> 31.6 / 31.2 (within 2 of the limit in da; one plain sentence, where they work).
#: New in issue 18, point 4 (branch h18-achieve), measured 5 December 2026, nb / da: achievements:list
#: (what I have achieved) 25.0 / 30.9 with the demo's forklift certificate and school subject; the
#: person's start page (cases:overview) 24.8 / 26.7 -> 24.1 / 26.2 with the link to it.
#: Written in issue 18, point 3 (branch h18-words), LIX nb / da measured 5 December 2026, with the form
#: empty: ownwords:need 18.9 / 15.5, ownwords:wish 13.5 / 15.6, ownwords:proposal (a started measure: no
#: form) 23.5 / 22.2, ownwords:meeting 19.3 / 20.5; with the links to them, cases:overview 22.8 / 24.7 and
#: needs:map 25.5 / 25.9.

#: Rewritten in issue 18 and kept well inside the limit, with the person's start page and own pages.
WELL_INSIDE = (
    "cases:overview",
    "applications:list",
    "applications:detail",
    "personpages:road",
    "achievements:list",
    "password_reset_confirm",
    "password_reset_complete",
    "accessibility",
    "privacy",
    "threads:thread",
    "meetings:detail",
    "needs:map",
    "plans:plan",
    "plans:measure",
    "plans:versions",
    "cases:group",
    "ownwords:need",
    "ownwords:wish",
    "ownwords:proposal",
    "ownwords:meeting",
    "surveys:answer",
)


def test_the_counting_rules():
    text = visible_text(
        "<html><head><title>Tittel</title></head><body><h1>Veien din</h1>"
        "<p>Du kan søke om permisjon. Spør kontaktbetjenten din!</p><script>skjult tekst</script>"
        "<details><summary>Hvorfor?</summary><p>Straffegjennomføringsloven paragraf</p></details>"
        "<p hidden>Gjemt</p><ul><li>Bolig</li><li>Penger 30. mai</li></ul></body></html>"
    )
    assert "skjult" not in text and "Gjemt" not in text and "Straffegjennomføringsloven" not in text
    assert "Tittel" not in text and "Hvorfor?" in text
    score, words = lix(text)
    # Words: Veien din Du kan søke om permisjon Spør kontaktbetjenten din Hvorfor Bolig Penger mai = 14.
    # Long (> 6): permisjon, kontaktbetjenten, Hvorfor = 3. Sentences: Veien din | Du kan søke om permisjon |
    # Spør kontaktbetjenten din | Hvorfor | Bolig | Penger 30 | mai = 7.
    assert words == 14
    assert score == pytest.approx(14 / 7 + 100 * 3 / 14)


def person_pages(case) -> list[tuple[str, str]]:
    """Every page the person gets with a 200 in the URL walk, but files (.ics) and the admin."""
    person = PERSONAS.index("person")
    names = {name for name, outcomes in TABLE.items() if outcomes.split()[person] == "200"}
    urls = []
    for name, pattern in all_patterns():
        if name in names and not name.startswith(("admin:", "api:")):  # the API's docs are for developers
            urls.append((name, reverse(name, kwargs=url_kwargs(pattern, case))))
    return urls


@pytest.mark.parametrize("language", ["nb", "da"])
def test_every_page_the_person_reaches_reads_at_lix_35_or_below(client, personas, case, language):
    client.force_login(personas.person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    scores = {}
    for name, url in person_pages(case):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        scores[name] = lix(visible_text(response.content.decode()))[0]
    assert len(scores) >= 10
    too_hard = {name: round(score, 1) for name, score in scores.items() if score > LIMIT}
    print({name: round(score, 1) for name, score in sorted(scores.items())})  # the note's figures, with -s
    assert too_hard == {}
    # The pages written in this issue, and the person's own start page, stay well inside the limit.
    for name in WELL_INSIDE:
        assert scores[name] <= LIMIT - 2, (name, scores[name])
