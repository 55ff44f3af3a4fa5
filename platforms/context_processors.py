from django.http import HttpRequest


def platform(request: HttpRequest) -> dict:
    return {
        "platform": getattr(request, "platform", None),
        "role": getattr(request, "role", None),
    }
