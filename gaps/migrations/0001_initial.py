# The gap analysis models, taken over from the directory app with their tables (db_table keeps
# the names directory_department, directory_isolationsignal, directory_touchpoint and
# directory_touchpoint_services): state only, no table is created, renamed or copied. Their
# content types follow them, so permissions and admin log entries stay attached.

import uuid

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["department", "isolationsignal", "touchpoint"]


def move_content_types(apps, schema_editor, source="directory", target="gaps"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="gaps", target="directory")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0015_move_gaps_models_to_gaps"),
        ("platforms", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=100, verbose_name='部局名')),
                        ('duties', models.CharField(blank=True, max_length=300, verbose_name='関連する業務の例')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='順番')),
                        ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='platforms.platform')),
                    ],
                    options={
                        'verbose_name': '部局',
                        'verbose_name_plural': '部局',
                        'db_table': 'directory_department',
                        'ordering': ['position', 'name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='IsolationSignal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=100, verbose_name='孤立のサイン')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='説明')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='順番')),
                        ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='platforms.platform')),
                    ],
                    options={
                        'verbose_name': '孤立のサイン',
                        'verbose_name_plural': '孤立のサイン',
                        'db_table': 'directory_isolationsignal',
                        'ordering': ['position', 'name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TouchPoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('situation', models.CharField(blank=True, help_text='例: 納付相談の窓口、督促の電話', max_length=300, verbose_name='接点となる場面')),
                        ('handover', models.TextField(blank=True, help_text='例: 本人の同意を得て、電話で担当者につなぐ', max_length=1000, verbose_name='つなぎ方')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='touch_points', to='gaps.department')),
                        ('platform', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='platforms.platform')),
                        ('services', models.ManyToManyField(blank=True, db_table='directory_touchpoint_services', related_name='+', to='directory.service', verbose_name='つなぐ先の窓口')),
                        ('signal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='touch_points', to='gaps.isolationsignal')),
                    ],
                    options={
                        'verbose_name': '部局の接点',
                        'verbose_name_plural': '部局の接点',
                        'db_table': 'directory_touchpoint',
                        'ordering': ['department__position', 'signal__position', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='department',
                    constraint=models.UniqueConstraint(fields=('platform', 'name'), name='department_name_unique'),
                ),
                migrations.AddConstraint(
                    model_name='isolationsignal',
                    constraint=models.UniqueConstraint(fields=('platform', 'name'), name='isolation_signal_name_unique'),
                ),
                migrations.AddConstraint(
                    model_name='touchpoint',
                    constraint=models.UniqueConstraint(fields=('department', 'signal'), name='touch_point_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
