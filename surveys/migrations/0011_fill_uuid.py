# Step 2 of adding a unique uuid to existing rows (Django's "migrations that add unique fields").

import uuid

from django.db import migrations


def fill_uuid(apps, schema_editor):
    """Give every existing row its own uuid (the column was added nullable in 0010_tenant_model)."""
    for name in ("framesnapshot", "reminder",):
        model = apps.get_model("surveys", name)
        rows = list(model._base_manager.filter(uuid__isnull=True).only("pk"))
        for row in rows:
            row.uuid = uuid.uuid4()
        model._base_manager.bulk_update(rows, ["uuid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0010_tenant_model")]

    operations = [migrations.RunPython(fill_uuid, migrations.RunPython.noop)]
