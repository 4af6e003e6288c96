"""Answering recommendation requests fast: cached answers, the per-process model, live filters.

A cold answer costs a handful of indexed queries (the production version, the shopper's recent
events, their segment when segments exist, the live state of the ~dozen items about to be shown)
plus numpy work on catalogue-sized arrays. Answers are cached per shopper under a generation
token that every new event of the shopper replaces (apps.recommendations.live).
Without a production model (none trained, or its artifact broken) the answer is the most popular
available items, never an error.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from apps.catalog.models import Category, Product
from apps.customers.models import Customer
from apps.events.models import Event
from apps.mlops.canary import canary_arm, canary_observe, model_for
from apps.mlops.selectors import production_model
from apps.recommendations import integrations, live
from apps.recommendations.access import CustomerRef, ProductRef
from apps.recommendations.conf import setting
from apps.recommendations.selectors import MODEL_NAME, POSITIVE_TYPES, products_by_id, products_state, shopper_history
from ml.recs.blend import BLENDED_SOURCES
from ml.recs.catalogue import TYPE_RANK, Shopper, shopper_build
from ml.recs.interactions import EVENT_WEIGHTS
from ml.recs.model import Recommendation, RecsModel

FALLBACK_DAYS = 30
FALLBACK_POOL = 200
FALLBACK_SECONDS = 300
LIVE_CHECK_ROUNDS = 3
MODEL_CHECK_SECONDS = 5.0
"""A promotion reaches every web process within this many seconds."""
_masks: dict[tuple, np.ndarray] = {}
_production: dict = {"checked": float("-inf"), "version": None, "model": None}


@dataclass(frozen=True)
class Scope:
    """Whose products may be shown: `merchant_ids` None means every merchant's."""

    merchant_ids: tuple[int, ...] | None

    @property
    def single(self) -> int | None:
        """The storefront's merchant when the caller is a single-merchant storefront."""
        return self.merchant_ids[0] if self.merchant_ids is not None and len(self.merchant_ids) == 1 else None

    @property
    def key(self) -> str:
        if self.merchant_ids is None:
            return "all"
        return hashlib.sha1(",".join(map(str, sorted(self.merchant_ids))).encode()).hexdigest()[:12]


def _loaded() -> tuple[int | None, RecsModel | None]:
    """The production model, looked up at most every MODEL_CHECK_SECONDS per process (a query saved per request)."""
    now = time.monotonic()
    if _production["checked"] + MODEL_CHECK_SECONDS > now:
        return _production["version"], _production["model"]
    found = production_model(name=MODEL_NAME)
    version, model = (found[0].version, found[1]) if found and isinstance(found[1], RecsModel) else (None, None)
    _production.update(checked=now, version=version, model=model)
    return version, model


def production_forget() -> None:
    """Look the production model up again on the next request (after a promotion, in tests)."""
    _production.update(checked=float("-inf"), version=None, model=None)


def _cached_mask(model: RecsModel, version: int, name: str, build: Callable[[], np.ndarray]) -> np.ndarray:
    """Per-process masks that only depend on the model version and the scope (or settings)."""
    key = (id(model), version, name)
    if key not in _masks:
        if len(_masks) > 256:
            _masks.clear()
        _masks[key] = build()
    return _masks[key]


def _scope_mask(model: RecsModel, version: int, scope: Scope) -> np.ndarray:
    def build() -> np.ndarray:
        allowed = model.catalogue.available.copy()
        if scope.merchant_ids is not None:
            allowed &= np.isin(model.catalogue.merchants, scope.merchant_ids)
        return allowed

    return _cached_mask(model, version, f"scope:{scope.key}", build)


def _replenishable(model: RecsModel, version: int) -> np.ndarray:
    prefixes = tuple(setting("REPLENISHABLE_CATEGORIES"))
    return _cached_mask(
        model, version, f"replenish:{prefixes}",
        lambda: np.array([str(path).startswith(prefixes) for path in model.catalogue.categories], dtype=bool),
    )


def _shopper(model: RecsModel, history: list, *, session_id: str, segment: str | None) -> Shopper:
    index, now = model.catalogue.index, timezone.now()
    known = [(index[p], kind, moment) for p, kind, moment in history if p in index]
    items = np.array([i for i, _, _ in known], dtype=np.int64)
    ages = np.array([max((now - moment).total_seconds(), 0.0) / 86400 for _, _, moment in known], dtype=np.float64)
    weights = np.array([EVENT_WEIGHTS[kind] for _, kind, _ in known], dtype=np.float64) * 0.5 ** (ages / model.half_life_days)
    ranks = np.array([TYPE_RANK[kind] for _, kind, _ in known], dtype=np.int64)
    session = [index[p] for p in live.session_products(session_id) if p in index]
    return shopper_build(items, weights, ranks, session=np.array(session, dtype=np.int64), segment=segment)


def _live_filtered(
    model: RecsModel, allowed: np.ndarray, scope: Scope, rank: Callable[[np.ndarray], list[Recommendation]]
) -> list[Recommendation]:
    """Rank, then re-check the picked items' live state; unavailable ones are masked and the ranking redone."""
    allowed = allowed.copy()
    for _ in range(LIVE_CHECK_ROUNDS):
        picked = rank(allowed)
        ids = [int(model.catalogue.ids[r.item]) for r in picked]
        state = products_state(product_ids=ids)
        gone = [
            r.item for r, pk in zip(picked, ids, strict=True)
            if pk not in state or not state[pk][0] or state[pk][1] <= 0
            or (scope.merchant_ids is not None and state[pk][2] not in scope.merchant_ids)
        ]
        if not gone:
            return picked
        allowed[gone] = False
    return [r for r in rank(allowed) if r.item not in gone]


def _items_payload(model: RecsModel, picked: list[Recommendation]) -> list[dict]:
    catalogue = model.catalogue
    return [
        {
            "product_id": str(catalogue.external_ids[r.item]),
            "title": str(catalogue.titles[r.item]),
            "category": str(catalogue.categories[r.item]),
            "score": r.score,
            "reasons": r.reasons,
            "sources": r.contributions,
        }
        for r in picked
    ]


def _popular_ids(scope: Scope, *, category_id: int | None = None) -> list[int]:
    """Most-interacted available products of the scope over the last month (cached): the no-model answer."""
    key = f"recs:popular:{scope.key}:{category_id or 0}"
    found = cache.get(key)
    if found is not None:
        return found
    since = timezone.now() - timedelta(days=FALLBACK_DAYS)
    events = Event.objects.filter(type__in=POSITIVE_TYPES, timestamp__gte=since, product__active=True, product__stock__gt=0)
    if scope.merchant_ids is not None:
        events = events.filter(product__merchant_id__in=scope.merchant_ids)
    if category_id is not None:
        events = events.filter(product__category_id=category_id)
    ranked = events.values("product_id").annotate(n=Count("id")).order_by("-n", "product_id")[:FALLBACK_POOL]
    found = [row["product_id"] for row in ranked]
    cache.set(key, found, FALLBACK_SECONDS)
    return found


def _fallback_items(scope: Scope, *, exclude: set[int], limit: int, category_id: int | None = None, reason: str) -> list[dict]:
    ids = [pk for pk in _popular_ids(scope, category_id=category_id) if pk not in exclude][: limit * 2]
    products = products_by_id(product_ids=ids)
    shown = [products[pk] for pk in ids if pk in products and products[pk].active and products[pk].stock > 0][:limit]
    count = len(shown)
    return [
        {
            "product_id": p.external_id,
            "title": p.title,
            "category": p.category.path if p.category else "",
            "score": round(1 - position / max(count, 1), 4),
            "reasons": [reason],
            "sources": {"popularity": round(1 - position / max(count, 1), 4)},
        }
        for position, p in enumerate(shown)
    ]


def _purchased_ids(history: list) -> set[int]:
    return {p for p, kind, _ in history if kind == "purchase"}


def user_recommendations(
    *,
    customer: Customer | CustomerRef,
    scope: Scope,
    limit: int = 10,
    session_id: str = "",
    include_purchased: bool = False,
    preview: bool = False,
) -> dict:
    """The shopper's list (cached until their next event), with reasons, model version and experiment variant.

    `preview` (the portal's "try it") computes afresh with the default blend and records no
    experiment exposure, so staff looking at a shopper never count as that shopper being served.
    """
    started = time.perf_counter()
    arm = canary_arm(MODEL_NAME, customer.external_id)  # a canary change must not serve answers cached before it
    key = f"recs:u:{customer.pk}:{scope.key}:{limit}:{session_id}:{int(include_purchased)}:{arm}"
    generation, cached = live.generation_and(customer.pk, key)
    if cached is not None and not preview and cached["generation"] == generation:
        return {**cached["payload"], "cached": True}
    assignment = None if preview else integrations.experiment_assign(unit_id=customer.external_id, merchant_id=scope.single)
    strategy, weights = integrations.blend_for(assignment, set(BLENDED_SOURCES))
    version, model = model_for(MODEL_NAME, customer.external_id, production=_loaded,  # canary routing (docs/models.md)
                               adapt=lambda canary, found: (canary.version, found) if isinstance(found, RecsModel) else None)
    history = shopper_history(customer_id=customer.pk)
    if model is None:
        exclude = set() if include_purchased else _purchased_ids(history)
        items = _fallback_items(scope, exclude=exclude, limit=limit, reason="Popular right now")
        strategy = "popularity"
    else:
        segment = integrations.customer_segment_name(customer_id=customer.pk, merchant_id=scope.single)
        shopper = _shopper(model, history, session_id=session_id, segment=segment)
        allowed = _scope_mask(model, version, scope).copy()
        if not include_purchased and len(shopper.purchased):
            bought = np.zeros(len(allowed), dtype=bool)
            bought[shopper.purchased] = True
            allowed &= ~(bought & ~_replenishable(model, version))
        picked = _live_filtered(
            model, allowed, scope,
            lambda mask: model.recommend(shopper, allowed=mask, limit=limit, weights=weights, strategy=strategy),
        )
        items = _items_payload(model, picked)
    payload = {
        "customer_id": customer.external_id,
        "items": items,
        "model_version": version,
        "strategy": strategy,
        "experiment": getattr(assignment, "experiment_key", None),
        "variant": getattr(assignment, "variant_key", None),
        "recommendation_id": "" if preview else integrations.exposure_record(
            assignment=assignment, unit_id=customer.external_id, merchant_id=scope.single,
            items=[item["product_id"] for item in items],
        ),
        "generated_at": timezone.now().isoformat(),
    }
    if not preview:
        cache.set(key, {"generation": generation, "payload": payload}, setting("CACHE_SECONDS"))
        canary_observe(name=MODEL_NAME, version=version, score=items[0].get("score") if items else None,
                       decision=strategy, latency_ms=(time.perf_counter() - started) * 1000)
    return {**payload, "cached": False}


def similar_products(*, product: Product | ProductRef, scope: Scope, limit: int = 10) -> dict:
    """Items like `product` among the scope's available products.

    A product newer than the model gets its category's trending items (cold start).
    """
    key = f"recs:similar:{product.pk}:{scope.key}:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return {**cached, "cached": True}
    version, model = _loaded()
    if model is None:
        items = _fallback_items(scope, exclude={product.pk}, limit=limit, category_id=product.category_id,
                                reason="Popular in the same category")
    else:
        allowed = _scope_mask(model, version, scope)
        item = model.catalogue.index.get(product.pk)
        if item is not None:
            picked = _live_filtered(model, allowed, scope, lambda mask: model.similar(item, allowed=mask, limit=limit))
            items = _items_payload(model, picked)
        else:
            items = _new_product_similar(model, product, scope, allowed, limit)
    payload = {"product_id": product.external_id, "items": items, "model_version": version,
               "generated_at": timezone.now().isoformat()}
    cache.set(key, payload, setting("CACHE_SECONDS"))
    return {**payload, "cached": False}


def _new_product_similar(
    model: RecsModel, product: Product | ProductRef, scope: Scope, allowed: np.ndarray, limit: int
) -> list[dict]:
    """Cold start for a product the model has not met: its category's trending items (any category's when unknown)."""
    trending = model.sources["trending"]
    path = Category.objects.filter(pk=product.category_id).values_list("path", flat=True).first() or ""
    same = model.catalogue.categories == path
    mask = allowed & same if path and (allowed & same).any() else allowed
    leaf = path.split(" > ")[-1] if path else ""

    def rank(current: np.ndarray) -> list[Recommendation]:
        scores = np.where(current, trending.within_category if path else trending.overall, -np.inf)
        order = [int(i) for i in np.argsort(-scores, kind="stable")[:limit] if np.isfinite(scores[i]) and scores[i] > 0]
        words = f"Trending in {leaf}" if leaf else "Trending now"
        return [Recommendation(i, round(float(scores[i]), 4), {"trending": round(float(scores[i]), 4)}, [words]) for i in order]

    return _items_payload(model, _live_filtered(model, mask, scope, rank))


def explanation(*, customer: Customer, product: Product, scope: Scope, session_id: str = "") -> dict:
    """Why `product` would (or would not) be shown to the shopper: source contributions, reasons, rank, filters."""
    history = shopper_history(customer_id=customer.pk)
    filters = []
    if product.pk in _purchased_ids(history):
        filters.append("already purchased")
    if not product.active:
        filters.append("inactive")
    if product.stock <= 0:
        filters.append("out of stock")
    if scope.merchant_ids is not None and product.merchant_id not in scope.merchant_ids:
        filters.append("another merchant's product")
    version, model = _loaded()
    payload = {"customer_id": customer.external_id, "product_id": product.external_id, "model_version": version,
               "score": 0.0, "rank": None, "sources": {}, "reasons": [], "filtered": filters}
    item = model.catalogue.index.get(product.pk) if model is not None else None
    if item is None:
        payload["reasons"] = ["No trained model knows this product yet: it can only be shown as a popular or trending item."]
        return payload
    segment = integrations.customer_segment_name(customer_id=customer.pk, merchant_id=scope.single)
    shopper = _shopper(model, history, session_id=session_id, segment=segment)
    allowed = _scope_mask(model, version, scope).copy()
    if "already purchased" in filters and not _replenishable(model, version)[item]:
        allowed[item] = False
    if filters and filters != ["already purchased"]:
        allowed[item] = False
    explained = model.explain(shopper, item, allowed=allowed)
    payload.update(score=explained.score, rank=explained.rank, sources=explained.contributions, reasons=explained.reasons)
    return payload


def scope_for(merchant_ids: list[int] | None, merchant_id: int | None = None) -> Scope:
    """The caller's scope, narrowed to one merchant when they name one (already checked to be theirs)."""
    if merchant_id is not None:
        return Scope((merchant_id,))
    return Scope(None if merchant_ids is None else tuple(sorted(merchant_ids)))

