from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.mlops.pipeline import TrainingOptions, TrainingOutcome, training_start_and_execute
from tests.segments.builders import PlantedShop, plant_shop


@dataclass(frozen=True)
class Trained:
    shop_a: PlantedShop
    shop_b: PlantedShop
    outcome: TrainingOutcome


@pytest.fixture
def planted(merchant_a, merchant_b) -> tuple[PlantedShop, PlantedShop]:
    return plant_shop(merchant_a, prefix="A", number_base=700000), plant_shop(merchant_b, prefix="B", number_base=800000, seed=2)


@pytest.fixture
def trained(planted) -> Trained:
    """Both shops and the platform-wide scope segmented by one pipeline run."""
    _, outcome = training_start_and_execute(name="segments", options=TrainingOptions())
    return Trained(shop_a=planted[0], shop_b=planted[1], outcome=outcome)
