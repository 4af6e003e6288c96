"""Collusion rings: buyer accounts run by (or for) a seller, placing fake orders and 5-star
reviews to inflate the seller's sales and rating.

The graph has buyers, sellers and the identities buyers pay with: cards, devices, IPs,
addresses, and "staff" (the buyer's login belongs to the seller's own staff: a reciprocal edge).
Fake buyers are cheap to create but share cards and devices, so:

1. buyers linked by a *strong* identity (card, device, address, staff) used by 2..`max_buyers_per_value`
   buyers form connected components; IPs are too often shared innocently (NAT, mobile carriers)
   to link anyone, and only count as supporting evidence;
2. per component and per seller its buyers ordered from, the subgraph (those buyers, their shared
   identities, the seller) is cut to its 2-core: buyers linked only through people who never
   ordered there drop out;
3. the remaining ring is scored from what collusion needs to do: concentrate its orders on that
   seller (focus), repeat them, review them 5 stars, weigh in the seller's orders and 5-star
   reviews, and be tightly linked (share of buyer pairs sharing an identity).

An ordinary busy shop has many buyers but no shared cards or devices among them: no component.
Framework-free (pandas + networkx).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import pandas as pd

STRONG_KINDS = ("card", "device", "address", "staff")
WEAK_KINDS = ("ip",)

WEIGHTS = {
    "focus": 0.20,
    "five_star_rate": 0.20,
    "repeat": 0.15,
    "order_share": 0.15,
    "five_star_share": 0.10,
    "link_density": 0.20,
}
"""How much each 0..1 component adds to a ring's score (they sum to 1)."""
STAFF_BONUS = 0.2
"""Added when a ring buyer's login belongs to the seller's staff: a seller buying from itself."""


@dataclass(frozen=True)
class RingParams:
    min_buyers: int = 2
    max_buyers_per_value: int = 25
    """an identity value shared by more buyers is a hub (shared office device, test card) and links no one"""
    threshold: float = 0.65
    """score at or above which a ring is reported"""


@dataclass
class RingFinding:
    seller_id: int
    buyer_ids: list[int]
    score: float
    reasons: list[str]
    features: dict[str, float]
    nodes: list[dict] = field(default_factory=list)
    """[{id, kind, label}] with ids like "buyer:12", "seller:3", "card:fp_ab"."""
    edges: list[dict] = field(default_factory=list)
    """[{source, target, kind, weight}]: buyer–seller (orders), buyer–identity (uses)."""

    @property
    def key(self) -> str:
        """Stable name of the ring across runs: its seller and sorted buyers."""
        return f"{self.seller_id}:" + ",".join(str(b) for b in sorted(self.buyer_ids))


def node_id(kind: str, value) -> str:
    return f"{kind}:{value}"


def _shared_values(identities: pd.DataFrame, kinds: Iterable[str], max_buyers: int) -> pd.DataFrame:
    """(buyer_id, kind, value) rows of values that 2..max_buyers buyers use."""
    rows = identities[identities["kind"].isin(list(kinds))].dropna(subset=["value"])
    rows = rows[rows["value"].astype(str) != ""].drop_duplicates(["buyer_id", "kind", "value"])
    users = rows.groupby(["kind", "value"])["buyer_id"].transform("nunique")
    return rows[(users >= 2) & (users <= max_buyers)]


def buyer_components(
    identities: pd.DataFrame, *, kinds: Iterable[str], min_buyers: int, max_buyers_per_value: int
) -> list[set[int]]:
    """Sets of buyers connected through shared identity values of `kinds` (at least `min_buyers` each)."""
    shared = _shared_values(identities, kinds, max_buyers_per_value)
    graph = nx.Graph()
    graph.add_edges_from(
        (node_id("buyer", b), node_id(k, v)) for b, k, v in shared[["buyer_id", "kind", "value"]].itertuples(index=False)
    )
    components = []
    for component in nx.connected_components(graph):
        buyers = {int(n.split(":", 1)[1]) for n in component if n.startswith("buyer:")}
        if len(buyers) >= min_buyers:
            components.append(buyers)
    return components


def detect_rings(
    orders: pd.DataFrame, identities: pd.DataFrame, reviews: pd.DataFrame, *, params: RingParams = RingParams()
) -> list[RingFinding]:
    """Rings scoring at least `params.threshold`, riskiest first.

    orders: order_id, buyer_id, seller_id. identities: buyer_id, kind, value (one row per use is
    fine). reviews: buyer_id, seller_id, rating.
    """
    found = [ring for ring in score_groups(orders, identities, reviews, params=params) if ring.score >= params.threshold]
    return sorted(found, key=lambda ring: (-ring.score, ring.seller_id, ring.key))


def score_groups(
    orders: pd.DataFrame, identities: pd.DataFrame, reviews: pd.DataFrame, *, params: RingParams = RingParams()
) -> list[RingFinding]:
    """Every (linked buyer group, seller) candidate with its score, whatever the threshold."""
    components = buyer_components(
        identities, kinds=STRONG_KINDS, min_buyers=params.min_buyers, max_buyers_per_value=params.max_buyers_per_value
    )
    if not components or orders.empty:
        return []
    # Plain dicts from here: groups are many and small, where per-group pandas calls cost more than the maths.
    counts = orders.drop_duplicates("order_id").groupby(["buyer_id", "seller_id"]).size()
    bought: dict[int, dict[int, int]] = {}
    for (buyer, seller), n in counts.items():
        bought.setdefault(int(buyer), {})[int(seller)] = int(n)
    seller_orders = {int(k): int(v) for k, v in counts.groupby(level="seller_id").sum().items()}
    five = reviews[reviews["rating"] == 5] if not reviews.empty else reviews
    five_counts: dict[tuple[int, int], int] = {}
    if len(five):
        five_counts = {(int(b), int(s)): int(n) for (b, s), n in five.groupby(["buyer_id", "seller_id"]).size().items()}
    seller_five: dict[int, int] = {}
    for (_, seller), n in five_counts.items():
        seller_five[seller] = seller_five.get(seller, 0) + n
    context = _Context(
        bought=bought,
        seller_orders=seller_orders,
        five=five_counts,
        seller_five=seller_five,
        strong=_values_by_buyer(_shared_values(identities, STRONG_KINDS, params.max_buyers_per_value)),
        weak=_values_by_buyer(_shared_values(identities, WEAK_KINDS, params.max_buyers_per_value)),
    )
    findings = []
    for buyers in components:
        sellers: dict[int, list[int]] = {}
        for buyer in buyers:
            for seller in bought.get(buyer, {}):
                sellers.setdefault(seller, []).append(buyer)
        for seller_id, at_seller in sellers.items():
            if len(at_seller) >= params.min_buyers:
                finding = _score_ring(seller_id=seller_id, buyers=at_seller, context=context, params=params)
                if finding is not None:
                    findings.append(finding)
    return findings


@dataclass(frozen=True)
class _Context:
    bought: dict[int, dict[int, int]]
    """buyer -> seller -> orders"""
    seller_orders: dict[int, int]
    five: dict[tuple[int, int], int]
    """(buyer, seller) -> five-star reviews"""
    seller_five: dict[int, int]
    strong: dict[int, set[tuple[str, str]]]
    """buyer -> shared strong (kind, value)s"""
    weak: dict[int, set[tuple[str, str]]]


def _values_by_buyer(rows: pd.DataFrame) -> dict[int, set[tuple[str, str]]]:
    found: dict[int, set[tuple[str, str]]] = {}
    for buyer, kind, value in rows[["buyer_id", "kind", "value"]].itertuples(index=False):
        found.setdefault(int(buyer), set()).add((kind, str(value)))
    return found


def _score_ring(*, seller_id: int, buyers: list[int], context: _Context, params: RingParams) -> RingFinding | None:
    seller = node_id("seller", seller_id)
    graph = nx.Graph()
    for buyer in buyers:
        graph.add_edge(node_id("buyer", buyer), seller, kind="orders", weight=context.bought[buyer][seller_id])
        for kind, value in context.strong.get(buyer, ()):
            graph.add_edge(node_id("buyer", buyer), node_id(kind, value), kind=kind, weight=1)
    core = nx.Graph(nx.k_core(graph, k=2))
    members = sorted(int(n.split(":", 1)[1]) for n in core if n.startswith("buyer:"))
    if len(members) < params.min_buyers:
        return None
    core_numbers = nx.core_number(graph)
    # IPs shared among the ring's own buyers: shown and counted, never used to link.
    for buyer in members:
        for kind, value in context.weak.get(buyer, ()):
            core.add_edge(node_id("buyer", buyer), node_id(kind, value), kind=kind, weight=1)
    core = nx.Graph(nx.k_core(core, k=2))
    orders_n = sum(context.bought[b][seller_id] for b in members)
    ring_five = sum(context.five.get((b, seller_id), 0) for b in members)
    users: dict[tuple[str, str], list[int]] = {}
    for buyer in members:
        for identity in context.strong.get(buyer, ()):
            users.setdefault(identity, []).append(buyer)
    shared = {identity: users_ for identity, users_ in users.items() if len(users_) >= 2}
    linked_pairs = {pair for users_ in shared.values() for pair in combinations(sorted(users_), 2)}
    possible = len(members) * (len(members) - 1) / 2
    staff = sum(len(users_) for (kind, value), users_ in shared.items() if kind == "staff" and value == str(seller_id))
    weak_shared = {n for n in core if n.split(":", 1)[0] in WEAK_KINDS}
    features = {
        "buyers": float(len(members)),
        "orders": float(orders_n),
        "orders_per_buyer": orders_n / len(members),
        "focus": orders_n / max(1, sum(sum(context.bought[b].values()) for b in members)),
        "order_share": orders_n / max(1, context.seller_orders.get(seller_id, 0)),
        "five_star_reviews": float(ring_five),
        "five_star_rate": min(1.0, ring_five / max(1, orders_n)),
        "five_star_share": ring_five / max(1, context.seller_five.get(seller_id, 0)),
        "link_density": len(linked_pairs) / possible if possible else 0.0,
        "shared_identities": float(len(shared)),
        "shared_ips": float(len(weak_shared)),
        "staff_buyers": float(staff),
        "core_k": float(max(core_numbers[node_id("buyer", b)] for b in members)),
        "density": float(nx.density(core)),
    }
    features["repeat"] = min(1.0, max(0.0, (features["orders_per_buyer"] - 1) / 4))
    score = sum(weight * features[name] for name, weight in WEIGHTS.items()) + (STAFF_BONUS if staff else 0.0)
    return RingFinding(
        seller_id=seller_id,
        buyer_ids=members,
        score=round(min(1.0, score), 4),
        reasons=_reasons(features, [kind for kind, _ in shared]),
        features={name: round(value, 4) for name, value in features.items()},
        nodes=[{"id": n, "kind": n.split(":", 1)[0], "label": n.split(":", 1)[1]} for n in sorted(core)],
        edges=[
            {"source": a, "target": b, "kind": data["kind"], "weight": data["weight"]}
            for a, b, data in sorted(core.edges(data=True))
        ],
    )


def _reasons(features: dict[str, float], shared_kinds: list[str]) -> list[str]:
    kinds = Counter(shared_kinds)
    shared = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in sorted(kinds.items()))
    n = int(features["buyers"])
    reasons = [f"{n} buyers share {shared}; {features['link_density']:.0%} of buyer pairs are directly linked"]
    if features["staff_buyers"]:
        reasons.append(f"{int(features['staff_buyers'])} of the buyers sign in as the seller's own staff")
    reasons.append(
        f"{int(features['orders'])} orders ({features['orders_per_buyer']:.1f} per buyer), "
        f"{features['focus']:.0%} of these buyers' orders anywhere"
    )
    if features["five_star_reviews"]:
        reasons.append(
            f"{int(features['five_star_reviews'])} five-star reviews: {features['five_star_share']:.0%} of the seller's, "
            f"one per {1 / features['five_star_rate']:.1f} orders"
        )
    reasons.append(f"{features['order_share']:.0%} of the seller's orders come from this ring")
    return reasons


def shared_card_baseline(orders: pd.DataFrame, identities: pd.DataFrame, *, min_buyers: int = 2) -> list[tuple[int, list[int]]]:
    """The naive detector the scored one is measured against: buyers sharing a card, grouped,
    reported for every seller at least `min_buyers` of them ordered from. No scoring."""
    cards = identities[identities["kind"] == "card"]
    components = buyer_components(cards, kinds=("card",), min_buyers=min_buyers, max_buyers_per_value=10**9)
    found = []
    for buyers in components:
        mine = orders[orders["buyer_id"].isin(buyers)]
        for seller_id, at_seller in mine.groupby("seller_id"):
            members = sorted(int(b) for b in set(at_seller["buyer_id"]))
            if len(members) >= min_buyers:
                found.append((int(seller_id), members))
    return found


def ring_matches(
    found: list[tuple[int, list[int]]], truth: list[tuple[int, list[int]]], *, min_jaccard: float = 0.5
) -> dict[str, float]:
    """Ring-level precision and recall: a found ring matches a true one of the same seller whose
    buyers overlap it by at least `min_jaccard` (each true ring matched at most once)."""
    unmatched = list(truth)
    hits = 0
    for seller, buyers in found:
        for index, (true_seller, true_buyers) in enumerate(unmatched):
            a, b = set(buyers), set(true_buyers)
            if seller == true_seller and len(a & b) / len(a | b) >= min_jaccard:
                hits += 1
                del unmatched[index]
                break
    return {
        "found": float(len(found)),
        "true": float(len(truth)),
        "precision": hits / len(found) if found else 0.0,
        "recall": hits / len(truth) if truth else 0.0,
    }


def ring_layout(nodes: list[dict], edges: list[dict], *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions for drawing a ring: networkx's spring layout, deterministic for a seed."""
    graph = nx.Graph()
    graph.add_nodes_from(node["id"] for node in nodes)
    graph.add_edges_from((edge["source"], edge["target"]) for edge in edges)
    positions = nx.spring_layout(graph, seed=seed)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}
