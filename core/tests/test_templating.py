"""The Jinja2 environment: typos fail, empty relations print nothing, dates read as Django writes them."""

import datetime

import jinja2
import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import time as django_time
from django.utils import timezone, translation


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


class Measure:
    title = "Bolig"
    responsible_user = None


@pytest.mark.parametrize(
    "source",
    ["{{ missing }}", "{{ measure.titel }}", "{% for x in missing %}{% endfor %}", "{{ missing == 'x' }}"],
)
def test_a_typo_fails_loudly(source):
    with pytest.raises(jinja2.UndefinedError):
        render(source, measure=Measure())


def test_an_optional_flag_is_false_and_an_empty_relation_prints_nothing():
    assert render("{% if brief %}brief{% else %}full{% endif %}") == "full"
    assert render("[{{ measure.responsible_user.display_name }}]", measure=Measure()) == "[]"
    assert render("[{{ m.responsible_user.agency.name }}]", m=Measure()) == "[]"
    assert render("[{% for x in m.responsible_user.items %}{{ x }}{% endfor %}]", m=Measure()) == "[]"


def test_dates_and_times_read_as_djangos_filters_write_them_in_every_language():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 24, 18, 5), datetime.UTC)
    day = datetime.date(2026, 5, 17)
    for language in ("nb", "da", "en"):
        with translation.override(language):
            for value, fmt in [(moment, "j. F Y H:i"), (day, "l j. F Y"), (day, "j. N Y"), (moment, None)]:
                # The template engine gives Django's filter the local time (expects_localtime).
                local = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
                assert render("{{ v|date(f) }}", v=value, f=fmt) == django_date(local, fmt)
            assert render("{{ v|time('H:i') }}", v=moment) == django_time(timezone.localtime(moment), "H:i")
    assert render("[{{ v|date('j. F Y') }}]", v=None) == "[]"


def test_text_filters_escape_what_they_are_given():
    assert render("{{ t|linebreaksbr }}", t="a <b>\nc") == "a &lt;b&gt;<br>c"
    assert render("{{ t|capfirst }}", t="<i>tiltak") == "&lt;i&gt;tiltak"
    assert render("{{ t|default_if_none('–') }}|{{ z|default_if_none('–') }}", t=None, z=0) == "–|0"


def test_urls_static_files_and_language_names():
    assert render("{{ url('cases:overview', 'abc234') }}") == "/cases/abc234/"
    assert render("{{ url('cases:overview', code='abc234') }}") == "/cases/abc234/"
    assert render("{{ static('css/overgang.css') }}").endswith("css/overgang.css")
    with translation.override("da"):
        options = render("{% for code, name in languages %}{{ code }}={{ name }};{% endfor %}")
    assert options == "nb=norsk (bokmål);da=dansk;en=English;"
