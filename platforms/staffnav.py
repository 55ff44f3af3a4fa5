"""The staff navigation: one table of entries, grouped by capability, that every app adds to.

Each app registers its staff pages in its ``AppConfig.ready()``::

    from platforms import staffnav

    staffnav.register(
        staffnav.NavItem("surveys", _("実態調査"), "surveys:list", active=("surveys:",)),
    )

and a new capability group, when it needs one, with ``staffnav.register_group(code, label, order)``
(パートナーシップ, 資源・窓口, 相談, 調査, 会議・議決, 行事・メール, ネットワーク, 成果 and 管理 exist).
The menu shown on a page is ``menu_for(platform, role, view_name)``: only the entries the role may
use (the view's own guard, i.e. the role kinds its ``permission_required`` capability or its
``role_required`` lets in, unless ``roles`` says otherwise; ``permission``: a capability name of
tsunagari.lib.permissions; ``show``: a test of the platform), groups in their order, the group
of the current page marked. platforms imports no app to build it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tsunagari.lib.permissions import allowed_kinds, can

SECRETARIAT_ADMIN = frozenset({"secretariat_admin"})
SECRETARIAT = frozenset({"secretariat_admin", "secretariat_staff"})
SECRETARIAT_OR_VIEWER = SECRETARIAT | {"viewer"}
COUNSELLOR = frozenset({"counsellor"})
DESK = SECRETARIAT | COUNSELLOR
MEMBER_STAFF = frozenset({"member_staff"})
VIEWER = frozenset({"viewer"})
ANY_STAFF = SECRETARIAT | COUNSELLOR | MEMBER_STAFF | VIEWER


@dataclass(frozen=True)
class NavItem:
    group: str
    label: str | Promise
    url_name: str
    # Role kinds that see the entry; None: the kinds the view itself lets in (its guard).
    roles: frozenset[str] | None = None
    permission: str = ""
    order: int = 100
    # View names (or prefixes ending in ":" or "_") that count as this entry's pages.
    active: tuple[str, ...] = ()
    show: Callable[[Any], bool] | None = None

    def is_active(self, view_name: str) -> bool:
        if view_name == self.url_name:
            return True
        return any(
            view_name.startswith(name) if name.endswith((":", "_")) else view_name == name
            for name in self.active
        )


@dataclass
class Group:
    code: str
    label: str | Promise
    order: int


@dataclass
class MenuLink:
    label: str | Promise
    url: str
    current: bool


@dataclass
class MenuGroup:
    code: str
    label: str | Promise
    links: list[MenuLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def url(self) -> str:
        return self.links[0].url


@dataclass
class Menu:
    groups: list[MenuGroup]

    @property
    def current(self) -> MenuGroup | None:
        return next((group for group in self.groups if group.current), None)


_groups: dict[str, Group] = {}
_items: dict[tuple[str, str], NavItem] = {}


def register_group(code: str, label: str | Promise, order: int) -> None:
    _groups[code] = Group(code, label, order)


def register(*items: NavItem) -> None:
    """Add (or replace, by group and URL name) entries of the staff navigation."""
    for item in items:
        _items[(item.group, item.url_name)] = item


for _code, _label, _order in (
    ("partnership", _("パートナーシップ"), 10),
    ("directory", _("資源・窓口"), 20),
    ("consultations", _("相談"), 30),
    ("surveys", _("調査"), 40),
    ("governance", _("会議・議決"), 50),
    ("events", _("行事・メール"), 60),
    ("network", _("ネットワーク"), 70),
    ("outcomes", _("成果"), 80),
    ("admin", _("管理"), 90),
):
    register_group(_code, _label, _order)


_view_roles: dict[str, frozenset[str]] = {}


def roles_of(item: NavItem) -> frozenset[str]:
    """The role kinds that may open the entry's page (read once from the view's guard)."""
    if item.roles is not None:
        return item.roles
    if item.url_name not in _view_roles:
        view = resolve(reverse(item.url_name, args=["x"])).func
        codename = getattr(view, "permission", None)  # @permission_required
        kinds = allowed_kinds(codename) if codename else getattr(view, "allowed_roles", ANY_STAFF)
        _view_roles[item.url_name] = frozenset(kinds)
    return _view_roles[item.url_name]


def allowed(item: NavItem, role: Any, platform: Any) -> bool:
    if role is None:
        return False
    try:
        if role.kind not in roles_of(item):
            return False
    except NoReverseMatch:
        return False  # an entry of an app that is not installed here
    if item.permission and not can(role, item.permission):
        return False
    return item.show is None or bool(item.show(platform))


def menu_for(platform: Any, role: Any, view_name: str = "") -> Menu:
    """The menu of ``role`` on ``platform``, with the page ``view_name`` marked current."""
    groups: dict[str, MenuGroup] = {}
    ordered = sorted(_items.values(), key=lambda item: (item.order, str(item.label)))
    for item in ordered:
        if item.group not in _groups or not allowed(item, role, platform):
            continue
        try:
            url = reverse(item.url_name, args=[platform.slug])
        except NoReverseMatch:
            continue  # an entry of an app that is not installed here
        group = groups.setdefault(item.group, MenuGroup(item.group, _groups[item.group].label))
        group.links.append(MenuLink(item.label, url, item.is_active(view_name)))
    return Menu(sorted(groups.values(), key=lambda group: _groups[group.code].order))


def items() -> Iterable[NavItem]:
    return list(_items.values())
