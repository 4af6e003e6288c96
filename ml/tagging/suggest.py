"""Suggestions for one product: vocabulary matches and model predictions, merged.

When both sources name the same value, their confidences combine as independent evidence
(noisy-or: 1 - (1 - a)(1 - b)), so agreement ranks above either source alone. Without a
model (none trained yet, or the registry cannot load it) the vocabulary alone answers, which
covers every family except the category.
"""
from __future__ import annotations

from ml.tagging.model import TaggingModel
from ml.tagging.vocabulary import FAMILIES, Suggestion, match_vocabulary


def merge_suggestions(*groups: list[Suggestion]) -> list[Suggestion]:
    merged: dict[tuple[str, str], Suggestion] = {}
    for group in groups:
        for suggestion in group:
            key = (suggestion.family, suggestion.value)
            seen = merged.get(key)
            if seen is None:
                merged[key] = suggestion
            else:
                confidence = 1 - (1 - seen.confidence) * (1 - suggestion.confidence)
                sources = "+".join(sorted({*seen.source.split("+"), *suggestion.source.split("+")}, reverse=True))
                merged[key] = Suggestion(suggestion.family, suggestion.value, round(confidence, 3), sources)
    return sorted(merged.values(), key=lambda s: (FAMILIES.index(s.family), -s.confidence, s.value))


def suggest_tags(
    *, title: str, description: str = "", category: str | None = None, model: TaggingModel | None = None
) -> list[Suggestion]:
    vocabulary = match_vocabulary(title=title, description=description)
    if model is None:
        return merge_suggestions(vocabulary)
    return merge_suggestions(vocabulary, model.predict(title=title, description=description, category=category))
