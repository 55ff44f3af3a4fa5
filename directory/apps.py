from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "支援・相談窓口の情報（HSDS）"

    def ready(self) -> None:
        from accounts import permissions
        from directory.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from directory import api_cache, desks
        from directory.home import directory_home
        from directory.queries import PREVIEW_KIND
        from directory.search import index
        from directory.services import sheet, tabular
        from platforms import homes, staffnav
        from platforms.desks import register
        from tsunagari.lib.jobs import runner as jobs

        jobs.register(sheet.JOB_KIND, sheet.apply_job)
        jobs.register(PREVIEW_KIND, sheet.preview_job)
        jobs.register(tabular.HSDS_JOB_KIND, tabular.import_job)
        index.connect()
        api_cache.connect()
        register(self.label, desks.platform_desks)
        staffnav.register(
            staffnav.NavItem(
                "directory",
                _("支援・相談窓口"),
                "directory:services",
                order=10,
                active=(
                    "directory:service_",
                    "directory:service",
                    "directory:changes",
                    "directory:change",
                    "directory:sheet",
                    "directory:sheet_",
                ),
            ),
            staffnav.NavItem("directory", _("サポートリスト"), "directory:support_list_settings", order=30),
        )
        homes.register(self.label, directory_home)
