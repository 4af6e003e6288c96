"""Conversion funnel: view -> add to cart -> checkout -> purchase, within a conversion window.

A journey starts at a visitor's first product view of a (UTC) day. It reaches a later stage
when the visitor does that stage after reaching the previous one and no later than `window`
after the journey started, so a purchase a week later is not credited to a one-hour window.
Visitors are followed across sessions (customer id, or the anonymous device id), which is why
the window matters at all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

STAGES = ("view", "add_to_cart", "checkout", "purchase")


def journeys(events: pd.DataFrame, *, window: pd.Timedelta) -> pd.DataFrame:
    """One row per journey: the columns of its starting view, plus `day` and `reached` (1-4 stages).

    `events` needs `visitor`, `type` and `timestamp` (tz-aware); other columns of the starting
    view (product, category, device...) are carried along for breakdowns.
    """
    views = events[events["type"] == STAGES[0]].sort_values("timestamp", kind="stable")
    starts = views.assign(day=views["timestamp"].dt.floor("D")).drop_duplicates(["visitor", "day"], keep="first")
    starts = starts.reset_index(drop=True)
    reached = np.ones(len(starts), dtype=np.int64)
    alive = pd.DataFrame({"row": np.arange(len(starts)), "visitor": starts["visitor"], "at": starts["timestamp"]})
    alive["deadline"] = alive["at"] + window
    for stage in STAGES[1:]:
        if alive.empty:
            break
        later = events.loc[events["type"] == stage, ["visitor", "timestamp"]].rename(columns={"timestamp": "next_at"})
        matched = pd.merge_asof(
            alive.sort_values("at", kind="stable"),
            later.sort_values("next_at", kind="stable"),
            left_on="at",
            right_on="next_at",
            by="visitor",
            direction="forward",
        )
        matched = matched[matched["next_at"].notna() & (matched["next_at"] <= matched["deadline"])]
        reached[matched["row"].to_numpy()] += 1
        alive = matched.drop(columns="at").rename(columns={"next_at": "at"})
    return starts.assign(reached=reached)


def stage_counts(reached: Sequence[int] | np.ndarray) -> list[int]:
    """Journeys reaching each stage (a journey that purchased also counts as viewed, carted, checked out)."""
    values = np.asarray(reached)
    return [int((values >= n).sum()) for n in range(1, len(STAGES) + 1)]


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    count: int
    overall: float | None
    """share of the first stage that got this far"""
    step: float | None
    """share of the previous stage that got this far (None for the first stage)"""

    @property
    def drop_off(self) -> float | None:
        """share of the previous stage lost at this step"""
        return None if self.step is None else 1.0 - self.step


def funnel_steps(counts: Sequence[int], stages: Sequence[str] = STAGES) -> list[FunnelStep]:
    """Overall and step-to-step conversion for stage counts (None where the base is zero)."""
    first = counts[0] if counts else 0
    steps = []
    for i, (stage, count) in enumerate(zip(stages, counts, strict=True)):
        previous = counts[i - 1] if i else None
        steps.append(
            FunnelStep(
                stage=stage,
                count=int(count),
                overall=count / first if first else None,
                step=None if previous is None else (count / previous if previous else None),
            )
        )
    return steps
