"""The database cache table (settings.CACHES): the HSDS API's answers, and every save of a
directory row or platform writes the answer generation there (directory.api_cache). Created
here so that every migrated database has it, not only those where ``createcachetable`` ran;
the command skips tables that exist, so running it again later is harmless."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_search_words")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
