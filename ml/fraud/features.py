"""Fraud features of a payment, computed as of the payment's own event time.

Both paths share one implementation. A payment's past is first gathered into a
:class:`PriorSnapshot` (padded newest-first matrices of the customer's, card's and device's
prior payments, plus a few counters); :func:`features_from_snapshot` then does all the
arithmetic. Live scoring gathers a one-row snapshot from a :class:`VelocityState`
(:func:`features_for_payment`); training gathers snapshots for a whole history frame by index
arithmetic (:func:`features_for_history`). Sums run column by column from the newest event,
so both paths add the same numbers in the same order and agree to the last bit.

"Prior" means earlier in (timestamp, transaction order): the payment itself never counts,
and of two payments with the same timestamp the one recorded first is prior to the other. A
window of length w holds the prior events with age < w (an event exactly 1 h old has left
the 1 h window). Event time is the payment's timestamp, never the wall clock; hour, weekday
and night are in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.fraud.velocity import (
    AMOUNT_PROFILE_SIZE,
    DEFAULT_LABEL_DELAY_DAYS,
    LONGEST_WINDOW_SECONDS,
    SECONDS_PER_DAY,
    LabelCounts,
    PaymentEvent,
    PriorEvent,
    VelocityState,
    to_epoch_seconds,
)

WINDOWS = {"1h": 3_600, "24h": SECONDS_PER_DAY, "7d": LONGEST_WINDOW_SECONDS}
ENTITY_PREFIX = {"customer": "cust", "card": "card", "device": "device"}
DISTINCT_FIELDS = ("merchants", "devices", "cards", "ips")
IMPOSSIBLE_SPEED_KMH = 900.0
IMPOSSIBLE_MIN_KM = 100.0
"""Shorter hops are never "impossible": IP geolocation jitters by tens of km."""
MIN_TRAVEL_HOURS = 1 / 60
AMOUNT_STD_FLOOR = 1.0
"""z-scores divide by at least one currency unit, so a customer who always pays 10.00 does not explode."""
RISK_PRIOR_WEIGHT = 20.0
"""A merchant's fraud rate is shrunk toward the platform's as if it had this many labels at that rate."""
PLATFORM_PRIOR = (1.0, 100.0)
"""Platform rate before any label: Beta-style (frauds, labelled) pseudo-counts, i.e. 1%."""
EARTH_RADIUS_KM = 6_371.0088

FEATURE_NAMES: tuple[str, ...] = (
    "amount",
    "is_round_amount",
    "hour",
    "weekday",
    "is_night",
    *(f"{prefix}_{stat}_{window}" for prefix in ENTITY_PREFIX.values() for window in WINDOWS for stat in ("count", "amount")),
    *(f"cust_distinct_{what}_24h" for what in DISTINCT_FIELDS),
    "seconds_since_prev",
    "is_first_transaction",
    "amount_zscore",
    "amount_to_median",
    "is_new_device",
    "is_new_card",
    "is_new_country",
    "travel_speed_kmh",
    "is_impossible_travel",
    "ip_country_mismatch",
    "merchant_risk",
    "category_risk",
)
FEATURE_SCHEMA: dict[str, str] = {
    name: ("flag" if name.startswith("is_") or name == "ip_country_mismatch" else "number") for name in FEATURE_NAMES
}
"""Feature name -> "flag" (0/1) or "number" (may be NaN where the past says nothing)."""


@dataclass(frozen=True)
class Targets:
    """The payments being scored, one entry per row (strings: "" when unknown)."""

    timestamp: np.ndarray
    amount: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    country: np.ndarray
    billing_country: np.ndarray


@dataclass(frozen=True)
class PriorSnapshot:
    """Each target's past. Matrices are (rows, k), newest first; ages are NaN past the last event.

    Codes are integers that are equal exactly when the ids are equal (-1: unknown).
    """

    customer_age: np.ndarray
    customer_amount: np.ndarray
    customer_merchant: np.ndarray
    customer_device: np.ndarray
    customer_card: np.ndarray
    customer_ip: np.ndarray
    card_age: np.ndarray
    card_amount: np.ndarray
    device_age: np.ndarray
    device_amount: np.ndarray
    customer_payment_count: np.ndarray
    device_is_new: np.ndarray
    card_is_new: np.ndarray
    country_is_new: np.ndarray
    previous_geo_age: np.ndarray
    previous_latitude: np.ndarray
    previous_longitude: np.ndarray
    merchant_labels: np.ndarray
    category_labels: np.ndarray
    platform_labels: np.ndarray
    """Label arrays are (rows, 2): labelled, frauds."""


def features_from_snapshot(targets: Targets, past: PriorSnapshot) -> np.ndarray:
    """The feature matrix (rows, len(FEATURE_NAMES)): all the arithmetic, for both paths."""
    ts = targets.timestamp
    amount = targets.amount
    hour = np.floor(np.mod(ts, SECONDS_PER_DAY) / 3_600)
    columns: dict[str, np.ndarray] = {
        "amount": amount,
        "is_round_amount": (np.rint(amount * 100) % 100 == 0) & (amount > 0),
        "hour": hour,
        # 1970-01-01 was a Thursday (Monday = 0).
        "weekday": np.mod(np.floor(ts / SECONDS_PER_DAY) + 3, 7),
        "is_night": hour < 6,
    }
    for entity, age, amounts in (
        ("customer", past.customer_age, past.customer_amount),
        ("card", past.card_age, past.card_amount),
        ("device", past.device_age, past.device_amount),
    ):
        for window, seconds in WINDOWS.items():
            inside = age < seconds
            columns[f"{ENTITY_PREFIX[entity]}_count_{window}"] = inside.sum(axis=1)
            columns[f"{ENTITY_PREFIX[entity]}_amount_{window}"] = _ordered_sum(np.where(inside, amounts, 0.0))
    last_day = past.customer_age < SECONDS_PER_DAY
    for what, codes in zip(
        DISTINCT_FIELDS,
        (past.customer_merchant, past.customer_device, past.customer_card, past.customer_ip),
        strict=True,
    ):
        columns[f"cust_distinct_{what}_24h"] = _distinct_per_row(np.where(last_day, codes, -1))
    columns["seconds_since_prev"] = past.customer_age[:, 0] if past.customer_age.shape[1] else np.full(len(ts), np.nan)
    columns["is_first_transaction"] = past.customer_payment_count == 0
    zscore, to_median = _amount_profile(amount, past.customer_age, past.customer_amount)
    columns["amount_zscore"] = zscore
    columns["amount_to_median"] = to_median
    columns["is_new_device"] = past.device_is_new
    columns["is_new_card"] = past.card_is_new
    columns["is_new_country"] = past.country_is_new
    distance = haversine_km(past.previous_latitude, past.previous_longitude, targets.latitude, targets.longitude)
    speed = distance / np.maximum(past.previous_geo_age / 3_600, MIN_TRAVEL_HOURS)
    columns["travel_speed_kmh"] = speed
    columns["is_impossible_travel"] = (speed > IMPOSSIBLE_SPEED_KMH) & (distance >= IMPOSSIBLE_MIN_KM)
    columns["ip_country_mismatch"] = (
        (targets.country != "") & (targets.billing_country != "") & (targets.country != targets.billing_country)
    )
    platform_rate = (past.platform_labels[:, 1] + PLATFORM_PRIOR[0]) / (past.platform_labels[:, 0] + PLATFORM_PRIOR[1])
    columns["merchant_risk"] = smoothed_rate(past.merchant_labels, platform_rate)
    columns["category_risk"] = smoothed_rate(past.category_labels, platform_rate)
    return np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in FEATURE_NAMES])


def smoothed_rate(labels: np.ndarray, prior_rate: np.ndarray) -> np.ndarray:
    """Bayesian average: (frauds + w * prior) / (labelled + w); a merchant with few labels stays near the prior."""
    return (labels[:, 1] + RISK_PRIOR_WEIGHT * prior_rate) / (labels[:, 0] + RISK_PRIOR_WEIGHT)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance; NaN wherever a coordinate is missing."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _ordered_sum(matrix: np.ndarray) -> np.ndarray:
    """Row sums added strictly newest-to-oldest (numpy's pairwise sum would depend on the padding)."""
    total = np.zeros(matrix.shape[0])
    for column in matrix.T:
        total = total + column
    return total


def _distinct_per_row(codes: np.ndarray) -> np.ndarray:
    ordered = np.sort(codes, axis=1)
    fresh = ordered >= 0
    fresh[:, 1:] &= ordered[:, 1:] != ordered[:, :-1]
    return fresh.sum(axis=1)


def _amount_profile(amount: np.ndarray, age: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-score and ratio to the median of the customer's last AMOUNT_PROFILE_SIZE prior amounts."""
    profile = np.where(np.isnan(age[:, :AMOUNT_PROFILE_SIZE]), np.nan, amounts[:, :AMOUNT_PROFILE_SIZE])
    present = ~np.isnan(profile)
    n = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = _ordered_sum(np.where(present, profile, 0.0)) / n
        variance = _ordered_sum(np.where(present, (profile - mean[:, None]) ** 2, 0.0)) / n
        zscore = np.where(n >= 2, (amount - mean) / np.maximum(np.sqrt(variance), AMOUNT_STD_FLOOR), np.nan)
        ordered = np.sort(profile, axis=1)  # NaN sorts last
        rows = np.arange(len(n))
        low = ordered[rows, np.maximum(n - 1, 0) // 2] if ordered.shape[1] else np.full(len(n), np.nan)
        high = ordered[rows, np.minimum(n // 2, max(ordered.shape[1] - 1, 0))] if ordered.shape[1] else low
        median = np.where(n > 0, (low + high) / 2, np.nan)
        to_median = np.where(median > 0, amount / median, np.nan)
    return zscore, to_median


# --- live path -------------------------------------------------------------------------------


def features_for_payment(payment: PaymentEvent, state: VelocityState) -> dict[str, float]:
    """Features of one live payment from its :class:`VelocityState` (state as of just before it)."""
    t = payment.timestamp
    customer = _newest_first(state.customer_events)
    card = _newest_first(state.card_events)
    device = _newest_first(state.device_events)
    ids = {
        field: _codes(np.array([getattr(e, field) for e in customer], dtype=object))
        for field in ("merchant_id", "device_id", "card_id", "ip_address")
    }
    geo = state.last_geo
    targets = Targets(
        timestamp=np.array([t]),
        amount=np.array([float(payment.amount)]),
        latitude=np.array([np.nan if payment.latitude is None else payment.latitude]),
        longitude=np.array([np.nan if payment.longitude is None else payment.longitude]),
        country=np.array([payment.country], dtype=object),
        billing_country=np.array([payment.billing_country], dtype=object),
    )
    past = PriorSnapshot(
        customer_age=_ages(t, customer),
        customer_amount=_amounts(customer),
        customer_merchant=ids["merchant_id"][None, :],
        customer_device=ids["device_id"][None, :],
        customer_card=ids["card_id"][None, :],
        customer_ip=ids["ip_address"][None, :],
        card_age=_ages(t, card),
        card_amount=_amounts(card),
        device_age=_ages(t, device),
        device_amount=_amounts(device),
        customer_payment_count=np.array([state.customer_payment_count]),
        device_is_new=np.array([bool(payment.device_id) and payment.device_id not in state.seen_devices]),
        card_is_new=np.array([bool(payment.card_id) and payment.card_id not in state.seen_cards]),
        country_is_new=np.array([bool(payment.country) and payment.country not in state.seen_countries]),
        previous_geo_age=np.array([np.nan if geo is None else t - geo.timestamp]),
        previous_latitude=np.array([np.nan if geo is None else geo.latitude]),
        previous_longitude=np.array([np.nan if geo is None else geo.longitude]),
        merchant_labels=_label_row(state.merchant_labels),
        category_labels=_label_row(state.category_labels),
        platform_labels=_label_row(state.platform_labels),
    )
    return dict(zip(FEATURE_NAMES, features_from_snapshot(targets, past)[0].tolist(), strict=True))


def _newest_first(events: tuple[PriorEvent, ...]) -> list[PriorEvent]:
    """Recording order -> newest first; among equal timestamps the later-recorded comes first."""
    indexed = sorted(range(len(events)), key=lambda i: (events[i].timestamp, i), reverse=True)
    return [events[i] for i in indexed]


def _ages(t: float, events: list[PriorEvent]) -> np.ndarray:
    return (t - np.array([e.timestamp for e in events], dtype=np.float64))[None, :]


def _amounts(events: list[PriorEvent]) -> np.ndarray:
    return np.array([e.amount for e in events], dtype=np.float64)[None, :]


def _label_row(counts: LabelCounts) -> np.ndarray:
    return np.array([[counts.labelled, counts.frauds]], dtype=np.float64)


def _codes(values: np.ndarray) -> np.ndarray:
    """Integer codes equal exactly when the ids are; "" and missing become -1."""
    cleaned = pd.Series(values, dtype=object).replace("", None)
    return pd.factorize(cleaned, use_na_sentinel=True)[0].astype(np.int64)


# --- batch path ------------------------------------------------------------------------------


def features_for_history(
    transactions: pd.DataFrame,
    *,
    label_delay_days: float = DEFAULT_LABEL_DELAY_DAYS,
    chunk_size: int = 50_000,
) -> pd.DataFrame:
    """Features of every payment in a history frame, each as of its own timestamp.

    Columns used: the transactions CSV columns (``timestamp``, ``customer_id``, ``card_id``,
    ``device_id``, ``merchant_id``, ``merchant_category``, ``ip_address``, ``country``,
    ``latitude``, ``longitude``, ``amount``), optional ``billing_country`` and optional
    ``is_fraud`` (NaN = not labelled). Labels only count for merchant and category risk once
    ``label_delay_days`` have passed. Rows come back in the input's order and index.
    """
    history = _Prepared(transactions, label_delay_days)
    blocks = [
        features_from_snapshot(history.targets(rows), history.snapshot(rows))
        for rows in np.array_split(np.arange(history.n), max(1, -(-history.n // chunk_size)))
    ]
    matrix = np.vstack(blocks) if blocks else np.empty((0, len(FEATURE_NAMES)))
    frame = pd.DataFrame(matrix[history.unsort], columns=list(FEATURE_NAMES), index=transactions.index)
    return frame


class _Prepared:
    """A history frame sorted by (timestamp, row order), with per-entity orderings precomputed."""

    def __init__(self, transactions: pd.DataFrame, label_delay_days: float) -> None:
        ts = _epoch_seconds(transactions["timestamp"])
        order = np.lexsort((np.arange(len(ts)), ts))
        self.unsort = np.argsort(order)
        frame = transactions.iloc[order]
        self.n = len(frame)
        self.ts = ts[order]
        self.amount = frame["amount"].to_numpy(dtype=np.float64)
        self.latitude = frame["latitude"].to_numpy(dtype=np.float64)
        self.longitude = frame["longitude"].to_numpy(dtype=np.float64)
        self.country = _strings(frame, "country")
        self.billing_country = _strings(frame, "billing_country")
        self.codes = {
            name: _codes(_strings(frame, name))
            for name in ("customer_id", "card_id", "device_id", "merchant_id", "ip_address", "country")
        }
        self.entities = {
            "customer": _EntityOrder(self.codes["customer_id"]),
            "card": _EntityOrder(self.codes["card_id"]),
            "device": _EntityOrder(self.codes["device_id"]),
        }
        customer = self.codes["customer_id"]
        self.new_flags = {
            name: (self.codes[name] >= 0) & ~_seen_before(customer, self.codes[name])
            for name in ("device_id", "card_id", "country")
        }
        self.previous_geo = self._previous_geo()
        labels = _labels(frame)
        delay = label_delay_days * SECONDS_PER_DAY
        self.label_counts = {
            "merchant": _visible_label_counts(self.ts, delay, labels, self.codes["merchant_id"]),
            "category": _visible_label_counts(self.ts, delay, labels, _codes(_strings(frame, "merchant_category"))),
            "platform": _visible_label_counts(self.ts, delay, labels, np.zeros(self.n, dtype=np.int64)),
        }

    def targets(self, rows: np.ndarray) -> Targets:
        return Targets(
            timestamp=self.ts[rows],
            amount=self.amount[rows],
            latitude=self.latitude[rows],
            longitude=self.longitude[rows],
            country=self.country[rows],
            billing_country=self.billing_country[rows],
        )

    def snapshot(self, rows: np.ndarray) -> PriorSnapshot:
        customer = self.entities["customer"].prior_rows(rows, self.ts, keep_last=AMOUNT_PROFILE_SIZE)
        card = self.entities["card"].prior_rows(rows, self.ts)
        device = self.entities["device"].prior_rows(rows, self.ts)
        previous_geo = self.previous_geo[rows]
        has_geo = previous_geo >= 0
        safe = np.where(has_geo, previous_geo, 0)
        return PriorSnapshot(
            customer_age=self._age(rows, customer),
            customer_amount=self._take(self.amount, customer, 0.0),
            customer_merchant=self._take(self.codes["merchant_id"], customer, -1),
            customer_device=self._take(self.codes["device_id"], customer, -1),
            customer_card=self._take(self.codes["card_id"], customer, -1),
            customer_ip=self._take(self.codes["ip_address"], customer, -1),
            card_age=self._age(rows, card),
            card_amount=self._take(self.amount, card, 0.0),
            device_age=self._age(rows, device),
            device_amount=self._take(self.amount, device, 0.0),
            customer_payment_count=self.entities["customer"].prior_count(rows),
            device_is_new=self.new_flags["device_id"][rows],
            card_is_new=self.new_flags["card_id"][rows],
            country_is_new=self.new_flags["country"][rows],
            previous_geo_age=np.where(has_geo, self.ts[rows] - self.ts[safe], np.nan),
            previous_latitude=np.where(has_geo, self.latitude[safe], np.nan),
            previous_longitude=np.where(has_geo, self.longitude[safe], np.nan),
            merchant_labels=self.label_counts["merchant"][rows],
            category_labels=self.label_counts["category"][rows],
            platform_labels=self.label_counts["platform"][rows],
        )

    def _age(self, rows: np.ndarray, prior: np.ndarray) -> np.ndarray:
        return np.where(prior >= 0, self.ts[rows][:, None] - self.ts[np.maximum(prior, 0)], np.nan)

    @staticmethod
    def _take(values: np.ndarray, prior: np.ndarray, fill) -> np.ndarray:
        return np.where(prior >= 0, values[np.maximum(prior, 0)], fill)

    def _previous_geo(self) -> np.ndarray:
        """Row of the customer's previous geolocated payment, -1 if none."""
        entity = self.entities["customer"]
        located = ~(np.isnan(self.latitude) | np.isnan(self.longitude))
        sorted_rows = entity.order
        last = np.maximum.accumulate(np.where(located[sorted_rows], np.arange(self.n), -1))
        previous = np.full(self.n, -1)
        previous[1:] = last[:-1]
        valid = previous >= entity.group_start
        result = np.full(self.n, -1)
        result[sorted_rows] = np.where(valid, sorted_rows[np.maximum(previous, 0)], -1)
        return result


class _EntityOrder:
    """Rows grouped by an entity code, each group in time order (rows with code -1 have no past)."""

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes
        self.order = np.argsort(codes, kind="stable")
        self.position = np.empty_like(self.order)
        self.position[self.order] = np.arange(len(codes))
        sorted_codes = codes[self.order]
        starts = np.r_[0, np.flatnonzero(sorted_codes[1:] != sorted_codes[:-1]) + 1] if len(codes) else np.empty(0, int)
        group = np.cumsum(np.r_[0, (sorted_codes[1:] != sorted_codes[:-1]).astype(int)]) if len(codes) else starts
        self.group_start = starts[group] if len(codes) else starts

    def prior_count(self, rows: np.ndarray) -> np.ndarray:
        position = self.position[rows]
        return np.where(self.codes[rows] >= 0, position - self.group_start[position], 0)

    def prior_rows(self, rows: np.ndarray, ts: np.ndarray, *, keep_last: int = 0) -> np.ndarray:
        """(rows, k) row numbers of prior events, newest first, -1 padded: the last 7 days and the newest ``keep_last``."""
        position = self.position[rows]
        start = self.group_start[position]
        known = self.codes[rows] >= 0
        columns = []
        k = 1
        while True:
            back = position - k
            valid = known & (back >= start)
            prior = np.where(valid, self.order[np.maximum(back, 0)], -1)
            wanted = valid & ((ts[rows] - ts[np.maximum(prior, 0)] < LONGEST_WINDOW_SECONDS) | (k <= keep_last))
            if not wanted.any():
                break
            columns.append(np.where(wanted, prior, -1))
            k += 1
        return np.column_stack(columns) if columns else np.full((len(rows), 0), -1)


def _seen_before(customer: np.ndarray, value: np.ndarray) -> np.ndarray:
    """True where this customer already used this value earlier in the (time-sorted) frame."""
    return pd.DataFrame({"c": customer, "v": value}).duplicated(keep="first").to_numpy()


def _labels(frame: pd.DataFrame) -> np.ndarray:
    if "is_fraud" not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame["is_fraud"].astype(object).where(frame["is_fraud"].notna()), errors="coerce").to_numpy(
        dtype=np.float64
    )


def _visible_label_counts(ts: np.ndarray, delay: float, labels: np.ndarray, group: np.ndarray) -> np.ndarray:
    """(labelled, frauds) per row among its group's payments with timestamp <= its own minus the delay."""
    labelled = ~np.isnan(labels)
    query_time = ts - delay
    n_labels = int(labelled.sum())
    times = np.r_[ts[labelled], query_time]
    kind = np.r_[np.zeros(n_labels), np.ones(len(ts))]  # labels first at equal times: "<=" includes them
    groups = np.r_[group[labelled], group]
    is_label = np.r_[np.ones(n_labels), np.zeros(len(ts))]
    is_fraud = np.r_[labels[labelled], np.zeros(len(ts))]
    merged = pd.DataFrame({"g": groups, "labelled": is_label, "fraud": is_fraud})
    merged = merged.iloc[np.lexsort((kind, times))]
    counts = merged.groupby("g", sort=False)[["labelled", "fraud"]].cumsum()
    counts = counts.sort_index().to_numpy(dtype=np.float64, copy=True)[n_labels:]
    counts[group < 0] = 0
    return counts


def _epoch_seconds(timestamps: pd.Series) -> np.ndarray:
    """Same conversion as :func:`ml.fraud.velocity.to_epoch_seconds`, vectorised."""
    if pd.api.types.is_numeric_dtype(timestamps):
        return timestamps.to_numpy(dtype=np.float64)
    parsed = pd.to_datetime(timestamps, utc=True)
    return parsed.dt.as_unit("us").astype("int64").to_numpy() / 1e6


def _strings(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str).to_numpy(dtype=object)


def payment_from_row(row: pd.Series) -> PaymentEvent:
    """A history-frame row as the live scorer receives it (used to replay history through the live path)."""
    latitude, longitude = row.get("latitude"), row.get("longitude")
    return PaymentEvent(
        transaction_id=str(row["transaction_id"]),
        timestamp=to_epoch_seconds(row["timestamp"]),
        customer_id=str(row["customer_id"]),
        amount=float(row["amount"]),
        merchant_id=_text(row.get("merchant_id")),
        merchant_category=_text(row.get("merchant_category")),
        card_id=_text(row.get("card_id")),
        device_id=_text(row.get("device_id")),
        ip_address=_text(row.get("ip_address")),
        country=_text(row.get("country")),
        billing_country=_text(row.get("billing_country")),
        latitude=None if pd.isna(latitude) else float(latitude),
        longitude=None if pd.isna(longitude) else float(longitude),
    )


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
