"""The promotion gate every trainer goes through: declared thresholds, then "beats production on the same data".

A candidate goes to production only when (1) its validation metrics reach the floors declared
for its model below, (2) any condition its trainer adds holds (segments: every scope covered),
and (3) for models with a held-out score, it beats the production model re-scored by the
trainer on the candidate's own validation rows. `--promote` (or the portal's Promote button)
overrides a failed gate, and the verdict says so. The verdict, with one line per check, is
stored on the version (`ModelVersion.gate`) and shown on the Models page.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from apps.mlops.models import ModelVersion
from apps.mlops.services import model_promote


@dataclass(frozen=True)
class Floor:
    """`metric` must reach `minimum`, or (with `baseline`) the value of another metric of the same card."""

    metric: str
    minimum: float | None = None
    baseline: str | None = None
    strict: bool = False
    """Must exceed the floor rather than reach it ("beats the popularity baseline")."""

    def describe(self) -> str:
        target = self.baseline if self.baseline else f"{self.minimum:g}"
        return f"{self.metric} {'>' if self.strict else '≥'} {target}"


@dataclass(frozen=True)
class GateSpec:
    metric: str | None
    """The held-out metric compared with production (higher is better); None: nothing to beat."""
    floors: tuple[Floor, ...] = ()
    ties_pass: bool = False
    """At least as good as production is enough (retraining picks up new decisions at equal quality)."""
    first_needs_request: bool = True
    """With no production model yet, promotion of the first version waits for `--promote`."""
    why: str = ""


GATES: dict[str, GateSpec] = {
    "fraud": GateSpec(
        metric="average_precision",
        floors=(Floor("auc_roc", 0.70), Floor("average_precision", 0.05)),
        why="average precision (PR-AUC) is what matters at ~1% fraud; AUC-ROC ≥ 0.70 rules out a model that barely ranks",
    ),
    "recommendations": GateSpec(
        metric=None,
        floors=(Floor("ndcg@10", baseline="popularity_ndcg@10", strict=True),),
        why="the registered model is refit on the held-out interactions, so the next run cannot re-score it there "
        "without leakage; a model that cannot beat the bestsellers on the held-out interactions must not serve",
    ),
    "segments": GateSpec(
        metric=None,
        why="descriptive, no held-out score: the latest complete segmentation (every scope covered) is current",
    ),
    "sentiment": GateSpec(
        metric="weighted_f1",
        floors=(Floor("weighted_f1", baseline="vader_weighted_f1", strict=True),),
        why="mean weighted F1 over the held-out sets; it must beat VADER alone and the production model on those rows",
    ),
    "tagging": GateSpec(
        metric="mean_f1",
        floors=(Floor("mean_f1", 0.30),),
        ties_pass=True,
        why="mean F1 over the tag families on held-out products; equal quality passes so new decisions reach production",
    ),
    "chat_intents": GateSpec(
        metric="accuracy",
        floors=(Floor("accuracy", 0.70),),
        ties_pass=True,
        first_needs_request=False,
        why="held-out accuracy on the shipped split; production's is its recorded figure on the same split "
        "(it was refit on every example, so re-scoring it there would be leaked)",
    ),
    "alerts": GateSpec(
        metric=None,
        why="an index of today's shoppers rather than a predictor to beat: the weekly run replaces last week's neighbours",
    ),
    "bots": GateSpec(
        metric=None,
        first_needs_request=False,
        why="unsupervised, no labels to score a candidate on: the latest description of normal sessions replaces the last",
    ),
    "fair_price": GateSpec(
    metric=None,
    floors=(Floor("skill", -0.05), Floor("coverage", 0.7)),
    first_needs_request=False,
    why="cross-validated MAPE must be no more than 5% (relative) above the category median's (skill = 1 - MAPE / baseline "
    "MAPE >= -0.05; where attributes and demand say nothing about price, as in the demo data, the model can only tie "
    "it) and its range must hold at least 70% of held-out prices (target 80%), which the fallback's quartiles cannot "
    "(50% by construction); production was refit on today's listings, so re-scoring it on them would be leaked",
),
    "scalping": GateSpec(
        metric="average_precision",
        floors=(Floor("roc_auc", baseline="rules_roc_auc", strict=True),),
        why="held-out average precision on analysts' decisions; it must rank flags better than the rules' own score",
    ),
}


class UndeclaredGate(LookupError):
    pass


def gate_spec(name: str) -> GateSpec:
    try:
        return GATES[name]
    except KeyError:
        raise UndeclaredGate(f"no promotion gate is declared for {name!r}: add a GateSpec to apps.mlops.gates.GATES") from None


@dataclass(frozen=True)
class ProductionFigure:
    """The production model's value of the gate metric on the candidate's validation data.

    `value` None: it exists but could not be scored there (`note` says why).
    """

    version: int
    value: float | None
    note: str = "same validation rows"


@dataclass(frozen=True)
class Condition:
    """A trainer's own requirement, with what to say when it holds and when it does not."""

    name: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class GateResult:
    passed: bool
    promoted: bool
    reason: str
    checks: list[dict] = field(default_factory=list)
    """{"name", "passed", "detail"} per floor, condition and the production comparison."""

    def as_dict(self) -> dict:
        return {"passed": self.passed, "promoted": self.promoted, "reason": self.reason, "checks": self.checks}


def _number(metrics: dict, key: str | None) -> float | None:
    value = metrics.get(key) if key else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _floor_check(floor: Floor, metrics: dict) -> dict:
    value = _number(metrics, floor.metric)
    target = _number(metrics, floor.baseline) if floor.baseline else floor.minimum
    if value is None or target is None:
        missing = floor.metric if value is None else floor.baseline
        return {"name": floor.describe(), "passed": False, "detail": f"{missing} was not measured"}
    passed = value > target if floor.strict else value >= target
    against = f"{floor.baseline} {target:.4f}" if floor.baseline else f"{target:g}"
    relation = ("above" if floor.strict else "reaches") if passed else ("not above" if floor.strict else "below")
    return {"name": floor.describe(), "passed": passed, "detail": f"{floor.metric} {value:.4f} {relation} {against}"}


def _comparison(spec: GateSpec, value: float | None, production: ProductionFigure | None) -> tuple[dict | None, str]:
    """The production check (None when the model has nothing to beat) and its words for the reason."""
    if spec.metric is None:
        return None, ""
    if production is None:
        passed = not spec.first_needs_request
        words = "first production model" if passed else "no production model yet, promote it with --promote or in the portal"
        return {"name": "beats production", "passed": passed, "detail": words}, words
    if production.value is None or value is None:
        words = f"v{production.version} {production.note}" if production.value is None else f"{spec.metric} was not measured"
        return {"name": "beats production", "passed": False, "detail": words}, words
    passed = value >= production.value if spec.ties_pass else value > production.value
    if passed:
        words = "beats production" if value > production.value else "at least as good as production"
    else:
        words = "worse than production" if spec.ties_pass else "does not beat production"
    detail = f"{spec.metric} {value:.4f} against v{production.version}'s {production.value:.4f} ({production.note})"
    return {"name": "beats production", "passed": passed, "detail": detail}, words


def gate_evaluate(
    *,
    name: str,
    metrics: dict,
    production: ProductionFigure | None = None,
    conditions: Sequence[Condition] = (),
    force: bool = False,
) -> GateResult:
    """The verdict for a candidate of `name` with these validation `metrics` (no writes)."""
    spec = gate_spec(name)
    value = _number(metrics, spec.metric)
    checks = [_floor_check(floor, metrics) for floor in spec.floors]
    checks += [{"name": c.name, "passed": c.holds, "detail": c.detail} for c in conditions]
    comparison, words = _comparison(spec, value, production)
    if comparison is not None:
        checks.append(comparison)
    passed = all(check["passed"] for check in checks)
    figures = f"{spec.metric} {value:.4f}" if value is not None else ""
    if comparison is not None and production is not None and production.value is not None:
        figures += f" against v{production.version}'s {production.value:.4f} on the {production.note}"
    held = [check["detail"] for check in checks if check is not comparison and check["passed"]]
    context = "; ".join(filter(None, [figures, *held]))
    suffix = f" ({context})" if context else ""
    if passed:
        headline = words or ("passes its thresholds" if spec.floors else "passes its checks")
        reason = f"promoted: {headline}{suffix}"
    else:
        blockers = "; ".join(check["detail"] if check is not comparison else words for check in checks if not check["passed"])
        reason = f"promoted on request despite: {blockers}{suffix}" if force else f"not promoted: {blockers}{suffix}"
    return GateResult(passed=passed, promoted=passed or force, reason=reason, checks=checks)


def gate_decide(
    *,
    version: ModelVersion,
    production: ProductionFigure | None = None,
    conditions: Sequence[Condition] = (),
    force: bool = False,
    actor=None,
) -> GateResult:
    """Evaluate the gate on `version`'s metrics, store the verdict on it and promote when it passes (or is forced)."""
    result = gate_evaluate(
        name=version.name, metrics=version.metrics or {}, production=production, conditions=conditions, force=force
    )
    with transaction.atomic():
        version.gate = result.as_dict()
        version.save(update_fields=["gate"])
        if result.promoted:
            model_promote(version=version, actor=actor)
    return result
