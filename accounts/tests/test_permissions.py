"""Capabilities by name: the table, ``can``, ``@permission_required``, the template filter,
``Actor`` and the middleware that sets ``request.actor`` and drops ``platform_slug``."""

from __future__ import annotations

from unittest import mock

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from accounts import permissions
from accounts.middleware import PlatformMiddleware
from accounts.models import Role
from accounts.permissions import Actor, can, permission_required
from platforms.models import platform_manager
from tsunagari.lib import permissions as lib_permissions
from tsunagari.lib.tenancy import TenantModel, scoped_manager
from tsunagari.lib.testing import BaseTestCase

TABLE = {
    "tests.edit_thing": permissions.SECRETARIAT,
    "tests.read_thing": permissions.ANY_STAFF,
}


class PermissionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        patcher = mock.patch.dict(lib_permissions._table, {})
        patcher.start()
        self.addCleanup(patcher.stop)
        permissions.register(TABLE)

    def role(self, kind: str) -> Role:
        return Role.objects.get(user=self.users[kind], platform=self.platform)

    def test_it_grants_a_capability_only_to_its_role_kinds(self) -> None:
        for kind, _label in Role.KINDS:
            role = self.role(kind)
            actor = Actor.of_role(role)
            expected = kind in (Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_STAFF)
            self.assertEqual(can(actor, "tests.edit_thing"), expected, kind)
            self.assertEqual(can(role, "tests.edit_thing"), expected, kind)
            self.assertEqual(can(kind, "tests.edit_thing"), expected, kind)
            self.assertEqual(actor.can("tests.edit_thing"), expected, kind)
            self.assertTrue(can(actor, "tests.read_thing"), kind)

    def test_it_refuses_a_visitor_and_nobody(self) -> None:
        visitor = Actor(user=None, role=None, platform=self.platform)
        self.assertFalse(can(visitor, "tests.read_thing"))
        self.assertFalse(can(None, "tests.read_thing"))

    def test_it_raises_for_an_unknown_codename_instead_of_saying_no(self) -> None:
        with self.assertRaises(LookupError):
            can(Actor.of_role(self.role(Role.SECRETARIAT_ADMIN)), "tests.edit_thnig")

    def test_it_refuses_a_conflicting_or_malformed_registration(self) -> None:
        permissions.register({"tests.edit_thing": permissions.SECRETARIAT})  # the same again: fine
        with self.assertRaises(ImproperlyConfigured):
            permissions.register({"tests.edit_thing": permissions.ANY_STAFF})
        with self.assertRaises(ImproperlyConfigured):
            permissions.register({"tests.other": ["chairman"]})
        with self.assertRaises(ImproperlyConfigured):
            permissions.register({"no_app_prefix": permissions.ANY_STAFF})

    def test_it_answers_403_to_roles_without_the_capability(self) -> None:
        @permission_required("tests.edit_thing")
        def view(request: HttpRequest) -> HttpResponse:
            return HttpResponse("ok")

        self.assertEqual(view.permission, "tests.edit_thing")  # type: ignore[attr-defined]
        request = RequestFactory().get("/")
        request.role = self.role(Role.VIEWER)  # type: ignore[attr-defined]
        with self.assertRaises(PermissionDenied):
            view(request)
        request.role = None  # type: ignore[attr-defined]
        with self.assertRaises(PermissionDenied):
            view(request)
        request.role = self.role(Role.SECRETARIAT_STAFF)  # type: ignore[attr-defined]
        self.assertEqual(view(request).content, b"ok")

    def test_it_lets_templates_ask(self) -> None:
        template = Template(
            '{% load permissions %}{% if actor|can:"tests.edit_thing" %}edit{% endif %}'
            '{% can "tests.read_thing" as may_read %}{% if may_read %}read{% endif %}'
        )
        for kind, expected in ((Role.SECRETARIAT_ADMIN, "editread"), (Role.VIEWER, "read")):
            request = RequestFactory().get("/")
            request.actor = Actor.of_role(self.role(kind))  # type: ignore[attr-defined]
            html = template.render(Context({"actor": request.actor, "request": request}))  # type: ignore[attr-defined]
            self.assertEqual(html, expected, kind)

    def test_it_takes_the_actor_from_the_request(self) -> None:
        request = RequestFactory().get("/")
        request.user = self.admin
        request.role = self.role(Role.SECRETARIAT_ADMIN)  # type: ignore[attr-defined]
        request.platform = self.platform  # type: ignore[attr-defined]
        actor = Actor.from_request(request)
        self.assertEqual((actor.user, actor.role, actor.platform), (self.admin, request.role, self.platform))  # type: ignore[attr-defined]
        self.assertEqual(actor.kind, Role.SECRETARIAT_ADMIN)


class MiddlewareActorTestCase(BaseTestCase):
    def test_it_drops_the_slug_only_for_views_of_a_resolved_platform(self) -> None:
        middleware = PlatformMiddleware(lambda request: HttpResponse())
        request = RequestFactory().get("/p/alpha/")
        request.platform = self.platform  # type: ignore[attr-defined]
        kwargs = {"platform_slug": "alpha", "uuid": "x"}
        middleware.process_view(request, lambda r: HttpResponse(), [], kwargs)
        self.assertEqual(kwargs, {"uuid": "x"})
        request.platform = None  # type: ignore[attr-defined]
        kwargs = {"platform_slug": "alpha"}
        middleware.process_view(request, lambda r: HttpResponse(), [], kwargs)
        self.assertEqual(kwargs, {"platform_slug": "alpha"})

    def test_it_sets_the_actor_on_staff_and_public_pages(self) -> None:
        self.login(self.admin)
        response = self.client.get("/p/alpha/staff/")
        actor = response.wsgi_request.actor  # type: ignore[attr-defined]
        self.assertEqual(actor.platform, self.platform)
        self.assertEqual(actor.user, self.admin)
        self.assertEqual(actor.kind, Role.SECRETARIAT_ADMIN)
        self.client.logout()
        response = self.client.get("/p/alpha/members/")
        actor = response.wsgi_request.actor  # type: ignore[attr-defined]
        self.assertEqual((actor.user, actor.role, actor.platform), (None, None, self.platform))


class TenantModelTestCase(BaseTestCase):
    def test_it_gives_tenant_models_uuid_platform_timestamps_and_the_scoped_manager(self) -> None:
        meta = TenantModel._meta
        self.assertTrue(meta.abstract)
        self.assertTrue(meta.get_field("uuid").unique)
        self.assertFalse(meta.get_field("uuid").editable)
        self.assertEqual(meta.get_field("platform").remote_field.model, "platforms.Platform")
        self.assertTrue(meta.get_field("created_at").auto_now_add)  # type: ignore[union-attr]
        self.assertTrue(meta.get_field("updated_at").auto_now)  # type: ignore[union-attr]
        manager = TenantModel._meta.managers[0]
        self.assertTrue(hasattr(manager, "with_scopes_disabled"), type(manager))  # django-scopes'
        self.assertIs(platform_manager, scoped_manager)
