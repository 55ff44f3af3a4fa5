"""``{% load permissions %}``: ask the capability table from a template.

{% if actor|can:"directory.edit_service" %}…{% endif %}
{% can "directory.edit_service" as may_edit %}   {# reads request.actor from the context #}
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.permissions import can as _can

register = template.Library()


@register.filter(name="can")
def can_filter(actor_or_role: Any, codename: str) -> bool:
    return _can(actor_or_role, codename)


@register.simple_tag(takes_context=True, name="can")
def can_tag(context: template.Context, codename: str) -> bool:
    request = context.get("request")
    actor = getattr(request, "actor", None) or context.get("role")
    return _can(actor, codename)
