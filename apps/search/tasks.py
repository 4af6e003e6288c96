"""Celery tasks of search."""
from celery import shared_task

from apps.search.services import behaviour_refresh


@shared_task(name="search.refresh_behaviour")
def refresh_behaviour_task() -> dict[str, int]:
    """Hourly (apps.search.apps): rebuild behaviour boosts and query figures from recent events."""
    return behaviour_refresh()
