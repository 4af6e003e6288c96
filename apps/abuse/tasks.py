"""Beat's nightly detection (and the API's re-run): scalping over the last days, rings over the window."""
from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from apps.abuse.services import rings_detect, scalping_detect

DETECTORS = {"scalping": scalping_detect, "rings": rings_detect}


@shared_task(name="abuse.detect", ignore_result=False)
def detect_task(kinds: list[str] | None = None) -> dict:
    """Run the named detectors (default both); returns each one's summary."""
    return {kind: asdict(DETECTORS[kind]()) for kind in (kinds or list(DETECTORS))}
