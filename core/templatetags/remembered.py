"""``{% url %}`` and ``|date`` remembering what they worked out: a builtin library, replacing Django's.

Both give what Django's give (tested), and both were a twentieth of a page or more
(bench/notes.md): reversing a URL name tries its patterns one by one with regular
expressions, and formatting a date parses the format letter by letter and translates
the month's name. The same input gives the same text, so each is kept.
"""

import datetime
import functools

from django import template
from django.template import defaultfilters
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url_tag
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from core.reversing import remembered_reverse

register = template.Library()


class RememberedURLNode(URLNode):
    """Django's URLNode (``render`` is its, line by line), reversing through ``remembered_reverse``."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = remembered_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """``{% url %}`` exactly as Django parses it."""
    node = django_url_tag(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


#: Enough for the days and times a worker shows in a while; the oldest go first.
REMEMBERED_DATES = 8_192


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter, each text kept per value, time zone, format and language."""
    if isinstance(value, datetime.date) and (arg is None or type(arg) is str):
        return _formatted(value, str(getattr(value, "tzinfo", None)), arg, get_language())
    return defaultfilters.date(value, arg)


@functools.lru_cache(maxsize=REMEMBERED_DATES)
def _formatted(value: datetime.date, zone: str, arg: str | None, language: str | None) -> str:
    # An aware time equals the same moment in another zone, so the zone is part of the key.
    return defaultfilters.date(value, arg)
