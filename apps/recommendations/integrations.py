"""The optional capabilities recommendations use when installed: customer segments and experiments.

Both are imported lazily and only when their app is installed, so recommendations work (without
a segment source, with the default blend and a self-made recommendation id) on their own.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any

from django.apps import apps

logger = logging.getLogger(__name__)
SURFACE = "recommendations"


def segments_installed() -> bool:
    return apps.is_installed("apps.segments")


def segment_membership(*, merchant_id: int | None = None) -> dict[int, str]:
    """Customer pk -> current segment name, or {} without the segments capability."""
    if not segments_installed():
        return {}
    from apps.segments.selectors import segment_membership as membership

    return dict(membership(merchant_id=merchant_id) or {})


def customer_segment_name(*, customer_id: int, merchant_id: int | None) -> str | None:
    if not segments_installed():
        return None
    from apps.segments.selectors import customer_segment_name as segment_name

    return segment_name(customer_id=customer_id, merchant_id=merchant_id) or None


def experiments_installed() -> bool:
    return apps.is_installed("apps.experiments")


def experiment_assign(*, unit_id: str, merchant_id: int | None) -> Any | None:
    """The running recommendations experiment's assignment for this shopper, or None."""
    if not experiments_installed():
        return None
    from apps.experiments.services import experiment_assign as assign

    return assign(surface=SURFACE, unit_id=unit_id, merchant_id=merchant_id)


def exposure_record(*, assignment: Any | None, unit_id: str, merchant_id: int | None, items: list[str]) -> str:
    """The recommendation_id storefronts send back with impressions, clicks and purchases.

    With the experiments capability the exposure is stored there (and attributed to the variant);
    without it the id is still unique, so events can name the list they came from.
    """
    if not experiments_installed():
        return uuid.uuid4().hex
    from apps.experiments.services import exposure_record as record

    return record(assignment=assignment, surface=SURFACE, unit_id=unit_id, merchant_id=merchant_id, items=items)


def blend_for(assignment: Any | None, known_sources: set[str]) -> tuple[str, dict[str, float] | None]:
    """(strategy, weights) an assignment asks for: ("blend", None) means the model's own weights.

    A holdout, a missing assignment or parameters naming no known source serve the default.
    """
    if assignment is None or getattr(assignment, "holdout", False):
        return "blend", None
    params = getattr(assignment, "params", None) or {}
    if params.get("strategy") == "popularity":
        return "popularity", None
    weights = params.get("weights")
    if isinstance(weights, dict):
        usable = {
            str(name): float(value)
            for name, value in weights.items()
            if name in known_sources and isinstance(value, int | float) and value >= 0
        }
        if usable:
            return "blend", usable
    logger.warning("experiment %s variant %s: unusable recommendation params %r", getattr(assignment, "experiment_key", "?"),
                   getattr(assignment, "variant_key", "?"), params)
    return "blend", None
