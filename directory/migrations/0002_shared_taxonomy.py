"""Seed the shared tsunagari taxonomy (Ise's 8 categories and the consultation topics)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from directory import taxonomy

    taxonomy.seed(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


def backwards(apps, schema_editor):
    from directory import taxonomy

    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    TaxonomyTerm.objects.filter(platform=None, taxonomy_ref__in=[taxonomy.CATEGORIES_ID, taxonomy.TOPICS_ID]).delete()
    Taxonomy.objects.filter(platform=None, uuid__in=[taxonomy.CATEGORIES_ID, taxonomy.TOPICS_ID]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
