from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.health import readiness_report


@never_cache
@require_GET
def health(request):
    """Liveness: the process answers HTTP. Calls no dependency, so a database or Redis outage never
    makes an orchestrator restart healthy web processes (that is /ready's job: take them out of rotation)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """Readiness for load balancers: 200 while the database, Redis and the channel layer answer, else 503."""
    report, status = readiness_report()
    return JsonResponse(report, status=status)
