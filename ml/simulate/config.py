"""What to simulate, and the random streams every stage draws from.

Each stage gets its own generator derived from (seed, stage name), so changing how one
stage draws (say, review wording) never shifts the rows of another (say, events).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from ml.simulate.catalog_spec import MERCHANTS


@dataclass(frozen=True)
class SimulationConfig:
    """Sizes and the calendar window.

    `end` is the last simulated day (UTC). The generator never reads the clock: the same
    seed and the same `end` always give the same rows.
    `events`: an approximate total event count to aim for; None keeps the natural visit rates.
    """

    end: date
    customers: int = 2000
    products: int = 300
    days: int = 90
    seed: int = 0
    events: int | None = None

    def __post_init__(self) -> None:
        if self.customers < 1:
            raise ValueError("customers must be at least 1")
        if self.products < len(MERCHANTS):
            raise ValueError(f"products must be at least {len(MERCHANTS)}, one per merchant")
        if self.days < 1:
            raise ValueError("days must be at least 1")
        if self.events is not None and self.events < 1:
            raise ValueError("events must be at least 1")

    @property
    def window_start(self) -> pd.Timestamp:
        return pd.Timestamp(datetime.combine(self.end - timedelta(days=self.days - 1), datetime.min.time()), tz=UTC)

    @property
    def window_end(self) -> pd.Timestamp:
        """Exclusive end: midnight after `end`."""
        return pd.Timestamp(datetime.combine(self.end + timedelta(days=1), datetime.min.time()), tz=UTC)

    def timestamps(self, seconds: np.ndarray) -> pd.DatetimeIndex:
        """UTC timestamps, to the millisecond, for offsets in seconds from the window start (stages compute in seconds)."""
        milliseconds = np.round(np.asarray(seconds, dtype=float) * 1000).astype(np.int64)
        return self.window_start + pd.to_timedelta(milliseconds, unit="ms")

    def rng(self, stage: str) -> np.random.Generator:
        """An independent, reproducible random stream for one stage."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, zlib.crc32(stage.encode())]))

    def faker_seed(self, stage: str) -> int:
        return int(self.rng(f"faker:{stage}").integers(0, 2**31 - 1))
