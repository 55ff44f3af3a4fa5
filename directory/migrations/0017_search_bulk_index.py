"""The search index's insert and delete triggers stand aside inside a transaction that writes
entries in bulk (an import), which fills the FTS table / vectors and the vocabulary with one
statement per chunk instead (see schema.bulk_begin)."""

from django.db import migrations

from directory.search import schema


class Migration(migrations.Migration):
    dependencies = [("directory", "0016_sheet_upload_staged")]

    operations = [migrations.RunPython(schema.bulk_triggers, schema.row_triggers)]
