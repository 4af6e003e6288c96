"""The scalping classifier trained through the pipeline from analysts' decisions, and served."""
from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from apps.abuse.models import ScalpingFlag
from apps.abuse.services import SCALPING_MODEL, scalping_detect, scalping_score
from apps.fraud.models import Assessment, ReviewCase
from apps.mlops.pipeline import TrainingOptions, TrainingRefused, training_start_and_execute
from ml.risk.scalping import FEATURES
from tests import factories
from tests.abuse.builders import plant_scalpers

pytestmark = pytest.mark.django_db


def _decided_flag(merchant, index: int, *, scalping: bool, rng) -> ScalpingFlag:
    """A flag whose payment's case an analyst decided; confirmed ones share devices and take the drop."""
    now = timezone.now()
    features = {name: float(rng.uniform(0, 2)) for name in FEATURES}
    features |= {"shared_devices": float(rng.integers(1, 3)) if scalping else 0.0,
                 "units_share": float(rng.uniform(0.6, 1) if scalping else rng.uniform(0, 0.4)),
                 "units": 5.0, "accounts": 2.0, "max_account_units": 2.0}
    flag = ScalpingFlag.objects.create(
        merchant=merchant, key=f"k{index}", product=factories.ProductFactory(merchant=merchant), accounts=2, units=5,
        window_start=now, window_end=now, score=0.6, source="rules", reasons=["r"], features=features, detected_at=now,
    )
    payment = factories.PaymentFactory(merchant=merchant)
    assessment = Assessment.objects.create(merchant=merchant, payment=payment, decision="review", score=0.6, flags=["scalping"])
    ReviewCase.objects.create(
        merchant=merchant, assessment=assessment, priority=0.6, sla_due_at=now, status=ReviewCase.Status.DECIDED,
        is_fraud=scalping, outcome="declined_fraud" if scalping else "false_positive",
    )
    flag.payments.set([payment])
    return flag


def test_training_refuses_without_enough_decisions(merchant_a):
    rng = np.random.default_rng(0)
    for i in range(6):
        _decided_flag(merchant_a, i, scalping=i % 2 == 0, rng=rng)
    with pytest.raises(TrainingRefused, match="not enough decided scalping cases: 6"):
        training_start_and_execute(name=SCALPING_MODEL, options=TrainingOptions())


def test_trained_model_is_promoted_and_then_scores_candidates(merchant_a):
    rng = np.random.default_rng(1)
    for i in range(40):
        _decided_flag(merchant_a, i, scalping=i % 2 == 0, rng=rng)
    run, outcome = training_start_and_execute(name=SCALPING_MODEL, options=TrainingOptions(promote=True))
    assert run.status == "succeeded" and outcome.promoted
    metrics = outcome.version.metrics
    assert metrics["roc_auc"] > 0.9 and metrics["test_rows"] == 12
    assert outcome.version.row_counts == {"flags": 40, "confirmed": 20, "cleared": 20, "train": 28}
    # Serving: the production classifier now scores new candidates instead of the rules.
    ScalpingFlag.objects.all().delete()
    plant_scalpers(merchant_a)
    summary = scalping_detect()
    assert summary.source == "model" and summary.model_version == outcome.version.version
    flag = ScalpingFlag.objects.get()
    assert flag.reasons[0].startswith("classifier probability") and flag.model_version == outcome.version


def test_rules_score_when_no_model_is_in_production():
    import pandas as pd

    scores, source, version = scalping_score(pd.DataFrame())
    assert (len(scores), source, version) == (0, "rules", None)
