"""Detection settings: Django settings named ABUSE_* override these defaults (none are required)."""
from __future__ import annotations

from django.conf import settings

from ml.risk.rings import RingParams
from ml.risk.scalping import ScalpingRules


def _setting(name: str, default):
    return getattr(settings, f"ABUSE_{name}", default)


def scalping_rules() -> ScalpingRules:
    return ScalpingRules(
        min_units=_setting("SCALPING_MIN_UNITS", 4),
        min_accounts=_setting("SCALPING_MIN_ACCOUNTS", 2),
        window_hours=_setting("SCALPING_WINDOW_HOURS", 72.0),
        per_account_cap=_setting("SCALPING_PER_ACCOUNT_CAP", 2),
    )


def ring_params() -> RingParams:
    return RingParams(
        min_buyers=_setting("RING_MIN_BUYERS", 2),
        max_buyers_per_value=_setting("RING_MAX_BUYERS_PER_VALUE", 25),
        threshold=_setting("RING_THRESHOLD", 0.65),
    )


def low_stock() -> int:
    """A ready-made product with this many units or fewer left counts as limited."""
    return _setting("LOW_STOCK", 5)


def scalping_lookback_days() -> int:
    """How far back the nightly scalping run looks for purchases (linking reads IDENTITY_DAYS)."""
    return _setting("SCALPING_LOOKBACK_DAYS", 14)


def identity_days() -> int:
    """Payments this recent link accounts (cards and devices change hands slowly)."""
    return _setting("IDENTITY_DAYS", 180)


def ring_window_days() -> int:
    """Orders and reviews this recent make up the ring graph."""
    return _setting("RING_WINDOW_DAYS", 180)


def scalping_model_threshold() -> float:
    """Probability at or above which the trained classifier flags a candidate."""
    return _setting("SCALPING_MODEL_THRESHOLD", 0.5)
