"""Behavioural clustering on standardised features: K-Means with k chosen by silhouette,
a Gaussian mixture started from the K-Means centroids (soft membership per segment), and HDBSCAN
(density clusters; customers in no dense region are reported as noise).

K-Means gives the segments (hard labels, centroids a new customer can be placed against without
retraining); the mixture gives each customer's probability per segment; HDBSCAN shows which
customers fit no group at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

K_RANGE = range(2, 9)
SILHOUETTE_SAMPLE = 3000
"""Silhouette is quadratic in rows: scored on a fixed random sample this large."""
HDBSCAN_MAX_ROWS = 20000
"""HDBSCAN runs on at most this many customers (a random sample); the others get no density label."""
MIN_CUSTOMERS = 20
"""Fewer customers than this cannot show two groups with a meaningful silhouette."""
MIN_SEGMENT_SHARE = 0.03
MIN_SEGMENT_SIZE = 5
"""A k whose smallest segment holds fewer than max(5, 3% of the customers) is not considered:
on small scopes silhouette otherwise favours many tiny groups that describe a handful of people."""


@dataclass(frozen=True)
class ClusteringParams:
    k_range: tuple[int, ...] = tuple(K_RANGE)
    n_init: int = 4
    gmm_covariance: str = "diag"
    hdbscan_min_cluster_size: int | None = None
    """None: 2% of the customers, at least MIN_SEGMENT_SIZE."""
    random_state: int = 7


@dataclass
class ClusteringResult:
    feature_names: list[str]
    scaler_mean: np.ndarray
    scaler_scale: np.ndarray
    k: int
    labels: np.ndarray
    centroids: np.ndarray
    """K-Means centroids in standardised units: a centroid's value is how many standard deviations
    its segment sits from the average customer on each feature."""
    silhouette_by_k: dict[int, float]
    probabilities: np.ndarray
    gmm_bic: float
    density_labels: np.ndarray
    """HDBSCAN label per customer, -1 for noise, -2 for customers outside the HDBSCAN sample."""
    params: dict = field(default_factory=dict)

    @property
    def noise_share(self) -> float:
        seen = self.density_labels > -2
        return float(np.mean(self.density_labels[seen] == -1)) if seen.any() else 0.0

    def metrics(self) -> dict:
        clusters = set(self.density_labels[self.density_labels >= 0].tolist())
        return {
            "silhouette_by_k": {str(k): round(v, 4) for k, v in self.silhouette_by_k.items()},
            "chosen_k": self.k,
            "silhouette": round(self.silhouette_by_k[self.k], 4),
            "gmm_bic": round(self.gmm_bic, 2),
            "hdbscan_clusters": len(clusters),
            "noise_share": round(self.noise_share, 4),
        }


def standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scaler = StandardScaler().fit(matrix)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return (matrix - scaler.mean_) / scale, scaler.mean_, scale


def cluster_customers(matrix: np.ndarray, feature_names: list[str], params: ClusteringParams | None = None) -> ClusteringResult:
    """Standardise, pick k by silhouette, fit K-Means, the mixture and HDBSCAN."""
    params = params or ClusteringParams()
    rows = matrix.shape[0]
    if rows < MIN_CUSTOMERS:
        raise ValueError(f"{rows} customers with orders, at least {MIN_CUSTOMERS} are needed to cluster")
    scaled, mean, scale = standardise(matrix)
    rng = np.random.default_rng(params.random_state)
    sample = rng.choice(rows, size=min(rows, SILHOUETTE_SAMPLE), replace=False)
    fits: dict[int, KMeans] = {}
    silhouettes: dict[int, float] = {}
    smallest_allowed = max(MIN_SEGMENT_SIZE, int(np.ceil(MIN_SEGMENT_SHARE * rows)))
    for k in params.k_range:
        if k * smallest_allowed > rows:
            break
        model = KMeans(n_clusters=k, n_init=params.n_init, random_state=params.random_state).fit(scaled)
        sampled_labels = model.labels_[sample]
        if np.bincount(model.labels_, minlength=k).min() < smallest_allowed or len(set(sampled_labels.tolist())) < 2:
            continue
        fits[k] = model
        silhouettes[k] = float(silhouette_score(scaled[sample], sampled_labels, random_state=params.random_state))
    if not silhouettes:
        raise ValueError("the customers do not separate into two or more groups")
    k = max(silhouettes, key=lambda candidate: (silhouettes[candidate], -candidate))
    kmeans = fits[k]
    gmm = GaussianMixture(
        n_components=k,
        covariance_type=params.gmm_covariance,
        means_init=kmeans.cluster_centers_,
        random_state=params.random_state,
        reg_covar=1e-4,
    ).fit(scaled)
    density = np.full(rows, -2, dtype=int)
    dense_rows = rng.choice(rows, size=min(rows, HDBSCAN_MAX_ROWS), replace=False)
    min_size = params.hdbscan_min_cluster_size or max(MIN_SEGMENT_SIZE, rows // 50)
    density[dense_rows] = HDBSCAN(min_cluster_size=min_size, copy=True).fit_predict(scaled[dense_rows])
    return ClusteringResult(
        feature_names=list(feature_names),
        scaler_mean=mean,
        scaler_scale=scale,
        k=k,
        labels=kmeans.labels_.astype(int),
        centroids=kmeans.cluster_centers_,
        silhouette_by_k=silhouettes,
        probabilities=gmm.predict_proba(scaled),
        gmm_bic=float(gmm.bic(scaled)),
        density_labels=density,
        params={
            "method": "kmeans+gmm+hdbscan",
            "k_range": list(params.k_range),
            "kmeans_n_init": params.n_init,
            "gmm_covariance": params.gmm_covariance,
            "hdbscan_min_cluster_size": min_size,
            "silhouette_sample": int(len(sample)),
            "min_segment_size": smallest_allowed,
            "random_state": params.random_state,
            "features": list(feature_names),
        },
    )


def nearest_centroid(row: np.ndarray, *, mean: np.ndarray, scale: np.ndarray, centroids: np.ndarray) -> tuple[int, np.ndarray]:
    """The index of the closest centroid to one customer's raw feature row, and the distances to all."""
    scaled = (np.asarray(row, dtype=float) - mean) / scale
    distances = np.linalg.norm(np.asarray(centroids, dtype=float) - scaled, axis=1)
    return int(np.argmin(distances)), distances
