"""When people shop: weekly and yearly rhythms, gift-season peaks, and the hour of day.

Weights are relative traffic per day of the simulated window; a stage samples session days
with them, so a window spanning December is busier than one spanning August.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Monday .. Sunday: weekends browse more.
WEEKDAY_WEIGHTS = np.array([0.95, 0.93, 0.97, 1.0, 0.96, 1.1, 1.16])

# Local hour of day 0..23 for people: quiet nights, a lunchtime bump, an evening peak.
HUMAN_HOUR_WEIGHTS = np.array(
    [0.6, 0.35, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.1, 1.2, 1.25, 1.35,
     1.6, 1.5, 1.3, 1.25, 1.3, 1.45, 1.7, 2.0, 2.2, 2.15, 1.7, 1.1]
)
HUMAN_HOUR_WEIGHTS = HUMAN_HOUR_WEIGHTS / HUMAN_HOUR_WEIGHTS.sum()
FLAT_HOUR_WEIGHTS = np.full(24, 1 / 24)


def _in_range(days: pd.DatetimeIndex, start: tuple[int, int], end: tuple[int, int]) -> np.ndarray:
    """Whether each day falls between two (month, day) marks inclusive, any year."""
    key = days.month * 100 + days.day
    return np.asarray((key >= start[0] * 100 + start[1]) & (key <= end[0] * 100 + end[1]))


def day_weights(days: pd.DatetimeIndex, profile: str) -> np.ndarray:
    """Relative traffic for each day under a profile: "general", "gift" or "flat" (bots keep no calendar)."""
    if profile == "flat":
        return np.ones(len(days))
    weekly = WEEKDAY_WEIGHTS[days.day_of_week]
    # A gentle annual swell peaking mid-December and dipping in summer.
    annual = 1 + 0.12 * np.cos(2 * np.pi * (np.asarray(days.day_of_year) - 350) / 365.25)
    black_friday_week = _in_range(days, (11, 24), (12, 2))
    christmas_run_up = _in_range(days, (11, 10), (12, 20))
    if profile == "general":
        return weekly * annual * np.where(black_friday_week, 1.9, 1.0) * np.where(christmas_run_up, 1.35, 1.0)
    if profile == "gift":
        valentines = _in_range(days, (1, 28), (2, 13))
        mothers_day = _in_range(days, (3, 1), (3, 28)) | _in_range(days, (5, 1), (5, 10))
        boost = (
            np.where(christmas_run_up, 5.0, 1.0)
            * np.where(black_friday_week, 1.5, 1.0)
            * np.where(valentines, 3.5, 1.0)
            * np.where(mothers_day, 1.7, 1.0)
        )
        return weekly * 0.55 * boost
    raise ValueError(f"unknown seasonality profile {profile!r}")
