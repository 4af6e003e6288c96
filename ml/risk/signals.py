"""The one shape every risk model reports in, so a per-customer and per-seller risk score can
combine them without knowing how each was found."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Subject = Literal["customer", "seller"]


@dataclass(frozen=True)
class RiskSignal:
    source: str
    """the model that raised it: "bots", "scalping", "rings", "fraud", ..."""
    subject: Subject
    subject_id: int
    """Customer.pk for a customer, Merchant.pk for a seller"""
    score: float
    """0..1: how strongly this source implicates the subject"""
    reason: str
    """one sentence an analyst can act on, with the values behind it"""
    observed_at: datetime
