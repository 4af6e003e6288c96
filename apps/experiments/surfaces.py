"""The surfaces experiments can run on, and what variant params each accepts.

A capability that wants experiments adds its surface here with a params validator; the
framework (assignment, exposures, attribution, results) is the same for every surface.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from django.core.exceptions import ValidationError

RECOMMENDATION_STRATEGIES = frozenset({"popularity"})


def recommendations_params(params: dict) -> dict:
    """`{}` (the default blend), `{"weights": {source: float >= 0}}` or `{"strategy": "popularity"}`."""
    if not isinstance(params, dict):
        raise ValidationError("Params must be a JSON object.")
    unknown = set(params) - {"weights", "strategy"}
    if unknown:
        raise ValidationError(f"Unknown params: {', '.join(sorted(unknown))} (use weights or strategy).")
    if "weights" in params and "strategy" in params:
        raise ValidationError("Give either weights or a strategy, not both.")
    if "strategy" in params and params["strategy"] not in RECOMMENDATION_STRATEGIES:
        raise ValidationError(f"Unknown strategy {params['strategy']!r}; known: {', '.join(sorted(RECOMMENDATION_STRATEGIES))}.")
    if "weights" in params:
        weights = params["weights"]
        if not isinstance(weights, dict) or not weights:
            raise ValidationError("weights must be a non-empty object of source name to weight.")
        cleaned: dict[str, float] = {}
        for source, weight in weights.items():
            if not isinstance(source, str) or not source.strip():
                raise ValidationError("Source names must be non-empty strings.")
            if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight < 0:
                raise ValidationError(f"The weight of {source!r} must be a non-negative number.")
            cleaned[source] = float(weight)
        return {"weights": cleaned}
    return dict(params)


SURFACES: dict[str, Callable[[dict], dict]] = {
    "recommendations": recommendations_params,
}


def surface_params_clean(surface: str, params: dict) -> dict:
    """The validated params of a variant on `surface` (ValidationError on "params" otherwise)."""
    if surface not in SURFACES:
        raise ValidationError({"surface": [f"Unknown surface {surface!r}; known: {', '.join(sorted(SURFACES))}."]})
    try:
        return SURFACES[surface](params)
    except ValidationError as error:
        raise ValidationError({"params": error.messages}) from error
