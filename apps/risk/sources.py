"""Where risk signals come from: each detector's app exposes `risk_signals(customer_ids=, merchant_ids=)`.

Dotted paths keep this app free of imports of the detectors (a detector can be added or removed
without touching the combination), and load each only when scores are refreshed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from ml.risk.signals import RiskSignal

SignalSource = Callable[..., list[RiskSignal]]

SOURCES: dict[str, str] = {
    "fraud": "apps.fraud.risk_signals.risk_signals",
    "abuse": "apps.abuse.risk_signals.risk_signals",  # both its "scalping" and "rings" signals
    "bots": "apps.bots.risk_signals.risk_signals",
}

# How much each source's evidence counts (0..1), overridable with settings.RISK_SCORE_WEIGHTS.
# Fraud scores are calibrated probabilities and count in full; ring membership and scalping are
# strong but indirect evidence; a bot session says the account is automated, not that it harms.
DEFAULT_WEIGHTS: dict[str, float] = {"fraud": 1.0, "rings": 0.9, "scalping": 0.8, "bots": 0.6}


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "RISK_SCORE_WEIGHTS", {})}


def signals_for_merchant(merchant_id: int, *, customer_ids: Iterable[int] | None = None) -> list[RiskSignal]:
    """Every source's signals about one shop's customers and about the shop as a seller."""
    found: list[RiskSignal] = []
    for path in SOURCES.values():
        source: SignalSource = import_string(path)
        found.extend(source(customer_ids=customer_ids, merchant_ids=[merchant_id]))
    # A seller signal is about the shop itself; one about another seller would leak across shops.
    return [s for s in found if s.subject == "customer" or s.subject_id == merchant_id]
