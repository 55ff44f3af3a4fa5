from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "ガバナンス（規約・会議・議決）"

    def ready(self) -> None:
        from governance.queries import expulsion_resolution_refusal
        from partnership.hooks import register_expulsion_check

        register_expulsion_check(expulsion_resolution_refusal)
