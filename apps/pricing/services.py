"""Writing price suggestions: from the production fair price model, else the category's quartiles.

Suggestions are a cache of what the model (or the fallback) says about each listing. Only the
refresh path writes them: the trainer after a promotion (every active listing), the hourly beat job
`pricing.refresh_suggestions` and `manage.py refresh_price_suggestions` (listings without a current
one). Both upsert on the product, so a refresh is idempotent and two concurrent ones leave one row.
Reading a product (page or API) never writes: without a current stored suggestion it computes one
in memory and shows it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from apps.catalog.models import Product
from apps.mlops.models import ModelVersion
from apps.mlops.selectors import production_model, production_version
from apps.pricing.models import PriceSuggestion
from apps.pricing.selectors import category_prices, priced_products, product_frame
from ml.risk.fair_price import FairPriceModel, place_in_range, price_position

logger = logging.getLogger(__name__)
MODEL_NAME = "fair_price"
CATEGORY_SUGGESTION_MAX_AGE = timedelta(hours=6)
"""Without a model, a listing's quartile range is recomputed after 6 hours (the market moves)."""
BATCH = 2000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Predictor:
    """What suggestions come from: a loaded model and its registry version, or None (the fallback)."""

    model: FairPriceModel | None
    version: ModelVersion | None

    @classmethod
    def production(cls) -> Predictor:
        loaded = production_model(name=MODEL_NAME)
        return cls(model=loaded[1], version=loaded[0]) if loaded else cls(model=None, version=None)


def _money(value: float) -> Decimal:
    return max(CENT, Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def _rows(products: list[Product], predictor: Predictor, *, now: datetime) -> list[PriceSuggestion]:
    if predictor.model is not None:
        frame = product_frame(Product.objects.filter(pk__in=[p.pk for p in products]), now=now)
        predicted = predictor.model.predict(frame)
        return [
            PriceSuggestion(
                product_id=pk,
                low=_money(row.low),
                mid=_money(row.mid),
                high=_money(row.high),
                source=PriceSuggestion.Source.MODEL,
                model_version=predictor.version,
                computed_at=now,
            )
            for pk, row in predicted.iterrows()
        ]
    quartiles = category_prices()
    rows = []
    for product in products:
        found = quartiles.lookup(product.category.path if product.category else "")
        if found is None:
            continue
        rows.append(
            PriceSuggestion(
                product_id=product.pk,
                low=_money(found.low),
                mid=_money(found.mid),
                high=_money(found.high),
                source=PriceSuggestion.Source.CATEGORY,
                category_level=found.level,
                comparables=found.count,
                computed_at=now,
            )
        )
    return rows


def suggestions_refresh(
    *, products: QuerySet[Product] | None = None, predictor: Predictor | None = None, now: datetime | None = None
) -> int:
    """Recompute and store the suggestions of `products` (default: every active priced listing).

    Returns how many were written. The trainer passes the model it just promoted; other callers
    get the production model, or the category quartiles when there is none.
    """
    predictor = predictor or Predictor.production()
    now = now or timezone.now()
    listings = list((products if products is not None else priced_products()).select_related("category").order_by("pk"))
    written = 0
    with transaction.atomic():
        for start in range(0, len(listings), BATCH):
            rows = _rows(listings[start : start + BATCH], predictor, now=now)
            PriceSuggestion.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["product"],
                update_fields=["low", "mid", "high", "source", "model_version", "category_level", "comparables", "computed_at"],
            )
            written += len(rows)
    return written


def _current_q(production: ModelVersion | None, now: datetime, *, prefix: str = "") -> Q:
    """A suggestion still worth showing: from the production model, or (none) a fresh category range."""
    if production is not None:
        return Q(**{f"{prefix}source": PriceSuggestion.Source.MODEL, f"{prefix}model_version": production})
    return Q(
        **{f"{prefix}source": PriceSuggestion.Source.CATEGORY, f"{prefix}computed_at__gt": now - CATEGORY_SUGGESTION_MAX_AGE}
    )


def suggestions_refresh_outdated(*, now: datetime | None = None) -> int:
    """Store a suggestion for every active priced listing that has no current one; returns how many.

    What the beat job and the management command run: new listings, a fallback range past its
    6 hours, or rows of a model that is no longer in production. Current rows are left alone, so
    the hourly run costs little when nothing changed.
    """
    now = now or timezone.now()
    predictor = Predictor.production()
    outdated = priced_products().exclude(_current_q(predictor.version, now, prefix="price_suggestion__"))
    return suggestions_refresh(products=outdated, predictor=predictor, now=now)


def suggestion_for_product(*, product: Product) -> PriceSuggestion | None:
    """The product's current suggestion: the stored one, else one computed now and not stored.

    A read never writes (GET pages and API calls must not): the refresh path stores rows. None when
    nothing can be suggested (no priced listing anywhere). A failure while computing is logged and
    answered with the stored (older) suggestion, if any: a product page never fails on it.
    """
    now = timezone.now()
    current = _current_q(production_version(name=MODEL_NAME), now)
    stored = (
        PriceSuggestion.objects.select_related("model_version")
        .filter(product=product)
        .annotate(is_current=ExpressionWrapper(current, output_field=BooleanField()))
        .first()
    )
    if stored is not None and stored.is_current:
        return stored
    try:
        computed = _rows([product], Predictor.production(), now=now)
    except Exception:  # a broken artifact or feature bug degrades to the last known range
        logger.exception("could not compute the fair price of product %s", product.pk)
        return stored
    return computed[0] if computed else stored


def model_error(version: ModelVersion | None) -> dict[str, Any]:
    """The held-out (cross-validated) figures a suggestion is shown with (the model card's metrics)."""
    if version is None:
        return {}
    metrics = version.metrics or {}
    keys = ("mae", "mape", "coverage", "coverage_target", "baseline_mape", "test_rows")
    return {key: metrics[key] for key in keys if metrics.get(key) is not None}


@dataclass(frozen=True)
class FairPrice:
    """A product's suggestion as the product page and the API show it."""

    product: Product
    suggestion: PriceSuggestion | None

    @property
    def available(self) -> bool:
        return self.suggestion is not None

    @property
    def position(self) -> str | None:
        if self.suggestion is None:
            return None
        return price_position(float(self.product.price), float(self.suggestion.low), float(self.suggestion.high))

    @property
    def place(self) -> float | None:
        """0..1 along the drawn range (slightly beyond for a price outside it), for the marker."""
        if self.suggestion is None:
            return None
        return place_in_range(float(self.product.price), float(self.suggestion.low), float(self.suggestion.high))

    @property
    def error(self) -> dict[str, Any]:
        return model_error(self.suggestion.model_version) if self.suggestion is not None else {}


def fair_price_for(*, product: Product) -> FairPrice:
    return FairPrice(product=product, suggestion=suggestion_for_product(product=product))
