"""Reads of experiments, narrowed by tenancy, and the numbers of the results page.

Merchant staff see their merchants' experiments only. Platform-wide experiments (merchant null)
are the platform's: visible to platform staff, not to merchants, because their counters mix
every merchant's shoppers.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404

from apps.core.tenancy import scope_for_user
from apps.experiments.models import ArmDay, Experiment, ExposureUnit
from ml.experiments.assignment import HOLDOUT
from ml.experiments.stats import Comparison, compare, minimum_detectable_effect, sample_size_note, wilson_interval

if TYPE_CHECKING:
    from apps.accounts.models import User


def experiment_list(*, user: User) -> QuerySet[Experiment]:
    return scope_for_user(Experiment.objects.all(), user).select_related("merchant").prefetch_related("variants")


def experiment_get(*, user: User, key: str) -> Experiment:
    """The experiment `key` if `user` may read it; 404 otherwise (absent and foreign alike)."""
    return get_object_or_404(experiment_list(user=user), key=key)


@dataclass(frozen=True)
class ArmCounts:
    arm: str
    units: int = 0
    clicked_units: int = 0
    converted_units: int = 0
    impressions: int = 0
    clicks: int = 0
    add_to_carts: int = 0
    purchases: int = 0
    revenue: Decimal = Decimal("0")


@dataclass(frozen=True)
class ArmResult:
    arm: str
    name: str
    is_control: bool
    is_holdout: bool
    counts: ArmCounts
    clicks_per_impression: float | None
    revenue_per_unit: float | None
    click_through: Comparison
    """Units that clicked / exposed units, against the control."""
    conversion: Comparison
    """Units that purchased / exposed units, against the control."""


@dataclass(frozen=True)
class TimelinePoint:
    day: date
    units: int
    converted_units: int
    """Both cumulative up to and including `day`."""


@dataclass(frozen=True)
class Results:
    experiment: Experiment
    arms: list[ArmResult]
    sample_size_note: str | None
    minimum_detectable_effect: float | None
    """Relative lift of the primary metric detectable with the smallest arm's units so far."""
    timeline: dict[str, list[TimelinePoint]]


def arm_counts(experiment: Experiment) -> dict[str, ArmCounts]:
    """Exposed, clicked and converted units and attributed event counters per arm (two queries)."""
    units = {
        row["arm"]: row
        for row in ExposureUnit.objects.filter(experiment=experiment).values("arm").annotate(
            units=Count("id"),
            clicked=Count("id", filter=Q(clicked_at__isnull=False)),
            converted=Count("id", filter=Q(converted_at__isnull=False)),
        )
    }
    events = {
        row["arm"]: row
        for row in ArmDay.objects.filter(experiment=experiment).values("arm").annotate(
            impressions_sum=Sum("impressions"), clicks_sum=Sum("clicks"), carts_sum=Sum("add_to_carts"),
            purchases_sum=Sum("purchases"), revenue_sum=Sum("revenue"),
        )
    }
    counts = {}
    for arm in units.keys() | events.keys():
        unit_row, event_row = units.get(arm, {}), events.get(arm, {})
        counts[arm] = ArmCounts(
            arm=arm,
            units=unit_row.get("units", 0),
            clicked_units=unit_row.get("clicked", 0),
            converted_units=unit_row.get("converted", 0),
            impressions=event_row.get("impressions_sum") or 0,
            clicks=event_row.get("clicks_sum") or 0,
            add_to_carts=event_row.get("carts_sum") or 0,
            purchases=event_row.get("purchases_sum") or 0,
            revenue=event_row.get("revenue_sum") or Decimal("0"),
        )
    return counts


def experiment_timeline(experiment: Experiment) -> dict[str, list[TimelinePoint]]:
    """Cumulative exposed and converted units per arm and day, for the conversion-over-time chart."""
    entered: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    converted: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    members = ExposureUnit.objects.filter(experiment=experiment)
    for row in members.annotate(day=TruncDate("first_exposed_at")).values("arm", "day").annotate(n=Count("id")):
        entered[row["arm"]][row["day"]] += row["n"]
    for row in (
        members.filter(converted_at__isnull=False)
        .annotate(day=TruncDate("converted_at")).values("arm", "day").annotate(n=Count("id"))
    ):
        converted[row["arm"]][row["day"]] += row["n"]
    timeline = {}
    for arm in entered:
        days = sorted(set(entered[arm]) | set(converted[arm]))
        total_units = total_converted = 0
        points = []
        for day in days:
            total_units += entered[arm].get(day, 0)
            total_converted += converted[arm].get(day, 0)
            points.append(TimelinePoint(day=day, units=total_units, converted_units=total_converted))
        timeline[arm] = points
    return timeline


def _against_control(rate_only: bool, x_control: int, n_control: int, x_arm: int, n_arm: int) -> Comparison:
    # The control (no test against itself) and the holdout (shown for reference) get their rate only.
    if rate_only:
        return Comparison(rate=x_arm / n_arm if n_arm else None, interval=wilson_interval(x_arm, n_arm),
                          lift=None, test=None, significant=False)
    return compare(x_control, n_control, x_arm, n_arm)


def experiment_results(*, experiment: Experiment) -> Results:
    """Per-arm rates with Wilson intervals, lift against the control with its interval, the
    two-proportion z-test, and the sample-size note while arms are smaller than required.

    Rates are per unit (shopper), the unit of randomisation: a shopper who sees ten lists is
    not ten independent trials, so per-impression rates are shown as description only.
    """
    counts = arm_counts(experiment)
    variants = list(experiment.variants.all())
    control = next((v for v in variants if v.is_control), None)
    control_counts = counts.get(control.key, ArmCounts(control.key)) if control else ArmCounts("")
    arms: list[tuple[str, str, bool, bool]] = [(v.key, v.name or v.key, v.is_control, False) for v in variants]
    if experiment.holdout_share > 0 or HOLDOUT in counts:
        arms.append((HOLDOUT, "Holdout", False, True))
    results = []
    for key, name, is_control, is_holdout in arms:
        arm = counts.get(key, ArmCounts(key))
        results.append(ArmResult(
            arm=key, name=name, is_control=is_control, is_holdout=is_holdout, counts=arm,
            clicks_per_impression=arm.clicks / arm.impressions if arm.impressions else None,
            revenue_per_unit=float(arm.revenue) / arm.units if arm.units else None,
            click_through=_against_control(is_control or is_holdout, control_counts.clicked_units,
                                           control_counts.units, arm.clicked_units, arm.units),
            conversion=_against_control(is_control or is_holdout, control_counts.converted_units,
                                        control_counts.units, arm.converted_units, arm.units),
        ))
    compared_units = [r.counts.units for r in results if not r.is_holdout]
    return Results(
        experiment=experiment,
        arms=results,
        sample_size_note=sample_size_note(
            units=compared_units, baseline=experiment.baseline_rate, relative_effect=experiment.minimum_detectable_effect
        ),
        minimum_detectable_effect=minimum_detectable_effect(experiment.baseline_rate, min(compared_units, default=0)),
        timeline=experiment_timeline(experiment),
    )

