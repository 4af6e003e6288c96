"""Scalping: many units of a scarce item bought through several accounts run by one person.

A scalper spreads a limited drop over accounts so per-account caps do not stop them, but the
accounts give themselves away by paying with the same card or from the same device (or
shipping to the same address). The maths here:

1. `link_accounts`: accounts that share any identity value are one group (union-find over the
   bipartite account–identity relation, i.e. its connected components);
2. `scalping_candidates`: per (group, limited product), the window of `window_hours` holding the
   most units, with the features the rules and the classifier read;
3. `rule_reasons`: the transparent rules (units across linked accounts, per-account cap);
4. `ScalpingClassifier`: a logistic regression on the same features, trained on analyst
   decisions; without one, the rules decide.

Framework-free: frames in, frames out.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

PURCHASE_COLUMNS = ["payment_id", "order_id", "customer_id", "product_id", "quantity", "placed_at"]
"""Columns `scalping_candidates` needs in its purchases frame (one row per order item)."""

FEATURES = [
    "accounts",
    "units",
    "orders",
    "units_per_account",
    "max_account_units",
    "shared_cards",
    "shared_devices",
    "shared_addresses",
    "span_hours",
    "units_share",
    "limited_edition",
    "stock_left",
]
"""Candidate features, in the classifier's column order."""


class UnionFind:
    """Disjoint sets with path halving and union by size: near-constant time per operation."""

    def __init__(self) -> None:
        self._parent: dict = {}
        self._size: dict = {}

    def find(self, item):
        parent = self._parent.setdefault(item, item)
        self._size.setdefault(item, 1)
        while parent != item:
            grand = self._parent[parent]
            self._parent[item] = grand
            item, parent = parent, self._parent[grand]
        return item

    def union(self, a, b) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]


def link_accounts(identities: pd.DataFrame, *, columns: Iterable[str], max_accounts_per_value: int = 25) -> pd.Series:
    """Group id (the smallest account id of its group) for every account in `identities`.

    `identities` has a `customer_id` column and one column per identity kind (card fingerprint,
    device, address...); empty values link nothing. A value used by more than
    `max_accounts_per_value` accounts is a hub (a shared office device, a gift card, a test
    card) and is ignored: it would glue strangers into one giant group.
    """
    forest = UnionFind()
    accounts = identities["customer_id"].drop_duplicates()
    for account in accounts:
        forest.find(account)
    for column in columns:
        if column not in identities:
            continue
        pairs = identities[["customer_id", column]].dropna()
        pairs = pairs[pairs[column].astype(str) != ""].drop_duplicates()
        for _, members in pairs.groupby(column)["customer_id"]:
            if 1 < len(members) <= max_accounts_per_value:
                first = members.iloc[0]
                for other in members.iloc[1:]:
                    forest.union(first, other)
    roots = {account: forest.find(account) for account in accounts}
    smallest: dict = {}
    for account, root in roots.items():
        smallest[root] = min(smallest.get(root, account), account)
    return pd.Series({account: smallest[root] for account, root in roots.items()}, name="group_id")


def is_limited(*, attributes: Mapping | None, stock: int, customisable: bool, low_stock: int) -> bool:
    """Whether a product is scarce enough to scalp.

    The catalog has no "limited" field: a merchant marks a drop with the product attribute
    `limited_edition` (true) or `edition_size` (a number); otherwise a ready-made product with at
    most `low_stock` units left counts. Made-to-order (customisable) goods are never scarce.
    """
    attributes = attributes or {}
    if attributes.get("limited_edition") in (True, "true", "yes", 1) or attributes.get("edition_size"):
        return True
    return not customisable and stock <= low_stock


@dataclass(frozen=True)
class ScalpingRules:
    min_units: int = 4
    """units of one limited item a linked group must buy within the window"""
    min_accounts: int = 2
    """linked accounts those units must be spread over"""
    window_hours: float = 72.0
    per_account_cap: int = 2
    """default units one account may buy of a limited item (a product's `max_per_customer` overrides)"""


def _max_window(times: np.ndarray, units: np.ndarray, window: np.timedelta64) -> tuple[int, int]:
    """(start, end) row indexes (end exclusive) of the window of length `window` holding most units.

    `times` is sorted; two pointers, O(n)."""
    best, best_span, start, running = -1, (0, 0), 0, 0
    for end in range(len(times)):
        running += units[end]
        while times[end] - times[start] > window:
            running -= units[start]
            start += 1
        if running > best:
            best, best_span = running, (start, end + 1)
    return best_span


def scalping_candidates(
    purchases: pd.DataFrame,
    identities: pd.DataFrame,
    products: pd.DataFrame,
    *,
    rules: ScalpingRules,
    identity_columns: Iterable[str] = ("card_fingerprint", "device_id", "address"),
) -> pd.DataFrame:
    """One row per (linked group, limited product): the busiest window's purchases and features.

    purchases: PURCHASE_COLUMNS, one row per order item (payment_id may repeat).
    identities: customer_id plus identity columns (one row per payment is fine).
    products: index product_id; columns limited (bool), limited_edition (bool), stock, cap (units
    one account may buy, NaN for the rules' default).
    Groups of one account are kept: the per-account cap applies to them.
    """
    identity_columns = [column for column in identity_columns if column in identities]
    if purchases.empty:
        extra = ["cap", "customer_ids", "payment_ids", "order_ids", "account_units", "first_at", "last_at"]
        return pd.DataFrame(columns=["group_id", "product_id", *FEATURES, *extra])
    groups = link_accounts(identities, columns=identity_columns)
    frame = purchases.merge(products, left_on="product_id", right_index=True, how="inner")
    frame = frame[frame["limited"]].copy()
    frame["group_id"] = frame["customer_id"].map(groups).fillna(frame["customer_id"])
    frame["placed_at"] = pd.to_datetime(frame["placed_at"], utc=True)
    frame = frame.sort_values(["group_id", "product_id", "placed_at"], kind="stable")
    window = np.timedelta64(int(rules.window_hours * 3600), "s")
    sold_by_product = {product: part for product, part in frame.sort_values("placed_at").groupby("product_id")}
    totals = frame.groupby(["group_id", "product_id"])["quantity"].transform("sum")
    frame = frame[totals >= 2]  # one unit breaks no rule and tells the classifier nothing
    rows = []
    for (group_id, product_id), part in frame.groupby(["group_id", "product_id"], sort=False):
        times = part["placed_at"].to_numpy(dtype="datetime64[ns]")
        start, end = _max_window(times, part["quantity"].to_numpy(), window)
        chosen = part.iloc[start:end]
        first, last = chosen["placed_at"].iloc[0], chosen["placed_at"].iloc[-1]
        sold = sold_by_product[product_id]
        sold = sold[sold["placed_at"].between(first, last)]
        members = sorted(set(chosen["customer_id"]))
        shared = identities[identities["customer_id"].isin(members)]
        per_account = chosen.groupby("customer_id")["quantity"].sum()
        units = int(chosen["quantity"].sum())
        rows.append({
            "group_id": group_id,
            "product_id": product_id,
            "accounts": len(members),
            "units": units,
            "orders": int(chosen["order_id"].nunique()),
            "units_per_account": units / len(members),
            "max_account_units": int(per_account.max()),
            "shared_cards": _shared_values(shared, "card_fingerprint"),
            "shared_devices": _shared_values(shared, "device_id"),
            "shared_addresses": _shared_values(shared, "address"),
            "span_hours": (last - first).total_seconds() / 3600,
            "units_share": units / max(1, int(sold["quantity"].sum())),
            "limited_edition": float(bool(part["limited_edition"].iloc[0])),
            "stock_left": float(part["stock"].iloc[0]),
            "cap": part["cap"].iloc[0],
            "customer_ids": members,
            "payment_ids": sorted(int(p) for p in set(chosen["payment_id"].dropna())),
            "order_ids": sorted(int(o) for o in set(chosen["order_id"])),
            "account_units": {str(k): int(v) for k, v in per_account.items()},
            "first_at": first,
            "last_at": last,
        })
    return pd.DataFrame(rows)


def _shared_values(identities: pd.DataFrame, column: str) -> int:
    """How many values of `column` are used by two or more of the given accounts."""
    if column not in identities:
        return 0
    pairs = identities[["customer_id", column]].dropna()
    pairs = pairs[pairs[column].astype(str) != ""].drop_duplicates()
    return int((pairs.groupby(column)["customer_id"].nunique() >= 2).sum())


def rule_reasons(candidate: Mapping, rules: ScalpingRules) -> list[str]:
    """The rules a candidate breaks, each as a sentence with its values; empty: none."""
    reasons = []
    hours = f"{rules.window_hours:g}h"
    links = _link_words(candidate)
    if candidate["accounts"] >= rules.min_accounts and candidate["units"] >= rules.min_units:
        reasons.append(
            f"{candidate['units']} units of a limited item bought by {candidate['accounts']} linked accounts "
            f"({links}) within {hours} (rule: at least {rules.min_units} units over {rules.min_accounts}+ accounts)"
        )
    cap = candidate.get("cap")
    cap = rules.per_account_cap if cap is None or pd.isna(cap) else int(cap)
    if candidate["max_account_units"] > cap:
        reasons.append(f"one account bought {candidate['max_account_units']} units within {hours}; the cap is {cap}")
    return reasons


def _link_words(candidate: Mapping) -> str:
    parts = [
        f"{candidate[key]} shared {noun}{'s' if candidate[key] != 1 else ''}"
        for key, noun in (("shared_cards", "card"), ("shared_devices", "device"), ("shared_addresses", "address"))
        if candidate.get(key)
    ]
    return ", ".join(parts) or "no shared identity"


def rule_score(candidate: Mapping, rules: ScalpingRules) -> float:
    """0..1 for a candidate scored by the rules: how far past the unit threshold, more with more accounts."""
    if not rule_reasons(candidate, rules):
        return 0.0
    excess = candidate["units"] / max(1, rules.min_units)
    return float(min(1.0, 0.5 + 0.1 * (excess - 1) + 0.05 * (candidate["accounts"] - 1)))


class ScalpingClassifier:
    """Logistic regression on standardised log-counts, learnt from analysts' decisions on flags.

    Decided scalping cases are few (tens, not thousands), which a linear model with balanced
    class weights handles where boosted trees would memorise; coefficients stay readable too.
    """

    def __init__(self, *, C: float = 1.0) -> None:
        self.model = make_pipeline(
            FunctionTransformer(np.log1p),
            StandardScaler(),
            LogisticRegression(C=C, class_weight="balanced", max_iter=1000),
        )

    def fit(self, features: pd.DataFrame, labels: pd.Series) -> ScalpingClassifier:
        self.model.fit(features[FEATURES].to_numpy(dtype=float), labels.to_numpy(dtype=int))
        return self

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        if features.empty:
            return np.zeros(0)
        return self.model.predict_proba(features[FEATURES].to_numpy(dtype=float))[:, 1]
