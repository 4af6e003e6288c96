"""Behaviour attribution after searches, the smoothed blend, nDCG and merchandiser advice."""
import pandas as pd
import pytest

from ml.search.advice import advise
from ml.search.behaviour import query_counts, query_product_counts
from ml.search.ranking import QueryBehaviour, blend, ndcg_at_k, ranked, smoothed_rate

T0 = pd.Timestamp("2026-03-01", tz="UTC")


def _event(session, kind, product=None, query="", seconds=0, merchant=1):
    return {"session_id": session, "merchant_id": merchant, "type": kind, "product_id": product, "query": query,
            "timestamp": T0 + pd.Timedelta(seconds=seconds)}


EVENTS = pd.DataFrame([
    _event("s1", "search", query="Custom Mug"),
    _event("s1", "view", 10, seconds=5),
    _event("s1", "add_to_cart", 10, seconds=20),
    _event("s1", "purchase", 10, seconds=60),
    _event("s1", "search", query="tote bag", seconds=100),
    _event("s1", "view", 20, seconds=110),
    _event("s2", "search", query="custom mug"),
    _event("s2", "view", 11, seconds=3 * 3600),  # hours later: no longer the search's doing
    _event("s3", "view", 12),  # no search before it
    _event("", "search", query="custom mug"),  # no session: a search, nothing attributable
])


def test_engagement_goes_to_the_search_before_it_in_the_session():
    pairs = query_product_counts(EVENTS).set_index(["query", "product_id"])
    assert pairs.loc[("custom mug", 10), ["clicks", "add_to_carts", "purchases"]].tolist() == [1, 1, 1]
    assert pairs.loc[("custom mug", 10), "engagement"] == 9.0
    assert pairs.loc[("tote bag", 20), "clicks"] == 1
    assert ("custom mug", 11) not in pairs.index and ("custom mug", 20) not in pairs.index


def test_query_counts_follow_searches_to_clicks_and_purchases():
    counts = query_counts(EVENTS).set_index("query")
    assert counts.loc["custom mug", ["searches", "clicked", "purchased"]].tolist() == [3, 1, 1]
    assert counts.loc["tote bag", ["searches", "clicked", "purchased"]].tolist() == [1, 1, 0]


def test_smoothing_shrinks_thin_evidence_towards_the_prior():
    assert smoothed_rate(0, 0, 0.2) == pytest.approx(0.2)
    assert smoothed_rate(1, 1, 0.2) < smoothed_rate(100, 100, 0.2)


def test_blend_lifts_engaged_products_and_keeps_new_ones_in_text_order():
    text = {1: 1.0, 2: 0.9, 3: 0.5, 4: 0.4}
    plain = blend(text, None)
    assert ranked(plain) == [1, 2, 3, 4] and plain[1] == 1.0
    learned = blend(text, QueryBehaviour(searches=50, engagement={3: 40.0, 9: 20.0}, prior=0.1))
    order = ranked(learned)
    assert order[0] == 3
    assert 9 in learned  # bought after the query although its text does not match
    assert order.index(1) < order.index(2) < order.index(4)  # never-engaged products keep their text order


def test_ndcg():
    assert ndcg_at_k([1, 2, 3], {1: 2, 2: 1}) == pytest.approx(1.0)
    assert ndcg_at_k([3, 2, 1], {1: 2, 2: 1}) < 1.0
    assert ndcg_at_k([1], {}) == 0.0


def test_advice_prefers_spelling_then_behaviour_then_a_missing_product():
    vocabulary = {"mug", "personalised", "tote", "bag", "t", "shirt"}
    spelling = advise("personalised mugg", vocabulary=vocabulary)
    assert (spelling.kind, spelling.term, spelling.synonym) == ("synonym", "mugg", "mug")
    behaviour = advise("tee", vocabulary=vocabulary, engaged_titles=["Slogan T-Shirt", "Plain T-Shirt"])
    assert (behaviour.kind, behaviour.synonym) == ("synonym", "shirt")
    missing = advise("wooden spoon", vocabulary=vocabulary)
    assert missing.kind == "missing_product" and "wooden spoon" in missing.message
