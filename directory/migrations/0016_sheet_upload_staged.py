"""The 情報交換・共有シート upload's file moves from the database to the staging folder on disk."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import migrations, models


def to_disk(apps, schema_editor):  # type: ignore[no-untyped-def]
    SheetUpload = apps.get_model("directory", "SheetUpload")
    folder = Path(settings.VAR_DIR) / "imports"
    for upload in SheetUpload.objects.filter(applied_at__isnull=True).exclude(content=b"").iterator():
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.xlsx"
        content = bytes(upload.content)
        path.write_bytes(content)
        SheetUpload.objects.filter(pk=upload.pk).update(staged=str(path), size=len(content))


class Migration(migrations.Migration):
    dependencies = [("directory", "0015_move_gaps_models_to_gaps")]

    operations = [
        migrations.AddField(
            model_name="sheetupload", name="staged", field=models.CharField(blank=True, max_length=500)
        ),
        migrations.AddField(model_name="sheetupload", name="size", field=models.BigIntegerField(default=0)),
        migrations.RunPython(to_disk, migrations.RunPython.noop),
        migrations.RemoveField(model_name="sheetupload", name="content"),
    ]
