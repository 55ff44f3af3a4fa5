"""Every staff URL × every role, plus the outsider and the anonymous visitor.

The expected answer comes from the view's ``permission_required`` codename (read from the
capability table, ``accounts.permissions``) or its ``role_required`` declaration, so a
new staff view without a guard fails ``test_it_guards_every_staff_view``,
and a guard that lets the wrong role in fails the matrix.
"""

from __future__ import annotations

import datetime
import importlib
import uuid

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from accounts import permissions
from accounts.models import Role
from partnership.models import (
    Application,
    ChangeRequest,
    Council,
    Expulsion,
    MemberOrganisation,
    OrgType,
    Withdrawal,
)
from platforms.models import Platform
from tsunagari.lib.headers import content_security_policy
from tsunagari.lib.testing import BaseTestCase, make_member


def staff_patterns() -> list[tuple[str, str, list[str]]]:
    """(view name, route, converter names) for every URL under /p/<slug>/staff/."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith("p/<slug:platform_slug>/staff/"):
                    found.append((namespace + p.name, route, list(p.pattern.converters)))

    walk(get_resolver().url_patterns, "", "")
    return found


def _application(platform: Platform) -> Application:
    return Application.objects.create(
        platform=platform,
        name="申込団体",
        name_kana="もうしこみだんたい",
        org_type=OrgType.NPO,
        representative="代表",
        postal_code="500-0000",
        address="岐阜県岐阜市",
        phone="058-000-0000",
        email=f"apply-{platform.slug}@example.jp",
        contact_person="担当",
        area="岐阜市",
        description="活動",
    )


def objects_for(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    """One object of each kind addressed by a staff URL, keyed by URL name."""
    with scopes_disabled():
        change = ChangeRequest.objects.create(
            platform=platform, organisation=member, changes={"area": "県内全域"}
        )
        withdrawal = Withdrawal.objects.create(
            platform=platform, organisation=member, effective_on=datetime.date(2030, 3, 31)
        )
        Expulsion.objects.create(platform=platform, organisation=member, ground="breach", reason="x")
        council = Council.objects.create(platform=platform, name=f"会議体-{platform.slug}")
        role = Role.objects.filter(platform=platform).first()
        application = _application(platform)
    found: dict[str, object] = {
        "partnership:application": application,
        "partnership:member": member,
        "partnership:expel": member,
        "partnership:withdraw": member,
        "partnership:change": change,
        "partnership:withdrawal": withdrawal,
        "partnership:council": council,
        "accounts:staff_role": role,
    }
    # Other apps add their own: a module <app>/tests/matrix.py with
    # ``objects(platform, member) -> {url name: object with a uuid}``.
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError as error:
            if error.name not in (f"{config.name}.tests", f"{config.name}.tests.matrix"):
                raise
            continue
        with scopes_disabled():
            found.update(module.objects(platform, member))
    return found


class UrlMatrixTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects_alpha = objects_for(cls.platform, make_member(cls.platform, "NPO法人マトリクス"))
        cls.objects_beta = objects_for(cls.other_platform, cls.other_member)

    def urls(self, objects: dict[str, object], slug: str = "alpha") -> list[tuple[str, str, frozenset[str]]]:
        result = []
        for name, _route, converters in staff_patterns():
            args: list[object] = [slug]
            if any(c.endswith("uuid") for c in converters):
                obj = objects[name]
                args.append(getattr(obj, "uuid"))
            url = reverse(name, args=args)
            match = get_resolver().resolve(url)
            allowed = getattr(match.func, "allowed_roles", None)
            codename = getattr(match.func, "permission", None)
            if codename is not None:
                allowed = permissions.allowed_kinds(codename)
            result.append((name, url, allowed))
        return result

    def test_it_finds_the_staff_urls(self) -> None:
        names = {name for name, _r, _c in staff_patterns()}
        self.assertGreaterEqual(len(names), 20)
        self.assertIn("partnership:applications", names)

    def test_it_guards_every_staff_view(self) -> None:
        unguarded = [name for name, _url, allowed in self.urls(self.objects_alpha) if allowed is None]
        self.assertEqual(unguarded, [])

    def test_it_answers_every_role_as_declared(self) -> None:
        checked = 0
        for kind, _label in Role.KINDS:
            self.login(self.users[kind])
            for name, url, allowed in self.urls(self.objects_alpha):
                response = self.client.get(url)
                status = response.status_code
                # Every page, refusals included, carries the strict policy (tsunagari/lib/headers.py).
                if response.get("Content-Type", "").startswith("text/html"):
                    self.assertEqual(
                        response.get("Content-Security-Policy"), content_security_policy(), f"{kind} {name}"
                    )
                if kind in allowed:
                    # 202: a PDF the task worker is preparing (surveys:results_pdf)
                    self.assertIn(status, (200, 202, 302, 405), f"{kind} {name} {url}")
                else:
                    self.assertEqual(status, 403, f"{kind} {name} {url}")
                checked += 1
        self.assertGreater(checked, 100)

    def test_it_answers_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        for name, url, _allowed in self.urls(self.objects_alpha):
            self.assertEqual(self.client.get(url).status_code, 404, f"{name} {url}")
            self.assertEqual(self.client.post(url, {}).status_code, 404, f"POST {name} {url}")

    def test_it_answers_404_for_another_platforms_objects_in_this_platforms_urls(self) -> None:
        self.login(self.admin)
        for name, url, _allowed in self.urls(self.objects_beta, slug="alpha"):
            if name in self.objects_beta:
                self.assertEqual(self.client.get(url).status_code, 404, f"{name} {url}")
                self.assertEqual(self.client.post(url, {}).status_code, 404, f"POST {name} {url}")

    def test_it_answers_404_for_made_up_uuids(self) -> None:
        self.login(self.admin)
        for name, route, converters in staff_patterns():
            if any(c.endswith("uuid") for c in converters):
                url = reverse(name, args=["alpha", uuid.uuid4()])
                self.assertEqual(self.client.get(url).status_code, 404, name)

    def test_it_sends_anonymous_visitors_to_login(self) -> None:
        for name, url, _allowed in self.urls(self.objects_alpha):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith("/accounts/login/"), name)

    def test_it_serves_public_pages_to_anyone_and_404_for_unknown_platforms(self) -> None:
        for path in ("/p/alpha/", "/p/alpha/members/", "/p/alpha/join/"):
            self.assertEqual(self.client.get(path).status_code, 200, path)
            self.assertEqual(self.client.get(path.replace("alpha", "gamma")).status_code, 404, path)
