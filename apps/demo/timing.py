"""Stage timings for the seed: what each stage made, how long it took, how fast that was."""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StageTiming:
    name: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class StageClock:
    """Records consecutive stages: each `lap` closes the stage that ran since the previous lap."""

    stages: list[StageTiming] = field(default_factory=list)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, name: str, rows: int) -> None:
        now = time.perf_counter()
        self.stages.append(StageTiming(name, rows, now - self._last))
        self._last = now

    @property
    def total_seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def timing_table(stages: list[StageTiming]) -> list[str]:
    """Aligned lines: stage, rows, seconds, rows/s, and a total."""
    lines = [f"{'stage':<28}{'rows':>12}{'seconds':>10}{'rows/s':>12}"]
    for stage in stages:
        lines.append(f"{stage.name:<28}{stage.rows:>12,}{stage.seconds:>10.2f}{stage.rows_per_second:>12,.0f}")
    total = sum(s.seconds for s in stages)
    lines.append(f"{'total':<28}{'':>12}{total:>10.2f}")
    return lines
