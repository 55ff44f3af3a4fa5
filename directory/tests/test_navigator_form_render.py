"""The search page's filter form renders its widgets once per (name, value, attributes,
language) and then reuses the HTML: the same HTML Django's widget templates give."""

from __future__ import annotations

from unittest import mock

from django import forms
from django.test import SimpleTestCase
from django.utils import translation

from directory.navigator import forms as navigator_forms
from directory.navigator.forms import SearchForm


def plain_html(form: forms.Form) -> dict[str, str]:
    """Each field's widget HTML rendered by Django's own widget classes (no reuse)."""
    out = {}
    for bound in form:
        widget = bound.field.widget
        plain = next(c for c in type(widget).__mro__ if c.__module__.startswith("django.forms"))
        copy = plain.__new__(plain)
        copy.__dict__.update(widget.__dict__)
        bound.field.widget = copy
        out[bound.name] = str(form[bound.name])
        bound.field.widget = widget
    return out


class SearchFormRenderTests(SimpleTestCase):
    def setUp(self) -> None:
        navigator_forms._RENDERED.clear()

    def test_the_html_is_the_html_of_djangos_widgets(self) -> None:
        for data in (
            {},
            {"q": "相談", "category": "nope", "who": "family", "free": "on"},
            {"postcode": "x" * 200},
        ):
            for language in ("ja", "en", "ja-easy"):
                with translation.override(language):
                    for _ in range(2):  # rendered, then reused
                        form = SearchForm(data)
                        form.is_valid()
                        shown = {b.name: str(b) for b in form}
                        self.assertEqual(shown, plain_html(form))

    def test_a_second_page_renders_no_widget_template(self) -> None:
        data = {"q": "相談", "who": "family", "free": "on"}
        for bound in SearchForm(data):
            str(bound)
        with mock.patch.object(
            forms.renderers.DjangoTemplates, "render", side_effect=AssertionError
        ) as render:
            form = SearchForm(data)
            for name in ("category", "who", "how", "free", "open_now"):
                str(form[name])
        render.assert_not_called()

    def test_the_value_and_the_language_change_the_html(self) -> None:
        family = str(SearchForm({"who": "family"})["who"])
        self.assertIn("selected", family)
        self.assertNotEqual(family, str(SearchForm({})["who"]))
        with translation.override("en"):
            english = str(SearchForm({})["how"])
        self.assertNotEqual(english, str(SearchForm({})["how"]))
