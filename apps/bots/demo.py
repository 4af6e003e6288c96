"""Planting the demo's bot sessions (`manage.py seed_bot_sessions`) into the stored events.

The sessions come from `ml.simulate.bots` over the last `days` days of the stored history, on
each merchant's own active products; cart hoarders log in with accounts drawn (seeded) from the
stored customers. Rows are inserted with their external ids and existing ids are skipped, so
planting twice adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.catalog.models import Product
from apps.customers.models import Customer, link_customers
from apps.events.models import Event
from ml.simulate.bots import plant_bot_sessions

BOT_ACCOUNTS = 12


@dataclass(frozen=True)
class PlantSummary:
    sessions: int
    events: int
    created: int


def bot_sessions_plant(*, sessions: int, days: int, seed: int) -> PlantSummary:
    end = Event.objects.aggregate(last=Max("timestamp"))["last"] or timezone.now()
    products: dict[int, list[int]] = {}
    for merchant_id, product_id in Product.objects.filter(active=True).order_by("pk").values_list("merchant_id", "pk"):
        products.setdefault(merchant_id, []).append(product_id)
    if not products:
        raise ValueError("no active products: seed the marketplace first (`manage.py seed_demo`)")
    customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    rng = np.random.default_rng(seed)
    accounts = rng.choice(customer_ids, size=min(BOT_ACCOUNTS, len(customer_ids)), replace=False).tolist() if customer_ids else []
    planted = plant_bot_sessions(
        sessions=sessions,
        start=pd.Timestamp(end - timedelta(days=days)),
        end=pd.Timestamp(end),
        products=products,
        customers=accounts,
        seed=seed,
    )
    rows = [
        Event(
            external_id=row.external_id,
            merchant_id=row.merchant,
            customer_id=None if pd.isna(row.customer) else int(row.customer),
            anonymous_id=row.anonymous_id,
            session_id=row.session_id,
            type=row.type,
            product_id=None if pd.isna(row.product) else int(row.product),
            timestamp=row.timestamp.floor("us").to_pydatetime(),
            properties={"device": "desktop"},
        )
        for row in planted.itertuples()
    ]
    with transaction.atomic():
        before = Event.objects.filter(external_id__in=[r.external_id for r in rows]).count()
        Event.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        link_customers({(r.merchant_id, r.customer_id) for r in rows if r.customer_id})
    return PlantSummary(sessions=int(planted["session_id"].nunique()), events=len(rows), created=len(rows) - before)
