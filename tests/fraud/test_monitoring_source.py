"""The fraud model is monitored from its assessments: features in the version's order, its scores, labelled quality."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from apps.fraud.models import Assessment
from apps.fraud.monitoring import recent_fraud_predictions
from apps.mlops.services import ModelCard, model_register
from tests.fraud.case_factories import make_assessment

pytestmark = pytest.mark.django_db


def test_assessments_of_the_version_in_the_window_become_the_matrix(merchant_a):
    version = model_register(name="fraud", obj=1, card=ModelCard({}, {}, ["amount", "card_count_1h", "absent"], None, None, {}))
    other = model_register(name="fraud", obj=2, card=ModelCard({}, {}, ["amount"], None, None, {}))
    kept = make_assessment(merchant_a, score=0.8, amount="40.00")
    old = make_assessment(merchant_a, score=0.3)
    rules_only = make_assessment(merchant_a, score=0.6)
    Assessment.objects.filter(pk__in=[kept.pk, old.pk]).update(model_version=version)
    Assessment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    Assessment.objects.filter(pk=rules_only.pk).update(model_version=other, ml_score=None)
    kept.payment.is_fraud = True
    kept.payment.save()
    now = timezone.now() + timedelta(seconds=1)
    recent = recent_fraud_predictions(version, now - timedelta(days=1), now, 100)
    assert recent.names == ["amount", "card_count_1h", "absent"]
    assert recent.matrix[0, :2].tolist() == [40.0, 7.0] and np.isnan(recent.matrix[0, 2])
    assert recent.scores.tolist() == [0.8]
    assert recent.performance == {"precision": 1.0, "recall": 1.0}
