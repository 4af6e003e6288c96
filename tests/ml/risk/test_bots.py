"""Bot-session features, the IsolationForest detector and the fallback rules, on small frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.risk.bots import FEATURES, BotDetector, BotRules, rate_rule, rule_flags, session_features, session_summary
from ml.simulate.bots import KINDS, plant_bot_sessions

T0 = pd.Timestamp("2026-11-01 10:00", tz="UTC")


def _events(session_id: str, rows: list[tuple[str, int | None, float]], customer: int | None = None) -> pd.DataFrame:
    """rows: (type, product, seconds after T0)."""
    return pd.DataFrame({
        "session_id": session_id,
        "type": [r[0] for r in rows],
        "product": [r[1] for r in rows],
        "timestamp": [T0 + pd.Timedelta(seconds=r[2]) for r in rows],
        "customer": customer,
        "anonymous_id": f"dev-{session_id}",
    })


def human_sessions(count: int, seed: int = 1) -> pd.DataFrame:
    """People: 5-20 events with exponential think times (~30 s), carts only of products viewed first."""
    rng = np.random.default_rng(seed)
    frames = []
    for n in range(count):
        size = int(rng.integers(5, 21))
        t = np.cumsum(np.r_[0.0, 2.0 + rng.exponential(30.0, size - 1)]) + n * 3600
        products = rng.integers(1, 50, size=size)
        types = ["view"] * size
        for i in range(1, size):
            if rng.random() < 0.15:  # adds what it just looked at
                types[i], products[i] = "add_to_cart", products[i - 1]
        frames.append(_events(f"h{n}", list(zip(types, products.tolist(), t.tolist(), strict=True)), customer=n))
    return pd.concat(frames, ignore_index=True)


def planted_bot() -> pd.DataFrame:
    """200 views in 100 s at exactly 0.5 s, then 10 cart additions of products never viewed."""
    views = [("view", 1000 + i, 0.5 * i) for i in range(200)]
    carts = [("add_to_cart", 5000 + i, 100 + 0.5 * i) for i in range(10)]
    return _events("bot", views + carts)


def test_features_of_a_planted_bot():
    features = session_features(planted_bot()).loc["bot"]
    assert features["n_events"] == 210
    assert features["duration_s"] == pytest.approx(104.5)
    assert features["events_per_minute"] == pytest.approx(210 / (104.5 / 60))
    assert features["interval_cv"] == pytest.approx(0.0, abs=1e-9)
    assert features["no_dwell_share"] == 1.0
    assert features["blind_carts"] == 10
    assert features["distinct_products_per_minute"] == pytest.approx(210 / (104.5 / 60))


def test_features_of_a_person():
    frame = _events("p", [("view", 1, 0), ("view", 2, 40), ("view", 2, 40.5), ("add_to_cart", 2, 90), ("add_to_cart", 3, 100)])
    features = session_features(frame).loc["p"]
    assert features["n_events"] == 5
    assert features["events_per_minute"] == pytest.approx(5 / (100 / 60))
    gaps = np.array([40, 0.5, 49.5, 10])
    assert features["interval_cv"] == pytest.approx(gaps.std() / gaps.mean())
    assert features["no_dwell_share"] == pytest.approx(1 / 3)  # of the three views followed by something, one left in 0.5 s
    assert features["blind_carts"] == 1  # product 3 was never viewed; product 2 was
    assert features["distinct_products_per_minute"] == pytest.approx(3 / (100 / 60))


def test_a_cart_before_the_view_of_its_product_is_blind():
    frame = _events("p", [("add_to_cart", 7, 0), ("view", 7, 10), ("view", 8, 20)])
    assert session_features(frame).loc["p", "blind_carts"] == 1


def test_short_sessions_get_the_neutral_regularity():
    frame = _events("p", [("view", 1, 0), ("view", 2, 30)])
    assert session_features(frame).loc["p", "interval_cv"] == 1.0


def test_summary_names_the_visitor_and_window():
    summary = session_summary(planted_bot()).loc["bot"]
    assert summary["anonymous_id"] == "dev-bot"
    assert summary["started_at"] == T0
    assert summary["ended_at"] == T0 + pd.Timedelta(seconds=104.5)


def test_empty_frame_gives_empty_features():
    empty = pd.DataFrame(columns=["session_id", "type", "product", "timestamp"])
    assert list(session_features(empty).columns) == list(FEATURES)
    assert session_features(empty).empty


def test_no_judged_session_gives_typed_empty_verdicts(detector_and_scores):
    """Only short sessions (a quiet hour, a small shop): callers negate `flagged`, so it stays boolean."""
    detector, _ = detector_and_scores
    short = session_features(_events("s-short", [("view", 1, 0.0), ("view", 2, 30.0)]))
    for verdicts in (detector.score(short), rule_flags(short)):
        assert verdicts.empty and verdicts["flagged"].dtype == bool
        assert (~verdicts["flagged"]).empty


@pytest.fixture(scope="module")
def detector_and_scores():
    training = session_features(human_sessions(400))
    detector = BotDetector(contamination=0.02).fit(training)
    scored = pd.concat([human_sessions(100, seed=99), planted_bot()])
    return detector, detector.score(session_features(scored))


def test_planted_bot_is_flagged_and_people_are_not(detector_and_scores):
    detector, scores = detector_and_scores
    assert scores.loc["bot", "flagged"]
    assert scores.loc["bot", "score"] == scores["score"].max()
    people = scores.drop(index="bot")
    assert people["flagged"].mean() <= 0.05  # about the 2% contamination target, on new people
    assert scores.loc["bot", "score"] > people["score"].max()


def test_threshold_keeps_the_contamination_share_of_training(detector_and_scores):
    detector, _ = detector_and_scores
    training = session_features(human_sessions(400))
    scores = detector.score(training)
    above = (scores["score"] > detector.threshold).mean()
    assert above == pytest.approx(0.02, abs=0.005)
    assert scores["flagged"].mean() <= above  # a ceiling: only those with a behaviour outside the normal range


def test_reasons_name_the_features_outside_the_normal_range(detector_and_scores):
    _, scores = detector_and_scores
    reasons = scores.loc["bot", "reasons"]
    assert 1 <= len(reasons) <= 3
    named = {reason["feature"] for reason in reasons}
    assert named <= {"events_per_minute", "interval_cv", "no_dwell_share", "blind_carts", "distinct_products_per_minute"}
    first = reasons[0]
    assert first["value"] > first["high"] if first["direction"] == "high" else first["value"] < first["low"]
    assert "normal" in first["text"]
    assert all(not r for r in scores.drop(index="bot").query("not flagged")["reasons"])
    assert all(scores.query("flagged")["reasons"].map(bool))


def test_contamination_sets_how_many_are_flagged():
    training = session_features(human_sessions(300))
    few = BotDetector(contamination=0.01).fit(training).score(training)["flagged"].sum()
    many = BotDetector(contamination=0.10).fit(training).score(training)["flagged"].sum()
    assert few < many


def test_detector_refuses_bad_settings_and_tiny_data():
    with pytest.raises(ValueError, match="contamination"):
        BotDetector(contamination=0.6).fit(session_features(human_sessions(10)))
    with pytest.raises(ValueError, match="at least 2"):
        BotDetector().fit(session_features(planted_bot()))


def test_rules_flag_fast_regular_sessions_and_blind_carts_only():
    frames = [human_sessions(30), planted_bot()]
    hoarder = [("add_to_cart", 100 + i, 20.0 * i + (i % 3)) for i in range(8)]  # slow and irregular, but 8 blind carts
    frames.append(_events("hoarder", hoarder))
    fast_person = [("view", i, 3.0 * i + (7 if i % 2 else 0)) for i in range(30)]  # 20+/min but irregular
    frames.append(_events("fast", fast_person))
    flags = rule_flags(session_features(pd.concat(frames)))
    assert flags.loc["bot", "flagged"] and flags.loc["hoarder", "flagged"]
    assert not flags.loc["fast", "flagged"]
    assert not flags.drop(index=["bot", "hoarder", "fast"])["flagged"].any()
    assert {r["feature"] for r in flags.loc["bot", "reasons"]} == {"events_per_minute", "interval_cv", "blind_carts"}
    assert flags.loc["bot", "score"] == 1.0
    strict = rule_flags(session_features(planted_bot()), BotRules(max_events_per_minute=500))
    assert strict.loc["bot", "flagged"]  # still: 10 blind carts


def test_rate_rule_baseline_flags_by_speed_alone():
    features = session_features(pd.concat([human_sessions(20), planted_bot()]))
    flags = rate_rule(features, max_events_per_minute=20)
    assert flags["bot"] and not flags.drop(index="bot").any()


def test_planted_sessions_are_deterministic_and_look_like_bots():
    products = {1: list(range(100, 160)), 2: list(range(200, 230))}
    window = dict(start=T0, end=T0 + pd.Timedelta(days=3), products=products, customers=[7, 8])
    first = plant_bot_sessions(sessions=12, seed=5, **window)
    again = plant_bot_sessions(sessions=12, seed=5, **window)
    pd.testing.assert_frame_equal(first, again)
    assert first["external_id"].is_unique
    assert set(first["kind"]) <= set(KINDS)
    assert first["timestamp"].between(T0, T0 + pd.Timedelta(days=3)).all()
    for merchant, rows in first.groupby("merchant"):
        assert set(rows["product"].dropna()) <= set(products[merchant])
    hoarders = first[first["kind"] == "cart_hoarder"]
    assert hoarders["customer"].dropna().isin([7, 8]).all()
    features = session_features(first)
    assert (features["interval_cv"] < 0.1).all()
    assert (features["n_events"] >= 15).all()


def test_slow_irregular_people_are_not_bot_like(detector_and_scores):
    """Deviations on the human side (slow, irregular, long dwell) are no evidence of automation."""
    detector, _ = detector_and_scores
    dawdler = _events("slow", [("view", i, t) for i, t in enumerate([0, 400, 410, 1900, 2000, 5000, 5001.5, 9000])])
    scores = detector.score(session_features(dawdler))
    assert not scores.loc["slow", "flagged"]
    assert scores.loc["slow", "score"] < detector.threshold


def test_an_unfitted_detector_says_so():
    detector = BotDetector()
    assert not detector.fitted
    with pytest.raises(RuntimeError, match="fit the detector first"):
        detector.score(session_features(planted_bot()))
