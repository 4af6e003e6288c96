"""The combination of risk signals: noisy-OR over sources, strongest signal per source, bands."""
from datetime import UTC, datetime

import pytest

from ml.risk.score import band_for, combine
from ml.risk.signals import RiskSignal

T0 = datetime(2026, 11, 1, tzinfo=UTC)
T1 = datetime(2026, 11, 2, tzinfo=UTC)


def signal(source, subject_id, score, reason="r", *, subject="customer", at=T0):
    return RiskSignal(source, subject, subject_id, score, reason, at)


def test_independent_sources_combine_by_noisy_or():
    [risk] = combine([signal("fraud", 1, 0.5), signal("bots", 1, 0.5)], {"fraud": 1.0, "bots": 0.6})
    assert risk.score == pytest.approx(1 - (1 - 0.5) * (1 - 0.3))
    assert [c.source for c in risk.components] == ["fraud", "bots"]  # strongest weighted contribution first


def test_a_source_counts_once_with_its_strongest_signal_and_keeps_every_reason():
    [risk] = combine(
        [
            signal("bots", 7, 0.4, "session A", at=T0),
            signal("bots", 7, 0.9, "session B", at=T1),
            signal("bots", 7, 0.4, "session A"),
        ],
        {"bots": 1.0},
    )
    assert risk.score == pytest.approx(0.9)
    [component] = risk.components
    assert component.reasons == ["session B", "session A"] and component.observed_at == T1


def test_customers_and_sellers_with_the_same_id_are_different_subjects_ranked_riskiest_first():
    scores = combine([signal("fraud", 3, 0.2), signal("rings", 3, 0.95, subject="seller")], {})
    assert [(s.subject, s.subject_id, s.band) for s in scores] == [("seller", 3, "high"), ("customer", 3, "low")]


def test_scores_stay_within_zero_and_one_whatever_the_weights_and_inputs():
    [risk] = combine([signal("fraud", 1, 1.7), signal("bots", 1, 0.9)], {"fraud": 3.0, "bots": -1.0})
    assert risk.score == 1.0
    assert combine([], {}) == []


@pytest.mark.parametrize(
    ("score", "band"), [(0.0, "low"), (0.39, "low"), (0.4, "medium"), (0.69, "medium"), (0.7, "high"), (1.0, "high")]
)
def test_bands(score, band):
    assert band_for(score) == band
