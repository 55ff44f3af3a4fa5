from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from partnership.models import MemberOrganisation
from platforms.models import Platform


class _RoleFields(forms.Form):
    kind = forms.ChoiceField(label=_("役割"), choices=Role.KINDS)
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("所属会員団体"),
        queryset=MemberOrganisation.objects.none(),
        required=False,
        help_text=_("会員団体スタッフの場合に選択してください。"),
    )

    def __init__(self, *args, platform: Platform, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MemberOrganisation.objects.active().filter(platform=platform)

    def clean(self):  # type: ignore[no-untyped-def]
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

    def __init__(self, *args, platform: Platform, **kwargs):  # type: ignore[no-untyped-def]
        self.platform = platform
        super().__init__(*args, platform=platform, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Role.objects.filter(platform=self.platform, user__email=email).exists():
            raise forms.ValidationError(_("この方には既にこのプラットフォームの役割があります。"))
        return email


class ChangeRoleForm(_RoleFields):
    def __init__(self, *args, instance: Role, platform: Platform, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("initial", {"kind": instance.kind, "organisation": instance.organisation})
        super().__init__(*args, platform=platform, **kwargs)
