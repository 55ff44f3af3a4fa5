"""Every model with a platform answers through the scoped manager that fails closed, except the
few that are deliberately shared or cross-platform, each named here with its reason."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test import SimpleTestCase
from django_scopes import ScopeError

from tsunagari.lib.tenancy import TenantModel

# label -> why its rows are read without a platform scope
NOT_SCOPED = {
    "accounts.Role": "a user's roles on every platform (sign-in, the platform chooser, the middleware)",
    "audit.AuditEntry": "sign-in events have no platform; pages read it with for_platform()",
    "directory.Taxonomy": "platform=None: the shared taxonomy every platform uses",
    "directory.TaxonomyTerm": "platform=None: terms of the shared taxonomy",
    "surveys.Benchmark": "platform=None: the shipped national figures",
}

# label -> why it writes its tenant preamble by hand instead of inheriting TenantModel
NOT_TENANT_MODELS = {
    "accounts.Role": "not scoped (NOT_SCOPED); the middleware reads platform.roles",
    "audit.AuditEntry": "platform is nullable (sign-in events) and PROTECT: entries outlive nothing",
    "consultations.DeskSettings": "one setting per platform (a OneToOneField), never in a URL",
    "consultations.CaseworkSettings": "one setting per platform (a OneToOneField), never in a URL",
    "consultations.ClosedCaseRecord": (
        "the anonymous trace of a closed case keeps dates only: a creation time to the second would "
        "tie it to the case's closed_at and its audit entry, i.e. back to the household"
    ),
    "outbox.OutboxMail": "platform is nullable (mail to operators) and read by the worker unscoped",
    "surveys.Benchmark": "platform is nullable (platform=None: the shipped national figures)",
    "surveys.RegisterSharing": "one setting per platform (a OneToOneField), never in a URL",
    "surveys.ReportRendering": (
        "a cached report PDF with tsunagari.lib.pdf_cache's row shape, like directory's "
        "SupportListRendering: replaced when the data changes, never in a URL"
    ),
    "directory.SearchEntry": (
        "the search index row of a service, deleted and inserted again by every reindex: a uuid "
        "or creation time would not outlive it; indexed_at is its timestamp; never in a URL"
    ),
    "directory.SupportListSettings": "one setting per platform (a OneToOneField), never in a URL",
    "directory.SupportListRendering": (
        "a cached サポートリスト PDF with tsunagari.lib.pdf_cache's row shape, like surveys' "
        "ReportRendering: replaced when the data changes, never in a URL"
    ),
    "directory.Taxonomy": "platform is nullable (platform=None: the shared taxonomy)",
    "directory.TaxonomyTerm": "platform is nullable (platform=None: terms of the shared taxonomy)",
}


def models_with_a_platform() -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields() if f.name == "platform"), None)
        if field is not None and getattr(field, "related_model", None) is apps.get_model(
            "platforms", "Platform"
        ):
            found.append(model)
    return found


class TenantModelsTestCase(SimpleTestCase):
    def test_it_finds_the_tenant_models(self) -> None:
        labels = {m._meta.label for m in models_with_a_platform()}
        self.assertGreater(len(labels), 40)
        self.assertIn("partnership.MemberOrganisation", labels)

    def test_it_scopes_every_model_with_a_platform(self) -> None:
        unscoped = sorted(
            m._meta.label
            for m in models_with_a_platform()
            if not hasattr(m._default_manager, "with_scopes_disabled")
        )
        self.assertEqual(
            unscoped, sorted(NOT_SCOPED), "use tsunagari.lib.tenancy.TenantModel or scoped_manager()"
        )

    def test_it_fails_closed_outside_a_scope(self) -> None:
        for model in models_with_a_platform():
            if model._meta.label in NOT_SCOPED:
                continue
            with self.assertRaises(ScopeError, msg=model._meta.label):
                model._default_manager.filter(pk=0).exists()

    def test_it_builds_tenant_models_on_the_abstract_base(self) -> None:
        by_hand = sorted(
            m._meta.label
            for m in models_with_a_platform()
            if not issubclass(m, TenantModel) and m._meta.label not in NOT_TENANT_MODELS
        )
        self.assertEqual(by_hand, [], "inherit tsunagari.lib.tenancy.TenantModel, or say why not here")

    def test_it_names_no_model_that_moved(self) -> None:
        by_label = {m._meta.label: m for m in models_with_a_platform()}
        for label in NOT_TENANT_MODELS:
            self.assertIn(label, by_label)
            self.assertFalse(
                issubclass(by_label[label], TenantModel), f"{label}: drop it from NOT_TENANT_MODELS"
            )
