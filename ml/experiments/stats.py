"""Statistics of an A/B results page, for proportions (click-through, conversion per unit).

Each function takes counts and returns plain numbers. Conventions: two-sided tests, alpha 0.05,
power 0.8, normal approximations (the experiments this serves have hundreds to millions of
units; the sample-size note says when there are too few to call).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

ALPHA = 0.05
POWER = 0.8
# The standard normal from the standard library: these run per results page and inside a
# bisection, where scipy's per-call overhead (tens of microseconds) dominated.
_NORMAL = NormalDist()


def _quantile(probability: float) -> float:
    return _NORMAL.inv_cdf(probability)


def _two_sided_p(z: float) -> float:
    """2 * P(Z > |z|), via erfc so tiny p-values keep their precision."""
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, trials: int, *, alpha: float = ALPHA) -> Interval | None:
    """Wilson score interval of a proportion; None without trials.

    Wilson rather than the textbook Wald interval because it stays inside [0, 1] and keeps its
    coverage at the small rates (a few percent) conversions have.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    z = _quantile(1 - alpha / 2)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float


def two_proportion_ztest(x_control: int, n_control: int, x_variant: int, n_variant: int) -> ZTest | None:
    """Pooled two-proportion z-test of variant against control, two-sided.

    z squared equals Pearson's chi-square statistic of the 2x2 table (without Yates' correction),
    so the p-value is also that chi-square test's. None when a group is empty or the pooled
    rate is 0 or 1 (no variance: nothing to test).
    """
    if n_control <= 0 or n_variant <= 0:
        return None
    pooled = (x_control + x_variant) / (n_control + n_variant)
    variance = pooled * (1 - pooled) * (1 / n_control + 1 / n_variant)
    if variance <= 0:
        return None
    z = (x_variant / n_variant - x_control / n_control) / math.sqrt(variance)
    return ZTest(z=z, p_value=_two_sided_p(z))


@dataclass(frozen=True)
class Lift:
    relative: float
    """Variant rate / control rate - 1."""
    low: float
    high: float


def relative_lift(x_control: int, n_control: int, x_variant: int, n_variant: int, *, alpha: float = ALPHA) -> Lift | None:
    """Relative lift with a confidence interval by the delta method on the log rate ratio (Katz).

    None when either group has no successes (the ratio's logarithm is undefined).
    """
    if min(x_control, x_variant, n_control, n_variant) <= 0:
        return None
    ratio = (x_variant / n_variant) / (x_control / n_control)
    se = math.sqrt(1 / x_variant - 1 / n_variant + 1 / x_control - 1 / n_control)
    z = _quantile(1 - alpha / 2)
    return Lift(relative=ratio - 1, low=ratio * math.exp(-z * se) - 1, high=ratio * math.exp(z * se) - 1)


def sample_size_per_arm(baseline: float, relative_effect: float, *, alpha: float = ALPHA, power: float = POWER) -> int:
    """Units per arm to detect `baseline` -> `baseline * (1 + relative_effect)` with a two-sided
    test at `alpha` and the given power (the classic normal-approximation formula, e.g. Fleiss,
    without continuity correction)."""
    treated = baseline * (1 + relative_effect)
    if not 0 < baseline < 1 or not 0 < treated < 1 or relative_effect == 0:
        raise ValueError("baseline and baseline * (1 + effect) must lie in (0, 1), effect non-zero")
    z_alpha = _quantile(1 - alpha / 2)
    z_beta = _quantile(power)
    mean = (baseline + treated) / 2
    numerator = (
        z_alpha * math.sqrt(2 * mean * (1 - mean))
        + z_beta * math.sqrt(baseline * (1 - baseline) + treated * (1 - treated))
    ) ** 2
    return math.ceil(numerator / (treated - baseline) ** 2)


def power_at(baseline: float, relative_effect: float, n_per_arm: int, *, alpha: float = ALPHA) -> float:
    """The power of the pooled z-test with `n_per_arm` units per arm (normal approximation)."""
    treated = baseline * (1 + relative_effect)
    mean = (baseline + treated) / 2
    z_alpha = _quantile(1 - alpha / 2)
    spread_null = math.sqrt(2 * mean * (1 - mean) / n_per_arm)
    spread_alt = math.sqrt((baseline * (1 - baseline) + treated * (1 - treated)) / n_per_arm)
    return _NORMAL.cdf((abs(treated - baseline) - z_alpha * spread_null) / spread_alt)


def minimum_detectable_effect(baseline: float, n_per_arm: int, *, alpha: float = ALPHA, power: float = POWER) -> float | None:
    """Smallest relative lift (upwards) detectable with `n_per_arm` units per arm; None without units.

    Found by bisection on `power_at`, which grows with the effect.
    """
    if n_per_arm <= 0 or not 0 < baseline < 1:
        return None
    low, high = 0.0, (1 - 1e-9) / baseline - 1
    if power_at(baseline, high, n_per_arm, alpha=alpha) < power:
        return None
    for _ in range(100):
        middle = (low + high) / 2
        if power_at(baseline, middle, n_per_arm, alpha=alpha) >= power:
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True)
class Comparison:
    """One variant's metric against the control."""

    rate: float | None
    interval: Interval | None
    lift: Lift | None
    test: ZTest | None
    significant: bool


def compare(x_control: int, n_control: int, x_variant: int, n_variant: int, *, alpha: float = ALPHA) -> Comparison:
    test = two_proportion_ztest(x_control, n_control, x_variant, n_variant)
    return Comparison(
        rate=x_variant / n_variant if n_variant else None,
        interval=wilson_interval(x_variant, n_variant, alpha=alpha),
        lift=relative_lift(x_control, n_control, x_variant, n_variant, alpha=alpha),
        test=test,
        significant=test is not None and test.p_value < alpha,
    )


def sample_size_note(*, units: list[int], baseline: float, relative_effect: float) -> str | None:
    """"Too early to call" while any arm has fewer units than the required sample size; else None."""
    required = sample_size_per_arm(baseline, relative_effect)
    smallest = min(units) if units else 0
    if smallest >= required:
        return None
    return (
        f"Too early to call: each arm needs about {required:,} units to detect a {relative_effect:+.0%} change "
        f"from a {baseline:.1%} baseline (alpha {ALPHA}, power {POWER:.0%}); the smallest arm has {smallest:,}."
    )
