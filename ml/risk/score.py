"""One risk score per customer and per seller, combined from every risk model's signals.

Each source (fraud, bots, scalping, rings, ...) says how strongly it implicates a subject. The
sources are different kinds of evidence, so they are combined as independent ones with a
weighted noisy-OR: risk = 1 - prod(1 - w_s * score_s). One strong source is enough to make a
subject risky, two weak ones add up, and no number of weak signals reaches certainty. Within a
source only its strongest signal counts, so a source that reports the same subject many times
(a bot with ten flagged sessions) is not mistaken for ten independent witnesses.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ml.risk.signals import RiskSignal, Subject

# Bands an analyst sorts by: "high" is worth a look today, "medium" worth watching.
BANDS: tuple[tuple[float, str], ...] = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))


@dataclass(frozen=True)
class Component:
    source: str
    score: float
    """the source's strongest signal for the subject, before weighting"""
    weight: float
    reasons: list[str]
    """every reason the source gave, strongest first"""
    observed_at: datetime


@dataclass(frozen=True)
class RiskScore:
    subject: Subject
    subject_id: int
    score: float
    band: str
    components: list[Component] = field(default_factory=list)
    """strongest weighted contribution first"""


def band_for(score: float) -> str:
    return next(name for floor, name in BANDS if score >= floor)


def combine(signals: Iterable[RiskSignal], weights: Mapping[str, float]) -> list[RiskScore]:
    """Risk scores of every subject that has at least one signal, riskiest first.

    A source missing from `weights` counts with weight 1; weights are clipped to 0..1 so a
    misconfigured weight can never push a score outside 0..1.
    """
    by_subject: dict[tuple[Subject, int], dict[str, list[RiskSignal]]] = defaultdict(lambda: defaultdict(list))
    for signal in signals:
        by_subject[(signal.subject, signal.subject_id)][signal.source].append(signal)

    scores = []
    for (subject, subject_id), sources in by_subject.items():
        components = [_component(source, found, weights) for source, found in sources.items()]
        components.sort(key=lambda c: c.weight * c.score, reverse=True)
        remaining = 1.0
        for component in components:
            remaining *= 1.0 - component.weight * component.score
        score = round(1.0 - remaining, 4)
        scores.append(RiskScore(subject, subject_id, score, band_for(score), components))
    scores.sort(key=lambda s: (-s.score, s.subject, s.subject_id))
    return scores


def _component(source: str, found: list[RiskSignal], weights: Mapping[str, float]) -> Component:
    found = sorted(found, key=lambda s: s.score, reverse=True)
    return Component(
        source=source,
        score=min(max(found[0].score, 0.0), 1.0),
        weight=min(max(weights.get(source, 1.0), 0.0), 1.0),
        reasons=list(dict.fromkeys(s.reason for s in found)),
        observed_at=max(s.observed_at for s in found),
    )
