"""The page chrome built in Python is the HTML the template loop made."""

from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.html import escape

TEMPLATE_LOOP = (
    "{% load i18n %}{% get_current_language as LANGUAGE_CODE %}"
    "{% get_available_languages as LANGUAGES %}{% get_language_info_list for LANGUAGES as languages %}"
    '{% for language in languages %}<option value="{{ language.code }}"'
    "{% if language.code == LANGUAGE_CODE %} selected{% endif %}>{{ language.name_local }}</option>{% endfor %}"
)


def test_the_language_options_are_the_template_loops_in_every_language():
    django = engines["django"]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            built = django.from_string("{% load chrome %}{% language_options %}").render({})
            assert built == django.from_string(TEMPLATE_LOOP).render({})
            assert built.count(" selected") == 1
            assert f'value="{language}" selected' in built


def test_url_remembers_what_django_reverses_and_refuses_what_it_refuses():
    import pytest
    from django.template import TemplateSyntaxError
    from django.urls import NoReverseMatch, reverse

    from core.reversing import _remembered
    from core.templatetags.remembered import RememberedURLNode

    django = engines["django"]
    tag = django.from_string("{% url name code %}")
    assert isinstance(tag.template.nodelist[0], RememberedURLNode)
    _remembered.cache_clear()
    for name in ["cases:overview", "needs:map", "plans:plan", "cases:group", "consent:page"]:
        for code in ["K-1", "K 2 æ", "<b>"]:
            expected = reverse(name, args=[code])
            assert tag.render({"name": name, "code": code}) == escape(expected)
            assert tag.render({"name": name, "code": code}) == escape(expected)  # from what it remembered
    assert _remembered.cache_info().hits == 15
    as_var = django.from_string("{% url 'cases:overview' code=code as link %}[{{ link }}]")
    assert as_var.render({"code": "K-1"}) == f"[{reverse('cases:overview', kwargs={'code': 'K-1'})}]"
    assert django.from_string("{% url 'no-such-page' as link %}[{{ link }}]").render({}) == "[]"
    with pytest.raises(NoReverseMatch):
        django.from_string("{% url 'no-such-page' %}").render({})
    with pytest.raises(TemplateSyntaxError):
        django.from_string("{% url %}")


def test_url_forgets_when_the_url_configuration_changes(settings):
    from core.reversing import _remembered

    engines["django"].from_string("{% url 'home' %}").render({})
    assert _remembered.cache_info().currsize > 0
    settings.ROOT_URLCONF = "overgang.urls"
    assert _remembered.cache_info().currsize == 0


def test_date_gives_djangos_text_for_every_format_language_and_time_zone():
    import datetime
    import zoneinfo

    import pytest
    from django.template import defaultfilters
    from django.utils import timezone

    from core.templatetags.remembered import _formatted

    ours = engines["django"].from_string("{{ value|date }}|{{ value|date:format }}")
    moment = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)  # the night summer time starts
    values = [
        datetime.date(2026, 12, 24),
        moment,
        moment + datetime.timedelta(hours=2),
        datetime.datetime(2026, 1, 5, 9),
    ]
    formats = ["j. F Y", "j. N Y H:i", "Y-m-d", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "e O T P", ""]
    _formatted.cache_clear()
    for zone in ["Europe/Oslo", "Europe/Copenhagen", "UTC"]:
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for value in values:
                        shown = timezone.template_localtime(value)  # as the engine gives it to the filter
                        for format_ in formats:
                            context = {"value": value, "format": format_}
                            try:
                                expected = f"{defaultfilters.date(shown)}|{defaultfilters.date(shown, format_)}"
                            except TypeError:  # a time asked of a day: refused by both
                                with pytest.raises(TypeError):
                                    ours.render(context)
                                continue
                            assert ours.render(context) == expected, (zone, language, value, format_)
                            assert ours.render(context) == expected  # from what it remembered
    assert _formatted.cache_info().hits > 0
    assert ours.render({"value": "not a date", "format": "Y"}) == "|"
    assert ours.render({"value": None, "format": "Y"}) == "|"
