"""A page's context is freed as soon as the page is written (bmtrack.core.templates), not left in a
reference cycle for the cyclic garbage collector; rendering is otherwise Django's own."""

from __future__ import annotations

import gc
import weakref

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.test import RequestFactory


def page_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


class Row:
    def __init__(self, name):
        self.name = name


@pytest.fixture
def collector_off():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_the_project_renders_through_the_backend():
    assert settings.TEMPLATES[0]["BACKEND"] == "bmtrack.core.templates.DjangoTemplates"


@pytest.mark.parametrize("with_request", [False, True])
def test_what_a_page_rendered_is_freed_without_the_cyclic_collector(collector_off, with_request):
    row = Row("Doe, Jane")
    alive = weakref.ref(row)
    template = engines["django"].from_string("{% for r in rows %}{{ r.name }}{% endfor %}")
    request = page_request() if with_request else None
    assert template.render({"rows": [row]}, request) == "Doe, Jane"
    del row
    assert alive() is None  # freed by reference counting: nothing of the context is left in a cycle


def test_django_would_have_kept_it_in_a_cycle(collector_off):
    """Why the backend exists: Django's own backend leaves the view's dict in a cycle with the context."""
    from django.template.backends.django import Template as DjangoTemplate

    row = Row("Doe, Jane")
    alive = weakref.ref(row)
    ours = engines["django"].from_string("{{ rows.0.name }}")
    DjangoTemplate(ours.template, ours.backend).render({"rows": [row]}, page_request())
    del row
    assert alive() is not None
    gc.collect()
    assert alive() is None


def test_a_missing_template_is_still_reported_as_such():
    with pytest.raises(TemplateDoesNotExist):
        render_to_string("no/such/template.html")
