"""Upload of answers collected elsewhere (CSV or Excel) for import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("ファイル（CSV または Excel .xlsx）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("ファイルが大きすぎます（200MBまで）。"))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("CSV（.csv）またはExcel（.xlsx）のファイルを指定してください。"))
        return upload
