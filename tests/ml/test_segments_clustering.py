"""Clustering recovers planted groups; names and personas state what the data shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from ml.segments.clustering import cluster_customers, nearest_centroid
from ml.segments.features import clustering_matrix, customer_features
from ml.segments.insights import segment_insights
from ml.segments.persona import segment_names


def _planted(rng: np.random.Generator, per_group: int = 120) -> tuple[pd.DataFrame, np.ndarray]:
    """Three behaviours: holiday gift buyers with big baskets, frequent small-basket regulars,
    bargain hunters who browse a lot and abandon carts."""
    groups = []
    for label, (holiday, aov, freq, discount, depth, abandon) in enumerate(
        [(0.9, 120.0, 2, 0.0, 3, 0.1), (0.1, 20.0, 12, 0.05, 2, 0.1), (0.15, 35.0, 3, 0.8, 14, 0.7)]
    ):
        n = per_group
        frame = pd.DataFrame(
            {
                "recency_days": rng.uniform(5, 60, n),
                "frequency": np.maximum(1, rng.poisson(freq, n)).astype(float),
                "aov": rng.normal(aov, aov * 0.1, n),
                "browsing_depth": rng.normal(depth, 0.5, n),
                "cart_abandonment": np.clip(rng.normal(abandon, 0.05, n), 0, 1),
                "discount_share": np.clip(rng.normal(discount, 0.05, n), 0, 1),
                "review_sentiment": rng.normal(0.4, 0.1, n),
                "holiday_share": np.clip(rng.normal(holiday, 0.05, n), 0, 1),
            }
        )
        frame["monetary"] = frame["aov"] * frame["frequency"]
        frame["label"] = label
        groups.append(frame)
    data = pd.concat(groups, ignore_index=True)
    return data.drop(columns="label"), data["label"].to_numpy()


def test_kmeans_recovers_planted_groups_and_picks_their_number():
    features, truth = _planted(np.random.default_rng(1))
    matrix, names = clustering_matrix(features)
    result = cluster_customers(matrix, names)
    assert result.k == 3
    assert adjusted_rand_score(truth, result.labels) > 0.9
    assert result.silhouette_by_k[3] == max(result.silhouette_by_k.values())
    assert np.allclose(result.probabilities.sum(axis=1), 1.0)
    assert adjusted_rand_score(truth, result.probabilities.argmax(axis=1)) > 0.9
    metrics = result.metrics()
    assert metrics["chosen_k"] == 3 and set(metrics["silhouette_by_k"]) >= {"2", "3", "4"}
    assert 0.0 <= metrics["noise_share"] < 0.5


def test_hdbscan_reports_a_far_away_customer_as_noise():
    features, _ = _planted(np.random.default_rng(2))
    outlier = features.iloc[[0]].assign(aov=5000.0, monetary=50000.0, browsing_depth=90.0, frequency=60.0)
    features = pd.concat([features, outlier], ignore_index=True)
    matrix, names = clustering_matrix(features)
    result = cluster_customers(matrix, names)
    assert result.density_labels[-1] == -1


def test_a_new_customer_is_placed_in_the_nearest_planted_group():
    features, truth = _planted(np.random.default_rng(3))
    matrix, names = clustering_matrix(features)
    result = cluster_customers(matrix, names)
    gift_label = np.bincount(result.labels[truth == 0]).argmax()
    newcomer = pd.DataFrame([features.iloc[0].to_dict() | {"aov": 125.0, "holiday_share": 0.95}])
    row, _ = clustering_matrix(newcomer, names)
    index, distances = nearest_centroid(row[0], mean=result.scaler_mean, scale=result.scaler_scale, centroids=result.centroids)
    assert index == gift_label and len(distances) == 3


def test_segments_are_named_and_described_from_their_figures():
    features, truth = _planted(np.random.default_rng(4))
    matrix, names = clustering_matrix(features)
    result = cluster_customers(matrix, names)
    features.index = pd.RangeIndex(len(features), name="customer_id")
    lines = pd.DataFrame(
        {"customer_id": features.index, "title": "Engraved locket", "category": "Jewellery", "quantity": 1, "line_total": 10.0}
    )
    insights = segment_insights(
        features=features,
        labels=result.labels,
        centroids=result.centroids,
        feature_names=names,
        lines=lines,
        rfm_groups=pd.Series("Active", index=features.index),
        p_alive=None,
    )
    by_label = {item["key"]: item for item in insights}
    gift = by_label[int(np.bincount(result.labels[truth == 0]).argmax())]
    assert gift["name"] == "Gift buyers"
    assert "of orders in November-December" in gift["persona"] and "prefer Jewellery (100% of their items)" in gift["persona"]
    share = features.loc[result.labels == gift["key"], "holiday_share"].mean()
    assert f"{share:.0%} of orders in November-December" in gift["persona"]
    assert sum(item["stats"]["size"] for item in insights) == len(features)
    assert abs(sum(item["stats"]["revenue_share"] for item in insights) - 1.0) < 1e-9
    assert len({item["name"] for item in insights}) == len(insights)


def test_names_stay_distinct_when_two_centroids_lean_the_same_way():
    centroids = np.array([[2.0, 0.0], [1.5, 0.1], [0.0, 0.0]])
    assert segment_names(centroids, ["holiday_share", "aov"]) == ["Gift buyers", "Typical customers", "Typical customers 2"]


def test_features_from_orders_items_events_and_reviews():
    now = pd.Timestamp("2026-12-31", tz="UTC")
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "order_id": [10, 11, 12],
            "placed_at": [
                pd.Timestamp("2026-12-01", tz="UTC"),
                pd.Timestamp("2026-06-01", tz="UTC"),
                pd.Timestamp("2026-12-21", tz="UTC"),
            ],
            "total": [100.0, 50.0, 30.0],
        }
    )
    items = pd.DataFrame(
        {
            "order_id": [10, 11, 12],
            "product_id": [1, 2, 3],
            "title": ["Locket", "Mug", "Mug"],
            "category": ["Jewellery", "Mugs", "Mugs"],
            "quantity": [1, 3, 1],
            "unit_price": [100.0, 10.0, 30.0],
            "list_price": [100.0, 16.0, 30.0],
        }
    )
    events = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2],
            "session_id": ["a", "a", "b", "b", "c"],
            "type": ["view", "add_to_cart", "view", "view", "view"],
        }
    )
    reviews = pd.DataFrame({"customer_id": [2], "rating": [1]})
    features = customer_features(orders=orders, items=items, events=events, reviews=reviews, now=now)
    one, two = features.loc[1], features.loc[2]
    assert one["frequency"] == 2 and one["monetary"] == 150 and one["aov"] == 75 and one["recency_days"] == 30
    assert one["holiday_share"] == 0.5 and one["browsing_depth"] == 1.5 and one["cart_abandonment"] == 1.0
    assert one["discount_share"] == 0.5 and one["cat:Mugs"] == 0.75 and one["cat:Jewellery"] == 0.25
    assert two["review_sentiment"] == -1.0 and one["review_sentiment"] == 0.0
