"""``django.contrib.admin`` with the operator site of ``accounts.admin_site`` as its default site
(listed in INSTALLED_APPS instead of ``django.contrib.admin``)."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.OperatorAdminSite"
