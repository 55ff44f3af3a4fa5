# Step 3 of adding a unique uuid to existing rows: every row has one, now make it unique.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0011_fill_uuid")]

    operations = [
        migrations.AlterField(
            model_name="framesnapshot",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
