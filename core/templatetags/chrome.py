"""The page chrome every page renders (base.html), built in Python where the template engine was slow."""

import functools

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def language_options() -> SafeString:
    """The language menu's options, the active language selected.

    The same HTML as looping over ``get_language_info_list`` in the template, which cost a
    third of the chrome on every page (bench/notes.md); the options depend only on the
    active language, so each language's are built once per process.
    """
    return _language_options(translation.get_language())


@functools.cache
def _language_options(active: str) -> SafeString:
    return mark_safe(  # noqa: S308 (each option is escaped by format_html)
        "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                code,
                " selected" if code == active else "",
                translation.get_language_info(code)["name_local"],
            )
            for code, _name in settings.LANGUAGES
        )
    )
