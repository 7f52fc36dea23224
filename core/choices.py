"""Choice labels looked up, not rebuilt: ``get_FOO_display`` for the models pages show most."""

import functools

from django.db import models
from django.utils.encoding import force_str


class ChoiceLabels:
    """``get_FOO_display`` without translating every choice of the field on each call.

    Django's builds a dict of the field's choices on every call and hashes each label to
    do so, and hashing a translated label translates it: the stage of ten cases on my
    cases cost a tenth of that page (bench/notes.md). This looks the value up in a dict
    built once per field; the label is still translated when shown, into the language
    of the request. Put it before ``models.Model`` among the bases.
    """

    def _get_FIELD_display(self, field: models.Field):
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # a value that cannot be a dict key: Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


@functools.cache
def _labels(field: models.Field) -> dict:
    return dict(field.flatchoices)
