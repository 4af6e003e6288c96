"""Each source, the blender and the evaluation on tiny catalogues where the right answer is obvious."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from ml.recs.als import als_fit, als_fold_in
from ml.recs.blend import diversify
from ml.recs.catalogue import Shopper, shopper_from_events
from ml.recs.evaluate import temporal_split
from ml.recs.model import recs_fit
from ml.recs.training import recs_evaluate

NOW = pd.Timestamp("2026-06-30 12:00", tz="UTC")
MUGS, PRINTS, CASES = "Home > Drinkware > Mugs", "Art > Prints", "Accessories > Phone Cases"


def _products() -> pd.DataFrame:
    rows = [
        (1, "Custom Name Mug", "ceramic mug printed with a name", MUGS, 10),
        (2, "Latte Mug With Initials", "ceramic latte mug with initials", MUGS, 10),
        (3, "Enamel Camping Mug With Name", "enamel camping mug printed with a name", MUGS, 10),
        (4, "Botanical Art Print", "giclee art print of leaves", PRINTS, 10),
        (5, "City Map Art Print", "giclee art print of your city map", PRINTS, 10),
        (6, "Photo Phone Case", "tough phone case with your photo", CASES, 20),
        (7, "Ceramic Mug Gift Set", "two ceramic mugs printed with names", MUGS, 10),
    ]
    frame = pd.DataFrame(rows, columns=["product", "title", "description", "category", "merchant"])
    return frame.assign(external_id=frame["product"].map(lambda p: f"P{p}"), tags="", attributes="")


def _events() -> pd.DataFrame:
    rows = []
    for customer in range(100, 120):  # mug people: 1 with 2
        rows += [(customer, 1, "view", NOW - pd.Timedelta(days=20)), (customer, 2, "view", NOW - pd.Timedelta(days=19))]
    for customer in range(120, 140):  # print people: 4 with 5
        rows += [(customer, 4, "view", NOW - pd.Timedelta(days=20)), (customer, 5, "add_to_cart", NOW - pd.Timedelta(days=19))]
    for customer in range(140, 150):  # everyone lately wants phone case 6
        rows += [(customer, 6, "purchase", NOW - pd.Timedelta(hours=customer - 139))]
    return pd.DataFrame(rows, columns=["customer", "product", "type", "timestamp"])


@pytest.fixture(scope="module")
def model():
    segments = {customer: "Gift Buyers" for customer in range(120, 140)}
    return recs_fit(_events(), _products(), segments=segments, reference=NOW)


def _shopper(model, rows, **kwargs) -> Shopper:
    events = pd.DataFrame(rows, columns=["product", "type", "timestamp"])
    return shopper_from_events(events, model.catalogue, reference=NOW, **kwargs)


def _item(model, product: int) -> int:
    return model.catalogue.index[product]


def _best(vector: np.ndarray, exclude: list[int]) -> int:
    masked = vector.astype(float).copy()
    masked[exclude] = -np.inf
    return int(np.argmax(masked))


def test_item_knn_recommends_what_the_same_shoppers_touched(model):
    shopper = _shopper(model, [(1, "view", NOW)])
    scores = model.sources["item_knn"].scores(shopper)
    assert _best(scores, [_item(model, 1)]) == _item(model, 2)
    assert scores[_item(model, 4)] == 0
    assert model.sources["item_knn"].reason(_item(model, 2), shopper, model.catalogue) == "Because you viewed Custom Name Mug"


def test_reason_names_the_strongest_interaction(model):
    shopper = _shopper(model, [(4, "view", NOW), (4, "purchase", NOW)])
    assert model.sources["item_knn"].reason(_item(model, 5), shopper, model.catalogue) == "Because you bought Botanical Art Print"


def test_als_ranks_the_co_interacted_item_first(model):
    shopper = _shopper(model, [(4, "view", NOW)])
    scores = model.sources["als"].scores(shopper)
    assert _best(scores, [_item(model, 4)]) == _item(model, 5)
    assert "Botanical Art Print" in model.sources["als"].reason(_item(model, 5), shopper, model.catalogue)


def test_als_fold_in_agrees_with_the_trained_shopper_vectors():
    rng = np.random.default_rng(1)
    matrix = (rng.random((60, 12)) < 0.3).astype(np.float32)
    from scipy import sparse

    factors = als_fit(sparse.csr_matrix(matrix), factors=4, iterations=15, regularization=0.1, alpha=5.0)
    row = 7
    items = np.nonzero(matrix[row])[0]
    folded = als_fold_in(factors, items, np.ones(len(items)))
    trained = factors.user_factors[row]
    cosine = folded @ trained / (np.linalg.norm(folded) * np.linalg.norm(trained))
    assert cosine > 0.95


def test_content_reaches_a_product_nobody_has_touched(model):
    """Cold start for products: mug 3 has no interactions, yet a mug shopper gets it from content."""
    shopper = _shopper(model, [(1, "view", NOW)])
    assert model.sources["item_knn"].scores(shopper)[_item(model, 3)] == 0
    content = model.sources["content"].scores(shopper)
    assert content[_item(model, 3)] > content[_item(model, 4)]
    assert model.sources["content"].reason(_item(model, 3), shopper, model.catalogue) == "Similar to Custom Name Mug"


def test_trending_prefers_recent_heat_and_leans_to_the_shoppers_categories(model):
    overall = model.sources["trending"].scores(Shopper())
    assert int(np.argmax(overall)) == _item(model, 6)
    mug_shopper = _shopper(model, [(1, "view", NOW)])
    leaning = model.sources["trending"].scores(mug_shopper)
    assert leaning[_item(model, 2)] > overall[_item(model, 2)] * 0.5
    assert model.sources["trending"].reason(_item(model, 2), mug_shopper, model.catalogue) == "Trending in Mugs"
    assert model.sources["trending"].reason(_item(model, 6), Shopper(), model.catalogue) == "Trending now"


def test_segment_source_serves_the_segments_favourites(model):
    shopper = _shopper(model, [], segment="Gift Buyers")
    scores = model.sources["segment"].scores(shopper)
    assert {int(i) for i in np.nonzero(scores)[0]} == {_item(model, 4), _item(model, 5)}
    assert model.sources["segment"].reason(_item(model, 5), shopper, model.catalogue) == "Popular with Gift Buyers"


def test_segment_source_is_skipped_without_segments():
    bare = recs_fit(_events(), _products(), reference=NOW)
    assert bare.sources["segment"].popular == {}
    shopper = Shopper(segment="Gift Buyers")
    assert "segment" in bare.vectors(shopper) and not bare.vectors(shopper)["segment"].any()
    assert "segment" not in bare.vectors(Shopper())
    assert bare.recommend(shopper, allowed=np.ones(len(bare.catalogue), bool), limit=3)


def test_session_boost_lifts_related_items_without_retraining(model):
    shopper = _shopper(model, [], session_products=[4])
    scores = model.sources["session"].scores(shopper)
    assert _best(scores, []) == _item(model, 5)
    assert scores[_item(model, 4)] == 0  # the item on screen is not recommended
    reason = model.sources["session"].reason(_item(model, 5), shopper, model.catalogue)
    assert reason == "Because you just viewed Botanical Art Print"
    ranked = model.recommend(shopper, allowed=np.ones(len(model.catalogue), bool), limit=1)
    assert ranked[0].item == _item(model, 5) and "session" in ranked[0].contributions


def test_new_shopper_is_served_trending_items(model):
    results = model.recommend(Shopper(), allowed=np.ones(len(model.catalogue), bool), limit=3)
    assert results[0].item == _item(model, 6)
    assert results[0].reasons == ["Trending now"]
    assert set(results[0].contributions) == {"trending"}


def test_filters_are_never_crossed(model):
    allowed = np.ones(len(model.catalogue), bool)
    allowed[[_item(model, 2), _item(model, 6)]] = False
    shopper = _shopper(model, [(1, "view", NOW)])
    shown = {r.item for r in model.recommend(shopper, allowed=allowed, limit=10)}
    assert shown and not shown & {_item(model, 2), _item(model, 6)}


def test_diversity_discounts_repeated_categories_and_drops_twins(model):
    """Three mugs outscore a print; diversity lets the print in after two mugs, and drops near-identical twins."""
    total = np.full(len(model.catalogue), -np.inf)
    for product, score in ((1, 1.0), (2, 0.95), (7, 0.9), (4, 0.6)):
        total[_item(model, product)] = score
    codes = model.category_codes
    plain = diversify(total, limit=3, categories=codes, content=None, decay=1.0)
    assert plain == [_item(model, 1), _item(model, 2), _item(model, 7)]
    mixed = diversify(total, limit=3, categories=codes, content=None)
    assert mixed == [_item(model, 1), _item(model, 2), _item(model, 4)]
    content = model.sources["content"].neighbours
    twin_similarity = content.similarity(_item(model, 1), _item(model, 7))
    assert twin_similarity > 0
    total[_item(model, 2)] = -np.inf
    twins = diversify(total, limit=3, categories=codes, content=content, decay=1.0, duplicate_similarity=twin_similarity)
    assert twins == [_item(model, 1), _item(model, 4)]


def test_popularity_strategy_serves_the_baseline(model):
    shopper = _shopper(model, [(1, "view", NOW)])
    results = model.recommend(shopper, allowed=np.ones(len(model.catalogue), bool), limit=2, strategy="popularity")
    assert all(set(r.contributions) == {"popularity"} for r in results)


def test_explain_reports_contributions_and_rank(model):
    shopper = _shopper(model, [(1, "view", NOW)])
    allowed = np.ones(len(model.catalogue), bool)
    explained = model.explain(shopper, _item(model, 2), allowed=allowed)
    top = model.recommend(shopper, allowed=allowed, limit=1, diverse=False)[0]
    assert explained.rank == 1 and top.item == _item(model, 2)
    assert explained.score == pytest.approx(top.score)
    assert "item_knn" in explained.contributions
    allowed[_item(model, 2)] = False
    assert model.explain(shopper, _item(model, 2), allowed=allowed).rank is None


def test_temporal_split_holds_out_each_shoppers_latest_interactions():
    events = pd.DataFrame({
        "customer": [1] * 10 + [2] * 2,
        "product": list(range(10)) + [1, 2],
        "type": "view",
        "timestamp": [NOW + pd.Timedelta(hours=h) for h in range(10)] + [NOW, NOW],
    })
    split = temporal_split(events, test_share=0.2, validation_share=0.1)
    assert split.test["product"].tolist() == [8, 9]
    assert split.validation["product"].tolist() == [7]
    assert (split.train["customer"] == 2).sum() == 2  # too short a history: all training


def test_blend_beats_popularity_on_a_simulated_marketplace():
    from ml.simulate.config import SimulationConfig
    from ml.simulate.marketplace import simulate

    market = simulate(SimulationConfig(end=date(2026, 6, 30), customers=800, products=120, days=60, seed=5))
    products = market.products.rename(columns={"category": "category_code", "category_path": "category"})
    products = products.assign(tags="", merchant=products["merchant"])
    events = market.events.dropna(subset=["product"])[["customer", "product", "type", "timestamp"]]
    evaluation, rows = recs_evaluate(events.astype({"product": int}), products, max_shoppers=400)
    results = evaluation["results"]
    assert {"item_knn", "als", "content", "trending", "popularity", "blend"} <= set(results)
    assert rows["test"] > 0 and evaluation["shoppers"] > 50
    assert evaluation["ndcg_lift_over_popularity"] > 1.3
