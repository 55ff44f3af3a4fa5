# Gap analysis (departments, signs of isolation, touch points) moved to the gaps app. Only
# Django's model state changes here: the tables stay where they are, with their data, and
# gaps/migrations/0001_initial.py takes them over under the same names (db_table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0014_support_list_others"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='touchpoint',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='isolationsignal',
                    name='platform',
                ),
                migrations.RemoveField(
                    model_name='touchpoint',
                    name='signal',
                ),
                migrations.RemoveField(
                    model_name='touchpoint',
                    name='platform',
                ),
                migrations.RemoveField(
                    model_name='touchpoint',
                    name='services',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='IsolationSignal',
                ),
                migrations.DeleteModel(
                    name='TouchPoint',
                ),
            ],
            database_operations=[],
        ),
    ]
