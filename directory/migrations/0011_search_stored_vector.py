"""PostgreSQL: the search vector as a stored generated column with its GIN index (ranking read
the expression again for every matching row: seconds for a word in most services). Nothing on
SQLite."""

from django.db import migrations

from directory.search import schema


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_cache_table")]

    operations = [migrations.RunPython(schema.store_vector, schema.unstore_vector)]
