"""PostgreSQL: the search vectors in a table of their own, so that counting a common word reads
rows of ~1 kB instead of the entries' wide ones, and the typo step's vocabulary of romaji words as
on SQLite; both kept in step with the entries by triggers (see schema.PG_VECTORS_TABLE). Nothing
on SQLite."""

from django.db import migrations

from directory.search import schema


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_search_exact_vectors")]

    operations = [migrations.RunPython(schema.vectors_table, schema.vectors_in_entries)]
