"""The secretariat invites a person to a role or changes a colleague's role."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from platforms.models import Platform


def _active_members(platform: Platform) -> Any:
    """The platform's active member organisations, reached through ``Role.organisation``
    (partnership sits above accounts, so accounts does not import it)."""
    model: Any = Role._meta.get_field("organisation").related_model
    return model.objects.active().filter(platform=platform)


class _RoleFields(forms.Form):
    kind = forms.ChoiceField(label=_("役割"), choices=Role.KINDS)
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("所属会員団体"),
        queryset=None,
        required=False,
        help_text=_("会員団体スタッフの場合に選択してください。"),
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _active_members(platform)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Role.MEMBER_STAFF and not data.get("organisation"):
            self.add_error("organisation", _("会員団体スタッフには所属団体を選んでください。"))
        if data.get("kind") != Role.MEMBER_STAFF:
            data["organisation"] = None
        return data


class GrantRoleForm(_RoleFields):
    email = forms.EmailField(label=_("メールアドレス"), max_length=254)
    name = forms.CharField(label=_("氏名"), max_length=80)
    field_order = ["email", "name", "kind", "organisation"]

    def __init__(self, *args, platform: Platform, **kwargs):
        self.platform = platform
        super().__init__(*args, platform=platform, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Role.objects.filter(platform=self.platform, user__email=email).exists():
            raise forms.ValidationError(_("この方には既にこのプラットフォームの役割があります。"))
        return email


class ChangeRoleForm(_RoleFields):
    def __init__(self, *args, instance: Role, platform: Platform, **kwargs):
        kwargs.setdefault("initial", {"kind": instance.kind, "organisation": instance.organisation})
        super().__init__(*args, platform=platform, **kwargs)
