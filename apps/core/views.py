from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.health import health_report


@never_cache
@require_GET
def health(request):
    """Liveness and dependencies for load balancers: 200 while the database and Redis answer, else 503."""
    report, status = health_report()
    return JsonResponse(report, status=status)
