"""PostgreSQL: search vectors that GIN answers without re-checking rows — scope terms with a
"_" prefix so that queries need no weight restrictions, and the names alone in their own column
for "names first" pages of very large matches. Nothing on SQLite."""

from django.db import migrations

from directory.search import schema


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_search_stored_vector")]

    operations = [migrations.RunPython(schema.exact_vectors, schema.no_title_vector)]
