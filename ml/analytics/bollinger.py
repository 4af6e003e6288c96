"""The decision rule: Bollinger bands over a KPI stream, flagging points outside mean ± k·std.

Shared by the analytics dashboards (KPI anomalies), review trends (negative share rising) and
monitoring. The bands at point i use only the `window` points before i (a trailing window), so
a spike cannot widen the very band that should catch it, and a flag never depends on the future.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BollingerBands:
    middle: list[float | None]
    upper: list[float | None]
    lower: list[float | None]
    flags: list[int]
    """+1 above the upper band, -1 below the lower band, 0 inside (or not enough history yet)."""

    @property
    def anomalies(self) -> list[int]:
        return [i for i, flag in enumerate(self.flags) if flag]


def bollinger_bands(
    values: Sequence[float], *, window: int = 20, num_std: float = 2.0, min_periods: int | None = None
) -> BollingerBands:
    """Bands from the trailing `window` values (at least `min_periods`, default half the window).

    A flat history (std 0) would flag any change at all; the band keeps a floor of 1% of the
    mean's magnitude so that rounding noise in a constant series is not an anomaly.
    """
    if window < 2:
        raise ValueError("window must be at least 2")
    needed = min_periods if min_periods is not None else max(2, window // 2)
    series = np.asarray(values, dtype=float)
    middle: list[float | None] = []
    upper: list[float | None] = []
    lower: list[float | None] = []
    flags: list[int] = []
    for i, value in enumerate(series):
        history = series[max(0, i - window) : i]
        history = history[~np.isnan(history)]
        if len(history) < needed or np.isnan(value):
            middle.append(None)
            upper.append(None)
            lower.append(None)
            flags.append(0)
            continue
        mean = float(history.mean())
        spread = max(float(history.std(ddof=1)) * num_std, abs(mean) * 0.01)
        middle.append(mean)
        upper.append(mean + spread)
        lower.append(mean - spread)
        flags.append(1 if value > mean + spread else -1 if value < mean - spread else 0)
    return BollingerBands(middle=middle, upper=upper, lower=lower, flags=flags)
