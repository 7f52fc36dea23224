"""The Jinja2 environment every page renders with: URLs, static files, translations and dates.

Each name a template can use is a plain function set here, so a reader finds them all in one
place. Django's own template language is kept for the admin only (settings.TEMPLATES).
"""

import datetime
from typing import Any

import jinja2
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, text, timezone, translation
from django.utils.text import normalize_newlines
from markupsafe import Markup, escape

from core.paging import query_without


class NoTypos(jinja2.StrictUndefined):
    """A missing name or attribute fails loudly when printed, looped over or compared.

    It is only false in a test, so ``{% if brief %}`` can ask for a flag the view may leave out
    (as Django's templates allow); ``{{ case.titel }}`` raises instead of printing nothing. A step
    through an empty relation (``measure.responsible_user.display_name`` with no user) prints
    nothing and loops over nothing, as in Django's templates: that is data, not a typo.
    """

    # jinja2 types StrictUndefined's __bool__ and __str__ as always raising (Never); this subclass relaxes them.
    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __str__(self) -> str:  # type: ignore[override]
        return "" if self._undefined_obj is None else super().__str__()

    def __iter__(self):
        return iter(()) if self._undefined_obj is None else super().__iter__()

    def __getattr__(self, name: str):
        if name[:2] == "__" or self._undefined_obj is not None:
            return super().__getattr__(name)
        return self


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    """``url('cases:overview', case.code)``: the path of a named URL (django.urls.reverse)."""
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def date(value: datetime.date | datetime.datetime | None, format: str | None = None) -> str:
    """``when|date("j. F Y")``: a date or time in the active language and time zone, as Django writes it.

    Takes Django's format letters or the name of a format setting (``"SHORT_DATE_FORMAT"``);
    nothing for no value.
    """
    if value is None or value == "":
        return ""
    # django-stubs 6.1.2 lacks timezone.template_localtime (Django has it since 1.x).
    return formats.date_format(timezone.template_localtime(value), format)  # type: ignore[attr-defined]


def time(value: datetime.time | datetime.datetime | None, format: str | None = None) -> str:
    """``when|time("H:i")``: a time of day in the active language and time zone, as Django writes it."""
    if value is None or value == "":
        return ""
    return formats.time_format(timezone.template_localtime(value), format)  # type: ignore[attr-defined]


def linebreaksbr(value: Any) -> Markup:
    """``text|linebreaksbr``: the text escaped, each line break a ``<br>``."""
    # The text is escaped first; the only markup added is <br>.
    lines = normalize_newlines(str(escape(value))).replace("\n", "<br>")
    return Markup(lines)  # noqa: S704  # nosec B704  # escaped on the line above


def capfirst(value: Any) -> str:
    """``label|capfirst``: the first letter in upper case, the rest as it is."""
    return text.capfirst(str(value))


def default_if_none(value: Any, default: Any) -> Any:
    """``value|default_if_none("–")``: the default only where the value is None (0 and "" stay)."""
    return default if value is None else value


def languages() -> list[tuple[str, str]]:
    """The languages a user can choose, each with its name in that language."""
    return [(code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def environment(**options: Any) -> jinja2.Environment:
    """The environment of settings.TEMPLATES' Jinja2 backend (autoescaping is on: Django's default)."""
    # Django's backend passes its defaults for these (autoescape on, a silent Undefined); ours are set here.
    options = {key: value for key, value in options.items() if key not in {"autoescape", "undefined", "extensions"}}
    env = jinja2.Environment(**options, autoescape=True, undefined=NoTypos, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        url=url,
        static=static,
        get_language=translation.get_language,
        languages=languages(),
        query_without=query_without,
    )
    env.filters.update(
        date=date, time=time, linebreaksbr=linebreaksbr, capfirst=capfirst, default_if_none=default_if_none
    )
    return env
