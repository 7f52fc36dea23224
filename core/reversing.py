"""URLs reversed once and remembered, for the pages that show many links.

Django's ``reverse`` is slow: it tries the name's patterns one by one and checks each
candidate with a regular expression. A case page reverses 10 to 20 URLs (the case menu
alone has ten) and what is due one per deadline, a twentieth of their CPU
(bench/notes.md). A name with the same arguments gives the same URL for as long as the
URL configuration and the script prefix stay the same, so the URL is kept under
everything ``reverse`` reads. Arguments other than text and whole numbers go to
``reverse`` every time; a name that does not reverse raises ``NoReverseMatch`` every time.
"""

import functools
from collections.abc import Mapping, Sequence

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

#: Enough for the URLs of the cases a worker serves in a while; the oldest go first.
REMEMBERED = 16_384


def remembered_reverse(
    viewname: str, args: Sequence = (), kwargs: Mapping | None = None, current_app: str | None = None
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, remembered."""
    kwargs = kwargs or {}
    if not isinstance(viewname, str) or not all(type(value) in (str, int) for value in [*args, *kwargs.values()]):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _remembered(
        viewname, tuple(args), tuple(sorted(kwargs.items())), current_app, get_urlconf(), get_script_prefix()
    )


@functools.lru_cache(maxsize=REMEMBERED)
def _remembered(viewname, args, kwargs, current_app, urlconf, prefix) -> str:
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs) -> None:
    """A test that changes the URL configuration gets URLs reversed under it."""
    if setting == "ROOT_URLCONF":
        _remembered.cache_clear()
