from django.apps import AppConfig


class GapsConfig(AppConfig):
    name = "gaps"
    verbose_name = "棚卸し・ギャップ分析"
