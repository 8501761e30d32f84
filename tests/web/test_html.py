"""The rows' fast ``format_html`` (bmtrack.web.html) writes exactly what Django's writes."""

from decimal import Decimal

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from bmtrack.web import html

TEMPLATE = '<a class="{}" href="{}" title="{}">{}</a>{}'
LAZY = lazy(lambda: "lazy <text> & 'quotes'", str)()


@pytest.mark.parametrize("value", [
    "plain", "O'Brien & <Sons> \"quoted\"", 12, 0, -1.5, Decimal("3.50"), None, True,
    mark_safe("<b>already safe</b>"), SafeString("&amp; kept"), LAZY, "", "ünïcödé → —",
    "<script>alert(1)</script>",
])
def test_format_html_escapes_as_django_does(value):
    args = (value, value, value, value, value)
    ours, theirs = html.format_html(TEMPLATE, *args), django_html.format_html(TEMPLATE, *args)
    assert ours == theirs
    assert isinstance(ours, SafeString)


def test_format_html_join_is_djangos():
    rows = [("a&b", 1), (mark_safe("<i>x</i>"), "<y>")]
    assert html.format_html_join(", ", "<li>{}: {}</li>", rows) == django_html.format_html_join(
        ", ", "<li>{}: {}</li>", rows)


def test_positional_indexes_work_as_in_django():
    assert html.format_html('<a href="{0}" data-x="{0}">{1}</a>', "/p?a=1&b=2", "<x>") == \
        django_html.format_html('<a href="{0}" data-x="{0}">{1}</a>', "/p?a=1&b=2", "<x>")


def test_concat_keeps_parts_as_they_are():
    assert html.concat(html.format_html("<i>{}</i>", "<"), "<b>constant</b>") == "<i>&lt;</i><b>constant</b>"
