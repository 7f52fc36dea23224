"""The Norwegian and Danish catalogues are complete, compiled, and used by the pages.

The .po files are read with a small parser here (polib is not installed, and gettext's
tools need not be), and the committed .mo files are read with Python's own gettext, so
these tests run wherever the suite runs.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ["nb", "da"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """Return the live entries of a .po file: not the header, not obsolete ones.

    gettext separates entries by blank lines; each entry's strings may continue on
    following lines that hold only a quoted string.
    """
    entries: list[Entry] = []
    number = 0
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(line=number + 1)
        target: tuple[str, int | None] = ("msgid", None)
        for line in block.splitlines():
            number += 1
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif not line.strip() or line.startswith("#"):
                continue
            elif line.startswith('"'):
                name, index = target
                if name == "msgstr":
                    entry.msgstr[index] += ast.literal_eval(line)
                else:
                    setattr(entry, name, (getattr(entry, name) or "") + ast.literal_eval(line))
            else:
                keyword, _, rest = line.partition(" ")
                value = ast.literal_eval(rest)
                if keyword.startswith("msgstr"):
                    index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else None
                    entry.msgstr[index] = value
                    target = ("msgstr", index)
                elif keyword in {"msgid", "msgid_plural", "msgctxt"}:
                    setattr(entry, keyword, value)
                    target = (keyword, None)
                else:
                    raise ValueError(f"{path}:{number}: cannot read {line!r}")
        number += 1  # the blank line between blocks
        if entry.msgid:
            entries.append(entry)
    return entries


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    entries = read_po(po_path(language))
    assert len(entries) > 100, "the catalogue is unexpectedly small: was makemessages run?"
    untranslated = [
        f"line {entry.line}: {entry.msgid!r}" for entry in entries if not all(entry.msgstr.values()) or not entry.msgstr
    ]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_left_fuzzy(language):
    fuzzy = [f"line {entry.line}: {entry.msgid!r}" for entry in read_po(po_path(language)) if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language} (check them and remove the flag):\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_both_forms(language):
    plurals = [entry for entry in read_po(po_path(language)) if entry.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert set(entry.msgstr) == {0, 1} and all(entry.msgstr.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in read_po(po_path(language)):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for text in entry.msgstr.values():
            if sorted(set(PLACEHOLDER.findall(text))) != wanted:
                wrong.append(f"{entry.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo must be compiled from the current .po (run `make messages`)."""
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(po_path(language)):
        if entry.msgid_plural is None:
            found = [
                compiled.gettext(entry.msgid)
                if entry.msgctxt is None
                else compiled.pgettext(entry.msgctxt, entry.msgid)
            ]
        else:
            found = [
                compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is None
                else compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
        if found != [entry.msgstr[key] for key in sorted(entry.msgstr, key=lambda key: key or 0)]:
            stale.append(entry.msgid)
    assert not stale, f"{len(stale)} messages differ in {language}/django.mo: " + ", ".join(map(repr, stale[:10]))


@pytest.mark.django_db
def test_login_page_is_in_norwegian_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert "Logg inn på Overgang" in body
    assert "Brukernavn" in body and "Passord" in body
    assert "Log in to Overgang" not in body


@pytest.mark.django_db
def test_login_page_is_in_danish_once_chosen(client):
    client.post(reverse("set_language"), {"language": "da", "next": reverse("login")})
    body = client.get(reverse("login")).content.decode()
    assert "Log ind på Overgang" in body
    assert "Brugernavn" in body and "Adgangskode" in body


@pytest.mark.django_db
def test_english_is_served_to_a_browser_that_asks_for_it(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to Overgang" in body


def test_staff_case_page_is_in_norwegian_and_then_danish(client, personas, case):
    client.force_login(personas.contact_officer)
    url = reverse("cases:overview", kwargs={"code": case.code})
    norwegian = client.get(url).content.decode()
    assert "Ansvarsgruppe" in norwegian and "Samtykke" in norwegian and "Logg ut" in norwegian
    assert "Responsibility group" not in norwegian
    client.post(reverse("set_language"), {"language": "da", "next": url})
    danish = client.get(url).content.decode()
    assert "Ansvarsgruppe" in danish and "Log ud" in danish and "Seneste ændringer" in danish


def test_the_person_reads_their_page_in_plain_norwegian(client, personas, case):
    client.force_login(personas.person)
    body = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert f"Hei, {case.person.first_name}" in body
    assert "Dette er siden din." in body
    assert "Hvem har sett opplysningene dine" in body
