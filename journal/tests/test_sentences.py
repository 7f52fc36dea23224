"""Every change reads as a sentence in the reader's language, never as a raw record (issue 17, point 7).

The agenda of a meeting (read by staff and by the person) and the case's change log show
no field names, ids, ISO timestamps, True/False or status codes, in nb, da and en.
"""

import datetime
import functools
import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from journal.actions import ACTION_LABELS
from journal.display import describe_changes
from journal.models import JournalEntry
from meetings.models import Meeting, MeetingKind
from needs.models import Need, NeedStatus
from needs.services import need_update
from plans.models import Measure, MeasureStatus
from plans.services import delivery_note_add, measure_move, measure_update

pytestmark = pytest.mark.django_db

LANGUAGES = ["nb", "da", "en"]
RAW = {
    "ISO date or time": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "field or code name": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "Python value": re.compile(r"\b(?:True|False|None)\b"),
    "id": re.compile(r"#\d|\[\d|\bno\. \d|\bnr\. \d"),
}


def raw_in(text: str) -> list[str]:
    return [
        f"{kind}: {match.group()!r} in {text!r}" for kind, pattern in RAW.items() for match in pattern.finditer(text)
    ]


@functools.cache
def english_words() -> frozenset[str]:
    """The English names of every field and choice of the journal's objects, and the sentences' own words."""
    words = {"recorded", "proposed", "moved", "changed", "chosen", "started", "from", "the measure", "the need"}
    with translation.override("en"):
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field):
                    words.add(str(field.verbose_name))
                    words.update(str(label) for _value, label in field.flatchoices)
    return frozenset(word for word in words if len(word) > 3)


def as_word(word: str) -> str:
    return rf"(?<![\w-]){re.escape(word)}(?![\w-])"


@functools.cache
def written_otherwise(language: str) -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """The English names that the language writes otherwise: one pattern finding any of them, and one for each.

    Compiled once per language: a pattern per word and text took 234 s of a swept day (the ``re``
    module keeps 512 compiled patterns, and there are more words than that).
    """
    with translation.override(language):
        words = sorted((word for word in english_words() if translation.gettext(word) != word), key=len, reverse=True)
    each = {word: re.compile(as_word(word)) for word in words}
    return re.compile("|".join(f"(?:{as_word(word)})" for word in words)), each


def untranslated_in(text: str, language: str) -> list[str]:
    """The English names in a nb/da text that the language writes otherwise."""
    anything, each = written_otherwise(language)
    if not anything.search(text):  # found by one alternative if and only if found by some word's own pattern
        return []
    return [f"{word!r} in {text!r}" for word, pattern in each.items() if pattern.search(text)]


@pytest.fixture
def changes(case, personas):
    """Changes to needs and measures of every kind the agenda lists, besides the demo's own, before the next meeting."""
    kari, nils = personas.contact_officer, personas.nav_with_consent
    need = Need.objects.filter(case=case, private=False).order_by("pk").first()
    assert need is not None
    need_update(actor=kari, need=need, version=need.version, status=NeedStatus.ADDRESSED, acute=True)
    proposed = Measure.objects.filter(case=case, status=MeasureStatus.PROPOSED).order_by("pk").first()
    assert proposed is not None
    proposed = measure_update(
        actor=nils, measure=proposed, version=proposed.version, due_date=proposed.due_date + datetime.timedelta(days=7)
    )
    measure_move(actor=kari, measure=proposed, status=MeasureStatus.CHOSEN, with_person=True)
    started = Measure.objects.filter(case=case, status=MeasureStatus.STARTED).order_by("pk").first()
    assert started is not None
    delivery_note_add(actor=nils, measure=started, text="Søknaden er sendt.")
    measure_move(actor=nils, measure=started, status=MeasureStatus.DONE)
    # The meeting after these changes, so its agenda lists them.
    meeting = Meeting.objects.get(case=case, kind=MeetingKind.GROUP)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + datetime.timedelta(days=1))
    return meeting


def test_every_journal_entry_is_a_sentence_with_its_fields_in_words(changes):
    entries = list(JournalEntry.objects.select_related("actor").order_by("pk"))
    actions = {entry.action for entry in entries}
    assert {"need.create", "need.update", "measure.propose", "measure.update", "measure.chosen"} <= actions
    assert {"measure.done", "measure.note", "meeting.book", "consent.give", "plan.version"} <= actions
    problems = []
    for language in LANGUAGES:
        with translation.override(language):
            for entry in describe_changes(entries):
                texts = [entry.sentence] + [str(part) for row in entry.display for part in row if part is not None]
                assert entry.sentence.startswith(entry.actor.display_name) and entry.sentence.endswith(".")
                for text in texts:
                    problems += raw_in(text)
                    if language != "en":
                        problems += untranslated_in(text, language)
    assert not problems, "\n".join(sorted(set(problems))[:40])


@pytest.mark.parametrize("language", ["nb", "da"])
def test_every_action_has_words_in_the_readers_language(language):
    with translation.override("en"):
        english = {action: str(label) for action, label in ACTION_LABELS.items()}
    with translation.override(language):
        untranslated = [action for action, label in ACTION_LABELS.items() if str(label) == english[action]]
    assert len(english) > 60 and not untranslated, untranslated


def table_text(body: str, marker: str) -> str:
    start = body.index(marker)
    table = body[start : body.index("</table>", start)]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agenda_and_the_change_log_read_as_sentences(client_for, personas, case, changes, language):
    meeting_url = reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": changes.pk})
    pages = [
        (personas.contact_officer, meeting_url, 'id="agenda"'),
        (personas.nav_with_consent, meeting_url, 'id="agenda"'),
        (personas.person, meeting_url, 'id="agenda"'),
        (personas.contact_officer, reverse("cases:changes", kwargs={"code": case.code}), "<table"),
    ]
    for reader, url, marker in pages:
        client = client_for(reader)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        text = table_text(client.get(url).content.decode(), marker)
        assert "Nils Berg" in text
        problems = raw_in(text) + (untranslated_in(text, language) if language != "en" else [])
        assert not problems, (reader.username, problems[:10])
    moved = {"nb": "fra foreslått til valgt", "da": "fra foreslået til valgt", "en": "from proposed to chosen"}
    assert moved[language] in text


def test_the_person_reads_the_agenda_as_sentences_only(client_for, personas, case, changes):
    client = client_for(personas.person)
    body = client.get(reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": changes.pk})).content.decode()
    rows = re.findall(r'<tr class="agenda-item"[^>]*>(.*?)</tr>', body, re.S)
    assert len(rows) >= 8
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert len(cells) == 2, cells  # when, and what happened: no field-by-field record
        said = html.unescape(re.sub(r"<[^>]+>", "", cells[1])).strip()
        assert re.match(r"^[A-ZÆØÅ][\w ]+ [a-zæøå]", said) and "." in said, said
        assert "→" not in said
