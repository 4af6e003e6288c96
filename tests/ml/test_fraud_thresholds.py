import numpy as np

from ml.fraud.thresholds import choose_thresholds


def test_thresholds_meet_both_targets_on_a_separable_set():
    y = np.r_[np.zeros(900), np.ones(100)]
    scores = np.r_[np.linspace(0.0, 0.4, 900), np.linspace(0.6, 1.0, 100)]
    choice = choose_thresholds(y, scores)
    # Declining down to precision 0.95 catches every fraud plus at most 5 genuine payments.
    assert choice.decline_precision >= 0.95 and choice.decline_recall == 1.0
    assert choice.decline <= scores[900] and (scores >= choice.decline).sum() <= 105
    assert choice.review == choice.decline and "no review band" in choice.notes[0]
    assert choice.decision(0.99) == "decline" and choice.decision(0.1) == "approve"


def test_review_band_sits_below_decline_on_overlapping_scores():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(2_000), np.ones(100)]
    scores = np.r_[rng.beta(1, 6, 2_000), rng.beta(3, 2, 100)]
    choice = choose_thresholds(y, scores)
    assert choice.review < choice.decline
    flagged = scores >= choice.decline
    assert (y[flagged]).mean() >= 0.95
    assert y[scores >= choice.review].sum() / y.sum() >= 0.90
    assert choice.decision((choice.review + choice.decline) / 2) == "review"


def test_unreachable_decline_precision_is_reported_not_relaxed():
    y = np.tile([0, 1], 50)
    scores = np.full(100, 0.5)
    choice = choose_thresholds(y, scores)
    assert choice.decline is None
    assert "unreachable" in choice.notes[0]
    assert choice.decision(0.99) == "review"
