"""The alert types a shopper can turn on, with the words people read about them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlertType:
    key: str
    label: str
    description: str


ALERT_TYPES: tuple[AlertType, ...] = (
    AlertType("high_spender", "High spending", "Your spending over the last 30 days is unusually high."),
    AlertType("high_tx_volume", "Many payments", "You make many more payments than usual in a short time."),
    AlertType("high_merchant_diversity", "Many shops", "You pay at many different shops in a short time."),
    AlertType(
        "near_credit_limit",
        "Near spending limit",
        "Your spending over the last 30 days nears the monthly limit you set.",
    ),
    AlertType("large_transaction", "Large payment", "A single payment is much larger than your usual ones."),
    AlertType("new_merchant", "New shop", "You pay at a shop for the first time."),
    AlertType("unusual_location", "Unusual location", "A payment comes from a country or place you do not usually pay from."),
    AlertType(
        "subscription_monitoring",
        "Recurring charges",
        "A shop charges you a similar amount at regular intervals (a subscription).",
    ),
)
ALERT_KEYS: tuple[str, ...] = tuple(alert.key for alert in ALERT_TYPES)
ALERT_LABELS: dict[str, str] = {alert.key: alert.label for alert in ALERT_TYPES}
