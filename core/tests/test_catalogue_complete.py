"""Every message the code and the templates ask for is in the Norwegian and Danish catalogues.

test_translations checks the entries a catalogue has; this finds the ones it lacks: a string
marked for translation that nobody added shows in English inside the Norwegian and Danish
pages. The messages are read the way ``make messages`` reads them (Babel's extractors, with
Django's keywords for Python and the Jinja2 extension for the templates).
"""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from django.conf import settings

from core.tests.test_translations import po_path, read_po

ROOT = Path(settings.BASE_DIR)
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIPPED = {".venv", "node_modules", "tests", "migrations", "population", "bench", "staticfiles", ".git"}


def wanted() -> dict[tuple[str | None, str], str]:
    """Every (context, message) the code and templates mark, with where it was found first."""
    found: dict[tuple[str | None, str], str] = {}
    methods = [("**/jinja2/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/jinja2/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "silent": "false"}}
    for filename, _line, message, _comments, context in extract_from_dir(
        ROOT,
        methods,
        options,
        keywords=KEYWORDS,
        directory_filter=lambda path: not (set(Path(path).parts) & SKIPPED),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((context, msgid), filename)
    return found


@pytest.mark.parametrize("language", ["nb", "da"])
def test_every_marked_message_is_in_the_catalogue(language):
    messages = wanted()
    assert len(messages) > 500
    have = {(entry.msgctxt, entry.msgid) for entry in read_po(po_path(language))}
    missing = [
        f"{where}: {msgid!r}"
        for (context, msgid), where in sorted(messages.items(), key=str)
        if (context, msgid) not in have
    ]
    assert not missing, f"{len(missing)} messages missing from {language}:\n" + "\n".join(missing)
