# Step 2 of adding a unique uuid to existing rows (Django's "migrations that add unique fields"),
# and the creation time of existing rows where a field of theirs tells it.

import uuid

from django.db import migrations
from django.db.models import F

# model -> the field that says when an existing row came to be (0018 gave them the migration's time).
CREATED_FROM = {
    "servicechange": "submitted_at",
    "metadata": "last_action_date",
    # Only the last change is known: the earliest time the row is known to have existed.
    "organization": "last_modified",
}


def fill(apps, schema_editor):
    manager = apps.get_model("directory", "supportlistcategory")._base_manager
    rows = list(manager.filter(uuid__isnull=True).only("pk"))
    for row in rows:
        row.uuid = uuid.uuid4()
    manager.bulk_update(rows, ["uuid"], batch_size=500)
    for name, field in CREATED_FROM.items():
        apps.get_model("directory", name)._base_manager.update(created_at=F(field))


class Migration(migrations.Migration):
    dependencies = [("directory", "0018_tenant_model")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
