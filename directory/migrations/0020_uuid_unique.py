# Step 3 of adding a unique uuid to existing rows: every row has one (0019), now make it unique.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0019_fill_uuid")]

    operations = [
        migrations.AlterField(
            model_name="supportlistcategory",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
