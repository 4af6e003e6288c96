from __future__ import annotations

import pytest

from apps.mlops.pipeline import TrainingOptions, training_start_and_execute
from tests.pricing.builders import plant_catalog


@pytest.fixture
def catalog(merchant_a, merchant_b):
    return plant_catalog([merchant_a, merchant_b])


@pytest.fixture
def trained(catalog):
    """A promoted fair price model trained on both merchants' catalogs."""
    _, outcome = training_start_and_execute(name="fair_price", options=TrainingOptions(promote=True))
    return outcome
