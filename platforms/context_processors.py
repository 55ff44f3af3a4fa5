from django.http import HttpRequest

from platforms import staffnav


def platform(request: HttpRequest) -> dict:
    platform = getattr(request, "platform", None)
    role = getattr(request, "role", None)
    context = {"platform": platform, "role": role, "actor": getattr(request, "actor", None)}
    if platform is not None and role is not None:
        match = getattr(request, "resolver_match", None)
        context["staff_menu"] = staffnav.menu_for(platform, role, match.view_name if match else "")
    return context
