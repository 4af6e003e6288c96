"""Experiments for tests, built through the services (so validation and audit run as in use)."""
from __future__ import annotations

import itertools

from apps.experiments.models import Experiment
from apps.experiments.services import VariantSpec, experiment_create, experiment_start
from apps.merchants.models import Merchant

_numbers = itertools.count(1)

BLEND_VS_POPULARITY = [
    VariantSpec("control", "Default blend", 1.0, {}, True),
    VariantSpec("popularity", "Popularity", 1.0, {"strategy": "popularity"}, False),
]


def make_experiment(
    merchant: Merchant | None, *, running: bool = False, key: str | None = None, holdout_share: float = 0.0,
    variants: list[VariantSpec] | None = None, surface: str = "recommendations", **fields,
) -> Experiment:
    owner = merchant.external_id.lower() if merchant else "platform"
    experiment = experiment_create(
        actor=None, key=key or f"exp-{owner}-{next(_numbers)}", name=f"Blend test of {owner}", surface=surface,
        merchant_id=merchant.pk if merchant else None, variants=variants or BLEND_VS_POPULARITY,
        holdout_share=holdout_share, source="command", **fields,
    )
    if running:
        experiment_start(actor=None, experiment=experiment, source="command")
    return experiment
