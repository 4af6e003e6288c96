"""Bot detection settings: defaults here, overridable with a BOTS dict in Django settings."""
from __future__ import annotations

from typing import Any

from django.conf import settings

MODEL_NAME = "bots"
"""The registry name of the bot detector (apps.mlops)."""

DEFAULTS: dict[str, Any] = {
    # Share of training sessions the model flags: the operator's estimate of automated traffic among
    # sessions of 5+ events (about 6-7% in the demo's traffic, bench/bots.py).
    "CONTAMINATION": 0.10,
    # Days of sessions a training run learns "normal" from.
    "TRAINING_DAYS": 30,
    # Judged sessions (5+ events) a model needs: fewer cannot describe normal traffic.
    "MIN_TRAINING_SESSIONS": 200,
    # The 15-minute job re-scores sessions with an event in the last this many hours, so a session
    # still running at one pass is scored again, whole, at the next.
    "RECENT_HOURS": 3,
    # The fallback rules (no model yet): fast AND regular, or many blind cart additions.
    "RULE_MAX_EVENTS_PER_MINUTE": 20.0,
    "RULE_MAX_INTERVAL_CV": 0.25,
    "RULE_MAX_BLIND_CARTS": 5,
    # risk_signals: flagged sessions this recent speak about their account.
    "SIGNAL_DAYS": 90,
}


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "BOTS", {})}[name]
