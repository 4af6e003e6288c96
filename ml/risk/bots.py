"""Bot sessions in a storefront's event stream: session features, an IsolationForest, reasons.

Bots (scrapers, inventory hoarders, price crawlers) leave sessions no person could: hundreds of
pages a minute, clicks at a metronome's regularity, pages left before they could be read, cart
additions of products never looked at. Labels are rare (nobody tells us a session was a bot), so
the detector is unsupervised: an IsolationForest learns what ordinary sessions look like and
isolates the ones that are easy to tell apart. Its threshold is the score above which a chosen
share of training sessions lies (the contamination target), a policy the operator sets.

Every flagged session carries reasons: the features furthest outside the normal range of
training sessions on the bots' side (Tukey's outer fences), with the value and that range, so an analyst
can check the call; a session with no such feature is not flagged, whatever its score.
When no model is trained yet, `rule_flags` applies plain rules instead (fast AND regular, or
many blind cart additions), so detection never depends on a model existing.

Input frames have one row per event with columns: session_id, type, product (nullable),
timestamp (tz-aware), and optionally customer and anonymous_id. No Django here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

FEATURES: tuple[str, ...] = (
    "events_per_minute",
    "interval_cv",
    "no_dwell_share",
    "blind_carts",
    "distinct_products_per_minute",
    "duration_s",
    "n_events",
)
LABELS: dict[str, str] = {
    "events_per_minute": "events per minute",
    "interval_cv": "variation of the time between events (CV)",
    "no_dwell_share": "share of pages left within 1 s",
    "blind_carts": "cart additions without viewing the product",
    "distinct_products_per_minute": "distinct products per minute",
    "duration_s": "session length (s)",
    "n_events": "events in the session",
}
# Heavy-tailed counts and rates are compared on a log scale: an IsolationForest splits uniformly
# between a feature's minimum and maximum, so on a raw scale one extreme session would leave
# every ordinary one in the same first branch. The CV too: people spread over 0.3-3 and bots sit
# near 0, a corner a uniform split on the raw scale rarely cuts off.
LOG_FEATURES = frozenset({"events_per_minute", "blind_carts", "distinct_products_per_minute", "duration_s", "n_events"})
CV_FLOOR = 0.01
# What the forest sees, and the side of each feature bots are on. Deviations the other way (a
# slow, irregular, long-dwelling shopper) are no evidence of automation, so the forest sees each
# feature clipped at the training median on the human side: without that, a quarter of the demo's
# flags were unusually slow people. Session length and event count are stored and shown but not
# modelled: bots are both short (scrapers) and long (crawlers), people too.
BOT_SIDE: dict[str, str] = {
    "events_per_minute": "high",
    "interval_cv": "low",
    "no_dwell_share": "high",
    "blind_carts": "high",
    "distinct_products_per_minute": "high",
}
MODEL_FEATURES: tuple[str, ...] = tuple(BOT_SIDE)

NO_DWELL_SECONDS = 1.0
"""a page followed by another event within this long was not read"""
NEUTRAL_CV = 1.0
"""the CV of a memoryless (Poisson) clicker: what sessions too short to measure regularity get"""
MIN_EVENTS = 5
"""shorter sessions are not judged: too little behaviour to call, and too little traffic to distort anything"""
FENCE = 3.0
"""the normal range of a feature: Tukey's outer fences, [Q1 - 3 IQR, Q3 + 3 IQR] of training sessions
on the model's scale ("far out" beyond them). Quartiles stay among people while bots are under a
quarter of the traffic, where a 5th-95th percentile range would already count a 6% bot population
as normal; the outer fences (not the inner 1.5 IQR) keep a brisk person viewing five products in a
minute inside the normal range."""
MAX_REASONS = 3
EPOCH = pd.Timestamp(0, tz="UTC")


def session_features(events: pd.DataFrame) -> pd.DataFrame:
    """One row per session_id with the FEATURES columns (float), in session_id order."""
    if events.empty:
        return pd.DataFrame(columns=list(FEATURES), dtype=float).rename_axis("session_id")
    frame = events[["session_id", "type", "product", "timestamp"]].copy()
    frame["t"] = (pd.to_datetime(frame["timestamp"], utc=True) - EPOCH).dt.total_seconds()
    frame = frame.sort_values(["session_id", "t"], kind="stable").reset_index(drop=True)
    session = frame["session_id"]
    same_as_previous = session.eq(session.shift(1))
    frame["gap_prev"] = (frame["t"] - frame["t"].shift(1)).where(same_as_previous)
    frame["gap_next"] = (frame["t"].shift(-1) - frame["t"]).where(session.eq(session.shift(-1)))
    view = frame["type"].eq("view")
    frame["view_with_next"] = view & frame["gap_next"].notna()
    frame["view_no_dwell"] = frame["view_with_next"] & (frame["gap_next"] < NO_DWELL_SECONDS)
    frame["blind_cart"] = _blind_carts(frame)

    grouped = frame.groupby("session_id", sort=True)
    n_events = grouped.size().astype(float)
    duration = grouped["t"].max() - grouped["t"].min()
    minutes = np.maximum(duration / 60.0, 1.0)  # a burst shorter than a minute counts as one minute
    gap_mean = grouped["gap_prev"].mean()
    gap_std = grouped["gap_prev"].std(ddof=0)
    gaps = grouped["gap_prev"].count()
    cv = (gap_std / gap_mean.where(gap_mean > 0)).where(gap_mean > 0, 0.0)  # all events at one instant: perfectly regular
    cv = cv.where(gaps >= 2, NEUTRAL_CV)
    views_with_next = grouped["view_with_next"].sum()
    no_dwell = (grouped["view_no_dwell"].sum() / views_with_next.where(views_with_next > 0)).fillna(0.0)
    features = pd.DataFrame({
        "events_per_minute": n_events / minutes,
        "interval_cv": cv.clip(upper=10.0),
        "no_dwell_share": no_dwell,
        "blind_carts": grouped["blind_cart"].sum().astype(float),
        "distinct_products_per_minute": grouped["product"].nunique() / minutes,
        "duration_s": duration,
        "n_events": n_events,
    })
    return features.astype(float).rename_axis("session_id")


def _blind_carts(frame: pd.DataFrame) -> pd.Series:
    """True for cart additions of a product the session had not viewed before (or at) that moment."""
    has_product = frame["product"].notna()
    views = frame[frame["type"].eq("view") & has_product]
    first_view = views.groupby(["session_id", "product"])["t"].min().rename("first_view")
    carts = frame[frame["type"].eq("add_to_cart")]
    looked = carts.join(first_view, on=["session_id", "product"])["first_view"]
    blind = looked.isna() | (looked > carts["t"])
    marks = pd.Series(False, index=frame.index)
    marks.loc[carts.index] = blind.to_numpy(dtype=bool)
    return marks


def session_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per session_id: started_at, ended_at, and the customer and anonymous id seen (the first non-empty)."""
    frame = events.copy()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    for column in ("customer", "anonymous_id"):
        if column not in frame:
            frame[column] = None
    frame["anonymous_id"] = frame["anonymous_id"].replace("", None)
    grouped = frame.groupby("session_id", sort=True)
    return pd.DataFrame({
        "started_at": grouped["timestamp"].min(),
        "ended_at": grouped["timestamp"].max(),
        "customer": grouped["customer"].first(),
        "anonymous_id": grouped["anonymous_id"].first(),
    })


def judged(features: pd.DataFrame, *, min_events: int = MIN_EVENTS) -> pd.DataFrame:
    """The sessions long enough to call (see MIN_EVENTS)."""
    return features[features["n_events"] >= min_events]


def _model_scale(name: str, values: np.ndarray | float) -> np.ndarray | float:
    """A feature on the scale the forest splits it on."""
    if name in LOG_FEATURES:
        return np.log1p(values)
    if name == "interval_cv":
        return np.log(np.asarray(values) + CV_FLOOR)
    return values


def _raw_scale(name: str, value: float) -> float:
    """The inverse of `_model_scale`, clipped to the feature's possible values (for showing ranges)."""
    if name in LOG_FEATURES:
        value = float(np.expm1(value))
    elif name == "interval_cv":
        value = float(np.exp(value)) - CV_FLOOR
    return min(max(value, 0.0), 1.0) if name == "no_dwell_share" else max(value, 0.0)


def _transform(features: pd.DataFrame) -> np.ndarray:
    """MODEL_FEATURES on the model's scale (one column each)."""
    return np.column_stack([_model_scale(name, features[name].to_numpy(dtype=np.float64)) for name in MODEL_FEATURES])


def _bot_side(matrix: np.ndarray, medians: np.ndarray) -> np.ndarray:
    """Each column clipped at its median on the human side (see BOT_SIDE)."""
    high = np.array([BOT_SIDE[name] == "high" for name in MODEL_FEATURES])
    return np.where(high, np.maximum(matrix, medians), np.minimum(matrix, medians))


@dataclass(frozen=True)
class Reason:
    feature: str
    value: float
    low: float
    high: float
    direction: str
    """"high" or "low": which side of the normal range the value lies"""
    distance: float
    """how far outside the normal range, in units of that range's width (on the model's scale)"""

    @property
    def text(self) -> str:
        normal = f"{_fmt(self.low)}–{_fmt(self.high)}"
        side = "above" if self.direction == "high" else "below"
        return f"{LABELS[self.feature]} {_fmt(self.value)}, {side} the normal {normal}"

    def as_dict(self) -> dict:
        return {
            "feature": self.feature,
            "value": round(self.value, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "direction": self.direction,
            "text": self.text,
        }


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class BotDetector:
    """An IsolationForest over session features with a contamination-target threshold."""

    contamination: float = 0.05
    n_estimators: int = 200
    max_samples: int = 64
    """small subsamples: bots come in look-alike groups, which mask each other in large ones"""
    random_state: int = 0
    min_events: int = MIN_EVENTS
    forest: IsolationForest | None = None
    threshold: float = float("nan")
    """sessions scoring above this are flagged: the (1 - contamination) quantile of training scores"""
    quantiles: dict[str, dict[str, float]] = field(default_factory=dict)
    """per model feature, on the raw and model scales: the normal range and the median of training sessions"""
    medians: np.ndarray | None = None
    """per model feature, the training median on the model's scale: where the human side is clipped"""
    trained_sessions: int = 0
    fit_seconds: float = 0.0

    @property
    def fitted(self) -> bool:
        """False for an unfitted detector, or one unpickled from a version without today's attributes."""
        return getattr(self, "forest", None) is not None and getattr(self, "medians", None) is not None

    def fit(self, features: pd.DataFrame) -> BotDetector:
        """Fit on the judged sessions of `features` (session_features output)."""
        if not 0 < self.contamination < 0.5:
            raise ValueError("contamination must be between 0 and 0.5")
        rows = judged(features, min_events=self.min_events)
        if len(rows) < 2:
            raise ValueError(f"need at least 2 sessions of {self.min_events}+ events to fit, got {len(rows)}")
        started = time.perf_counter()
        matrix = _transform(rows)
        self.medians = np.median(matrix, axis=0)
        self.forest = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=min(self.max_samples, len(rows)),
            contamination="auto",
            random_state=self.random_state,
            n_jobs=1,
        ).fit(_bot_side(matrix, self.medians))
        scores = -self.forest.score_samples(_bot_side(matrix, self.medians))
        self.threshold = float(np.quantile(scores, 1 - self.contamination))
        self.quantiles = {}
        for index, name in enumerate(MODEL_FEATURES):
            q1, q3 = np.quantile(matrix[:, index], [0.25, 0.75])
            low, high = q1 - FENCE * (q3 - q1), q3 + FENCE * (q3 - q1)
            self.quantiles[name] = {
                "low": _raw_scale(name, low),
                "high": _raw_scale(name, high),
                "median": float(np.median(rows[name].to_numpy())),
                "model_low": float(low),
                "model_high": float(high),
            }
        self.trained_sessions = len(rows)
        self.fit_seconds = time.perf_counter() - started
        return self

    def score(self, features: pd.DataFrame) -> pd.DataFrame:
        """Per judged session: score (0..1, the IsolationForest anomaly score; above 0.5 is unusual),
        flagged and reasons (dicts, strongest first; flagged ones only).

        Flagged: above the threshold AND outside the normal range of some feature on the bots' side.
        The second condition keeps the contamination target a ceiling rather than a quota: when the
        traffic holds fewer bots than the target, the rest of the top scores are people who are
        merely unusual together (a quick, short visit), with nothing an analyst could point at."""
        if not self.fitted:
            raise RuntimeError("fit the detector first")
        rows = judged(features, min_events=self.min_events)
        if rows.empty:
            return _no_verdicts(rows.index)
        matrix = _transform(rows)
        scores = -self.forest.score_samples(_bot_side(matrix, self.medians))
        above = scores > self.threshold
        reasons = [self.reasons(matrix[i], rows.iloc[i]) if above[i] else [] for i in range(len(rows))]
        flagged = above & np.array([bool(found) for found in reasons], dtype=bool)
        return pd.DataFrame({"score": scores, "flagged": flagged, "reasons": reasons}, index=rows.index)

    def reasons(self, model_row: np.ndarray, raw_row: pd.Series) -> list[dict]:
        """The features furthest outside the training sessions' normal range on the bots' side
        (none: nothing outside it)."""
        found: list[Reason] = []
        for index, name in enumerate(MODEL_FEATURES):
            q, side, value = self.quantiles[name], BOT_SIDE[name], model_row[index]
            width = max(q["model_high"] - q["model_low"], 0.1)  # a constant feature: the smallest step that counts
            beyond = value - q["model_high"] if side == "high" else q["model_low"] - value
            if beyond > 0:
                found.append(Reason(name, float(raw_row[name]), q["low"], q["high"], side, beyond / width))
        found.sort(key=lambda reason: reason.distance, reverse=True)
        return [reason.as_dict() for reason in found[:MAX_REASONS]]


@dataclass(frozen=True)
class BotRules:
    """The fallback without a trained model: a person cannot click fast AND at a metronome's beat,
    nor put many products in a cart without ever opening them."""

    max_events_per_minute: float = 20.0
    max_interval_cv: float = 0.25
    max_blind_carts: int = 5
    min_events: int = MIN_EVENTS


def rule_flags(features: pd.DataFrame, rules: BotRules | None = None) -> pd.DataFrame:
    """Same shape as `BotDetector.score`. The score is the share of the four bot traits a session
    shows (fast, regular, no dwell on most pages, blind cart additions): graded evidence, not a probability."""
    rules = rules or BotRules()
    rows = judged(features, min_events=rules.min_events)
    if rows.empty:
        return _no_verdicts(rows.index)
    fast = rows["events_per_minute"] > rules.max_events_per_minute
    regular = rows["interval_cv"] < rules.max_interval_cv
    hasty = rows["no_dwell_share"] > 0.5
    blind = rows["blind_carts"] >= rules.max_blind_carts
    flagged = (fast & regular) | blind
    score = (fast.astype(float) + regular + hasty + blind) / 4
    reasons = []
    for session_id, row in rows.iterrows():
        if not flagged[session_id]:
            reasons.append([])
            continue
        found = []
        if fast[session_id]:
            found.append(_rule_reason("events_per_minute", row, f"above the rule's {rules.max_events_per_minute:g}", "high"))
        if regular[session_id]:
            found.append(_rule_reason("interval_cv", row, f"below the rule's {rules.max_interval_cv:g}", "low"))
        if blind[session_id]:
            found.append(_rule_reason("blind_carts", row, f"at or above the rule's {rules.max_blind_carts}", "high"))
        reasons.append(found)
    return pd.DataFrame({"score": score, "flagged": flagged, "reasons": reasons}, index=rows.index)


def _rule_reason(name: str, row: pd.Series, limit: str, direction: str) -> dict:
    value = float(row[name])
    return {"feature": name, "value": round(value, 4), "direction": direction, "text": f"{LABELS[name]} {_fmt(value)}, {limit}"}


def rate_rule(features: pd.DataFrame, *, max_events_per_minute: float = 20.0, min_events: int = MIN_EVENTS) -> pd.Series:
    """The naive baseline the benchmark compares with: flag every judged session faster than N events/minute."""
    rows = judged(features, min_events=min_events)
    return rows["events_per_minute"] > max_events_per_minute


def _no_verdicts(index: pd.Index) -> pd.DataFrame:
    """The verdict frame of no judged session, typed like a full one: `~frame["flagged"]` must work."""
    return pd.DataFrame(
        {"score": pd.Series(dtype=float), "flagged": pd.Series(dtype=bool), "reasons": pd.Series(dtype=object)}, index=index
    )
