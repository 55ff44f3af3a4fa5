"""PostgreSQL: rebuild the search vector index on the current expression (backends.pg_vector:
scope terms in the D weight, empty lexemes removed). Nothing to do on SQLite."""

from django.db import migrations

from directory.search import schema


def rebuild_vector_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_search_vector")
        schema_editor.execute(schema.PG_CREATE[1])


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_service_editing_and_sheet")]

    operations = [migrations.RunPython(rebuild_vector_index, migrations.RunPython.noop)]
