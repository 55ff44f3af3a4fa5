"""SQLite: the vocabulary of romaji words with a trigram index, for the typo-tolerant step
(schema.SQLITE_WORDS_CREATE), filled from the entries already indexed. Nothing on PostgreSQL
(pg_trgm's index on SearchEntry.romaji does this there)."""

from django.db import migrations

from directory.search import schema


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_search_crisis_index")]

    operations = [migrations.RunPython(schema.create_words, schema.drop_words)]
