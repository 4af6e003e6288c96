"""Fair price maths on small synthetic catalogs whose true price rule is known."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.risk.fair_price import (
    ABOVE,
    BELOW,
    WITHIN,
    CategoryEncoder,
    CategoryPrices,
    FairPriceModel,
    category_levels,
    evaluate_cross_validated,
    evaluate_holdout,
    listing_tokens,
    place_in_range,
    price_position,
)

CATEGORIES = {
    "Home > Drinkware > Mugs": 14.0,
    "Home > Wall Art > Prints": 30.0,
    "Jewellery > Necklaces": 60.0,
    "Clothing > Shirts": 22.0,
}
MATERIALS = {"ceramic": 1.0, "steel": 1.3, "silver": 2.0, "cotton": 1.0}


def catalog(n: int = 400, *, seed: int = 0, noise: float = 0.1) -> pd.DataFrame:
    """Price = category base x material factor x 1.4 if personalised, with lognormal noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        category = list(CATEGORIES)[i % len(CATEGORIES)]
        material = list(MATERIALS)[rng.integers(len(MATERIALS))]
        personalised = bool(rng.random() < 0.4)
        price = CATEGORIES[category] * MATERIALS[material] * (1.4 if personalised else 1.0) * rng.lognormal(0, noise)
        attributes = {"materials": [material]}
        if personalised:
            attributes["personalisation"] = "engraving"
        views = int(rng.integers(10, 400))
        rows.append(
            {
                "product_id": f"P{i}",
                "title": f"{'Personalised ' if personalised else ''}{material} {category.rsplit('>', 1)[-1].strip()}",
                "category": category,
                "tags": ["gift"] if personalised else [],
                "attributes": attributes,
                "customisable": personalised,
                "price": round(price, 2),
                "views": views,
                "carts": views // 10,
                "units": views // 25,
            }
        )
    return pd.DataFrame(rows)


def test_category_levels_and_tokens_name_what_a_listing_is():
    assert category_levels("Home > Drinkware > Mugs") == ["Home", "Home > Drinkware", "Home > Drinkware > Mugs"]
    assert category_levels("") == []
    row = catalog(8).iloc[0]
    tokens = listing_tokens(row)
    assert "cat:Home > Drinkware > Mugs" in tokens
    assert any(token.startswith("attr:materials=") for token in tokens)


def test_category_encoder_shrinks_small_categories_towards_the_parent():
    encoder = CategoryEncoder().fit(["A > B"] * 20 + ["A > C"], [1.0] * 20 + [5.0])
    encoded = encoder.transform(["A > C", "A > B", "Z"])
    assert encoded[1, 1] == pytest.approx(1.0, abs=0.25)
    # One listing at 5.0 moves its category only part of the way from the parent's ~1.2.
    assert 1.5 < encoded[0, 1] < 4.5
    assert encoded[2, 0] == pytest.approx(encoder.global_mean)


def test_a_listing_priced_far_above_comparable_ones_gets_a_range_below_its_price():
    frame = catalog(400)
    mug = frame.index[(frame["category"] == "Home > Drinkware > Mugs") & ~frame["customisable"]][0]
    frame.loc[mug, "price"] = frame.loc[mug, "price"] * 8
    model = FairPriceModel(seed=1).fit(frame)
    suggested = model.predict(frame.loc[[mug]]).iloc[0]
    assert suggested["high"] < frame.loc[mug, "price"]
    assert price_position(frame.loc[mug, "price"], suggested["low"], suggested["high"]) == ABOVE
    assert suggested["low"] <= suggested["mid"] <= suggested["high"]


def test_the_range_follows_the_attributes_that_drive_price():
    frame = catalog(400)
    model = FairPriceModel(seed=2).fit(frame)
    probe = frame.iloc[:2].copy()
    probe["category"] = "Jewellery > Necklaces"
    probe["attributes"] = [{"materials": ["ceramic"]}, {"materials": ["silver"]}]
    probe["title"] = ["ceramic Necklaces", "silver Necklaces"]
    probe["customisable"] = False
    probe["tags"] = [[], []]
    mids = model.predict(probe)["mid"].to_numpy()
    assert mids[1] > mids[0] * 1.4  # silver is priced 2x ceramic in this catalog


def test_holdout_beats_the_category_median_and_the_range_covers_about_as_promised():
    result = evaluate_holdout(catalog(600, seed=3), seed=3)
    assert result.test_rows > 80
    assert result.mape < result.baseline_mape * 0.7
    assert result.mae < result.baseline_mae
    assert 0.65 <= result.coverage <= 0.97  # target 0.8 on a ~120-row holdout
    assert set(result.as_dict()) >= {"mae", "mape", "coverage", "baseline_mape"}


def test_cross_validation_holds_every_listing_out_once_and_beats_the_baseline():
    frame = catalog(300, seed=5)
    result = evaluate_cross_validated(frame, folds=3, seed=5, max_iter=60)
    assert result.test_rows == len(frame) and result.train_rows == 200
    assert result.mape < result.baseline_mape * 0.7
    assert 0.65 <= result.coverage <= 0.97


def test_conformal_correction_widens_a_band_that_is_too_narrow():
    frame = catalog(500, seed=4, noise=0.35)
    wide = FairPriceModel(seed=4, coverage=0.8).fit(frame)
    assert wide.correction != 0.0
    band = wide.predict(frame)
    inside = ((frame["price"] >= band["low"]) & (frame["price"] <= band["high"])).mean()
    assert inside > 0.7


def test_the_frame_must_have_positive_prices_and_every_column():
    frame = catalog(40)
    with pytest.raises(ValueError, match="columns: views"):
        FairPriceModel().fit(frame.drop(columns=["views"]))
    frame.loc[0, "price"] = 0
    with pytest.raises(ValueError, match="positive"):
        FairPriceModel().fit(frame)
    with pytest.raises(ValueError, match="too few"):
        FairPriceModel().fit(catalog(10))


def test_category_prices_fall_back_to_the_parent_then_the_marketplace():
    prices = CategoryPrices(min_count=3).fit(
        ["A > B", "A > B", "A > B", "A > C", "Z"], [10.0, 20.0, 30.0, 100.0, 50.0]
    )
    assert prices.lookup("A > B").mid == 20.0
    assert prices.lookup("A > B").low == 15.0 and prices.lookup("A > B").high == 25.0
    assert prices.lookup("A > C").level == "A"  # one listing in A > C: its parent's four
    assert prices.lookup("Q > R").level == ""
    assert CategoryPrices().fit([], []).lookup("A") is None


def test_position_and_place_in_range():
    assert price_position(5, 10, 20) == BELOW
    assert price_position(15, 10, 20) == WITHIN
    assert price_position(25, 10, 20) == ABOVE
    assert place_in_range(15, 10, 20) == 0.5
    assert place_in_range(100, 10, 20) == 1.1
    assert place_in_range(5, 10, 10) == 0.5
