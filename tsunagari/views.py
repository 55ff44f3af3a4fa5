from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from platforms.models import Platform


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    platforms = Platform.objects.filter(is_public=True)
    return render(request, "index.html", {"platforms": platforms})
