"""Ship the national R5 result of the direct loneliness question as the benchmark."""

from django.db import migrations

R5 = {
    "question_code": "loneliness_direct",
    "source": "人々のつながりに関する基礎調査（内閣官房）",
    "year": 2023,
    "n": 11141,
    "percentages": {"1": 4.8, "2": 14.8, "3": 19.7, "4": 41.4, "5": 17.9},
    "no_answer": "1.5",
}


def add(apps, schema_editor):
    Benchmark = apps.get_model("surveys", "Benchmark")
    Benchmark.objects.get_or_create(
        platform=None,
        question_code=R5["question_code"],
        year=R5["year"],
        source=R5["source"],
        defaults={"n": R5["n"], "percentages": R5["percentages"], "no_answer": R5["no_answer"]},
    )


def remove(apps, schema_editor):
    Benchmark = apps.get_model("surveys", "Benchmark")
    Benchmark.objects.filter(platform=None, question_code=R5["question_code"], year=R5["year"]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
