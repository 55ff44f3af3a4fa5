"""Seed the 19 活動分野 of Saitama's application form (seed 001, 4-1-9)."""

from django.db import migrations

FIELDS = [
    ("arts-culture-sports", "芸術・文化・スポーツ"),
    ("social-education", "社会教育"),
    ("environment", "環境"),
    ("community", "まちづくり"),
    ("tourism", "観光"),
    ("poverty", "生活困窮者支援"),
    ("children-youth", "子ども・若者支援"),
    ("elderly", "高齢者支援"),
    ("disability", "障害者支援"),
    ("ex-offenders", "出所者支援"),
    ("homeless", "ホームレス支援"),
    ("women", "女性支援"),
    ("lgbtq", "LGBTQ支援"),
    ("suicide-prevention", "自殺対策"),
    ("hikikomori", "ひきこもり支援"),
    ("addiction", "依存症支援"),
    ("carers", "ケアラー支援"),
    ("foreign-residents", "在留外国人支援"),
    ("other", "その他"),
]


def forwards(apps, schema_editor):
    ActivityField = apps.get_model("partnership", "ActivityField")
    for order, (code, name) in enumerate(FIELDS, start=1):
        ActivityField.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def backwards(apps, schema_editor):
    apps.get_model("partnership", "ActivityField").objects.filter(
        code__in=[code for code, _name in FIELDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
