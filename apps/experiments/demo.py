"""A demo experiment with simulated, attributed traffic, so the results page has numbers.

The traffic follows stated assumptions (`DemoAssumptions`), not data: per shopper visit one
recommendation list is served (through `experiment_assign` and `exposure_record`, as the
recommendations engine does), an impression is sent, a click follows with the arm's
click-through rate, an add-to-cart and a purchase follow a click with fixed probabilities.
Every event goes through `events_ingest`, so attribution runs exactly as for real storefronts.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Product
from apps.customers.models import MerchantCustomer
from apps.events.services import EventRow, events_ingest
from apps.experiments.models import Experiment
from apps.experiments.services import (
    VariantSpec,
    experiment_assign,
    experiment_create,
    experiment_start,
    exposure_record,
)
from apps.merchants.models import Merchant

DEMO_KEY = "blend-vs-popularity"
SURFACE = "recommendations"
SHOPPERS_PER_TRANSACTION = 200


@dataclass(frozen=True)
class DemoAssumptions:
    """The simulated effect: the hybrid blend (control) is clicked more than popularity."""

    click_through: dict[str, float] = field(default_factory=lambda: {"control": 0.09, "popularity": 0.07, "holdout": 0.09})
    add_to_cart_after_click: float = 0.35
    purchase_after_click: float = 0.25
    visits_per_shopper: tuple[int, int] = (1, 4)
    items_per_list: int = 6


@dataclass(frozen=True)
class DemoSummary:
    experiment: Experiment
    exposures: int
    events: int


def demo_experiment_create(*, merchant: Merchant, started_days_ago: int) -> Experiment:
    """The running "Blend vs popularity" experiment of `merchant`, started `started_days_ago` days ago."""
    experiment = experiment_create(
        actor=None, key=DEMO_KEY, name="Blend vs popularity", surface=SURFACE, merchant_id=merchant.pk, source="command",
        description="Is the hybrid blend worth its cost over plain popularity? Keep the blend if shoppers "
                    "click its lists more often (a +/-25% change from a 20% click-through is worth knowing).",
        holdout_share=0.1, primary_metric=Experiment.Metric.CLICK_THROUGH, baseline_rate=0.2,
        minimum_detectable_effect=0.25,
        variants=[VariantSpec("control", "Hybrid blend", 1.0, {}, True),
                  VariantSpec("popularity", "Popularity", 1.0, {"strategy": "popularity"}, False)],
    )
    experiment_start(actor=None, experiment=experiment, source="command")
    # Demo data only: the simulated traffic begins in the past, so the experiment does too.
    started = timezone.now() - timedelta(days=started_days_ago)
    Experiment.objects.filter(pk=experiment.pk).update(started_at=started)
    experiment.refresh_from_db()
    return experiment


def demo_traffic_simulate(
    *, experiment: Experiment, shoppers: int, days: int, seed: int, assumptions: DemoAssumptions = DemoAssumptions(),
    progress: Callable[[int], None] = lambda n: None,
) -> DemoSummary:
    """Serve lists to `shoppers` shoppers over the last `days` days and send their events."""
    rng = random.Random(seed)
    merchant = experiment.merchant
    products = list(Product.objects.filter(merchant=merchant, active=True).values_list("external_id", "price")[:500])
    if not products:
        raise ValueError(f"{merchant} has no active products to recommend")
    known = list(MerchantCustomer.objects.filter(merchant=merchant).values_list("customer__external_id", flat=True)
                 .order_by("customer__external_id")[:shoppers])
    units = [(c, True) for c in known] + [(f"anon-demo-{i}", False) for i in range(shoppers - len(known))]
    now = timezone.now()
    exposures = events = 0
    for first in range(0, len(units), SHOPPERS_PER_TRANSACTION):
        rows: list[EventRow] = []
        # One transaction per chunk: a commit per served list would make the demo I/O-bound.
        # Attribution runs when each chunk commits (events_created is sent on commit).
        with transaction.atomic():
            for index, (unit_id, is_customer) in enumerate(units[first:first + SHOPPERS_PER_TRANSACTION], start=first):
                assignment = experiment_assign(surface=SURFACE, unit_id=unit_id, merchant_id=merchant.pk)
                arm = assignment.variant_key if assignment else "control"
                visits = sorted(now - timedelta(seconds=rng.uniform(60, days * 86400))
                                for _ in range(rng.randint(*assumptions.visits_per_shopper)))
                for visit, at in enumerate(visits):
                    shown = rng.sample(products, min(assumptions.items_per_list, len(products)))
                    rid = exposure_record(assignment=assignment, surface=SURFACE, unit_id=unit_id,
                                          merchant_id=merchant.pk, items=[p for p, _ in shown], at=at)
                    exposures += 1
                    rows += _visit_rows(rng, assumptions, arm, shown,
                                        _VisitEvents(f"xdemo-{index}-{visit}", at, rid, unit_id, is_customer,
                                                     merchant.external_id))
            events += _send(rows, merchant)
        progress(min(SHOPPERS_PER_TRANSACTION, len(units) - first))
    return DemoSummary(experiment=experiment, exposures=exposures, events=events)


@dataclass(frozen=True)
class _VisitEvents:
    """The events of one simulated visit, all carrying the visit's recommendation id."""

    base: str
    at: datetime
    recommendation_id: str
    unit_id: str
    is_customer: bool
    merchant_external_id: str

    def row(self, kind: str, seconds_after: int, product: str = "", value: Decimal | None = None) -> EventRow:
        who = {"customer_external_id": self.unit_id} if self.is_customer else {"anonymous_id": self.unit_id}
        return EventRow(external_id=f"{self.base}-{kind}", type=kind, timestamp=self.at + timedelta(seconds=seconds_after),
                        session_id=self.base, product_external_id=product, value=value,
                        recommendation_id=self.recommendation_id, merchant_external_id=self.merchant_external_id, **who)


def _visit_rows(rng: random.Random, assumptions: DemoAssumptions, arm: str, shown: list[tuple[str, Decimal]],
                visit: _VisitEvents) -> list[EventRow]:
    """An impression, then a click with the arm's click-through rate, then maybe a cart and a purchase."""
    rows = [visit.row("impression", 0)]
    if rng.random() < assumptions.click_through[arm]:
        product, price = rng.choice(shown)
        rows.append(visit.row("click", 5, product))
        if rng.random() < assumptions.add_to_cart_after_click:
            rows.append(visit.row("add_to_cart", 60, product))
        if rng.random() < assumptions.purchase_after_click:
            rows.append(visit.row("purchase", 300, product, price))
    return rows


def _send(rows: list[EventRow], merchant: Merchant) -> int:
    if not rows:
        return 0
    result = events_ingest(rows=rows, allowed_merchant_ids=[merchant.pk])
    if result.errors:
        raise ValueError(f"demo events refused: {result.errors[:3]}")
    return result.created
