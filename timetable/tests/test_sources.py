"""Every timetable cites its real source in the reader's language, never a working file of ours (issue 17, point 6)."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from timetable import engine
from timetable.models import Rule, RuleSet

pytestmark = pytest.mark.django_db

#: Our own working names: the seed files, the domain summary, any file name.
INTERNAL = re.compile(r"\bSeed\b|\bseed \d|DOMAIN|seeds/|\b[\w-]+\.(?:txt|md|py|html|json)\b", re.IGNORECASE)
LANGUAGES = ["nb", "da", "en"]


def rule_texts() -> list[str]:
    """Every rule set's name and source, every rule's citation and every road rule's, in the active language."""
    texts = []
    for rule_set in RuleSet.objects.all():
        texts += [rule_set.local_name, rule_set.local_source, str(rule_set)]
    texts += [rule.local_citation for rule in Rule.objects.all()]
    texts += [engine.RuleData.of(rule).local_citation for rule in Rule.objects.all()]
    for rules in engine.ROAD_RULES.values():
        texts += [str(rules.credit_citation), str(rules.parole_citation)]
    texts += [str(text) for pair in engine.STEP_TEXT.values() for text in pair if text]
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_rule_text_names_a_working_file_of_ours(language):
    with translation.override(language):
        texts = rule_texts()
    assert len(texts) > 40
    assert all(texts)
    leaks = [text for text in texts if INTERNAL.search(text)]
    assert not leaks, leaks


@pytest.mark.parametrize("language", ["nb", "da"])
def test_every_rule_text_is_in_the_readers_language(language):
    with translation.override("en"):
        english = rule_texts()
    with translation.override(language):
        local = rule_texts()
    untranslated = [text for text, words in zip(english, local, strict=True) if text == words]
    assert not untranslated, untranslated


def page_text(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_timetable_page_cites_sources_not_files(client_for, personas, case, denmark, language):
    """Norway's rule set on Jonas's case, Denmark's on a Danish prison's case, for the staff; the person reads
    their road written for them (issue 18), which cites laws, never files."""
    pages = [
        (case, "no-pop", [personas.contact_officer]),
        (denmark.case, "dk-god-loesladelse", [denmark.contact_officer]),
    ]
    for each, person in ((case, personas.person), (denmark.case, denmark.person)):
        road = page_text(client_for(person), reverse("personpages:road", kwargs={"code": each.code}), language)
        assert not INTERNAL.search(road), INTERNAL.search(road)
    for each, code, readers in pages:
        rule_set = RuleSet.objects.get(code=code, version=1)
        url = reverse("timetable:case", kwargs={"code": each.code})
        for reader in readers:
            text = page_text(client_for(reader), url, language)
            assert not INTERNAL.search(text), INTERNAL.search(text)
            with translation.override(language):
                assert rule_set.local_source in text
                assert all(rule.local_citation in text for rule in rule_set.rules.filter(max_sentence_days=None))
