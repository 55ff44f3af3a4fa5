"""The navigator's GET forms (search filters and the guided questions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from directory.models import TargetGroup
from directory.taxonomy import CATEGORIES
from tsunagari.lib.postcode import Area, lookup

CATEGORY_CHOICES = [("", _("すべての分類"))] + [(code, name) for code, name, _description in CATEGORIES]
HOW_CHOICES = [
    ("", _("こだわらない")),
    ("phone", _("電話で話したい")),
    ("visit", _("会って話したい（窓口に行く）")),
    ("chat", _("文字で相談したい（チャット・LINE・メール）")),
]
WHO_CHOICES = [("", _("指定しない"))] + list(TargetGroup.choices)


# The filter form's widgets are rendered on every search page; through Django's widget
# templates (an include per <option>) that was a fifth of the page's CPU. Their HTML depends
# only on the widget, its name, value and attributes and the language, so it is kept per
# those (bounded; a long value typed by hand is not kept).
_RENDERED: dict[tuple[Any, ...], SafeString] = {}
_RENDERED_MAX = 2000


class _RememberedRender(forms.Widget):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        shown = repr(value)
        if len(shown) > 64:
            return super().render(name, value, attrs, renderer)
        key = (
            type(self),
            name,
            shown,
            tuple(sorted((attrs or {}).items())),
            tuple(sorted(self.attrs.items())),
            translation.get_language(),
        )
        html = _RENDERED.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            _RENDERED[key] = html
        return html


class _Select(_RememberedRender, forms.Select):
    pass


class _TextInput(_RememberedRender, forms.TextInput):
    pass


class _CheckboxInput(_RememberedRender, forms.CheckboxInput):
    pass


class SearchForm(forms.Form):
    q = forms.CharField(label=_("困っていること・キーワード"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("分類"), choices=CATEGORY_CHOICES, required=False, widget=_Select)
    postcode = forms.CharField(
        label=_("郵便番号"),
        max_length=10,
        required=False,
        help_text=_("近くの窓口を先に表示します（例: 248-0005）"),
        widget=_TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    who = forms.ChoiceField(label=_("相談する人"), choices=WHO_CHOICES, required=False, widget=_Select)
    how = forms.ChoiceField(label=_("相談のしかた"), choices=HOW_CHOICES, required=False, widget=_Select)
    free = forms.BooleanField(label=_("無料の窓口だけ"), required=False, widget=_CheckboxInput)
    open_now = forms.BooleanField(label=_("今開いている窓口だけ"), required=False, widget=_CheckboxInput)
    page = forms.IntegerField(min_value=1, max_value=500, required=False)

    def clean_postcode(self) -> Area | None:
        value = self.cleaned_data.get("postcode", "").strip()
        if not value:
            return None
        try:
            return lookup(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class GuideForm(forms.Form):
    """The guided questions; every step posts (GET) the earlier answers as hidden fields."""

    who = forms.ChoiceField(
        label=_("相談したいのは誰のことですか"),
        choices=list(TargetGroup.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("どんなことで困っていますか"),
        choices=CATEGORY_CHOICES[1:],
        required=False,
        widget=forms.RadioSelect,
    )
    how = forms.ChoiceField(
        label=_("どのように相談したいですか"), choices=HOW_CHOICES, required=False, widget=forms.RadioSelect
    )
    when = forms.ChoiceField(
        label=_("いつ相談したいですか"),
        choices=[("now", _("今すぐ話したい")), ("later", _("あとで・日を決めて"))],
        required=False,
        widget=forms.RadioSelect,
    )
