"""Django's template backend, letting go of a page's context as soon as the page is written.

Django's ``Context.push`` and ``update`` wrap each dict in a ``ContextDict`` that points back at the
context, and the view's dict is pushed and never popped: a reference cycle holding everything the
page rendered (a worklist's rows, items and patients, ~900 objects). Reference counting cannot free
a cycle, so each page's data waited for the cyclic garbage collector, whose young-generation
collection then cost ~4.7 ms, landing on one worklist request in ten (timed with ``gc.callbacks``
at 100k patients; docs/benchmarks.md). Emptying the context's stack once the page is written breaks
the cycle: the page's objects are freed at once, and collections become rare.
"""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates as _DjangoTemplates
from django.template.backends.django import Template as _Template
from django.template.backends.django import reraise
from django.template.context import make_context


class Template(_Template):
    def render(self, context=None, request=None):
        # Django's own ``render``, with the context it makes emptied afterwards.
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)
        finally:
            context.dicts.clear()


class DjangoTemplates(_DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
