"""The sentiment scorer reviews are analysed with: the registry's "sentiment" model, else VADER.

A missing or unloadable model (production_model answers None) never stops analysis: reviews
are scored by VADER with the marketplace lexicon and the stored analysis names which scorer
wrote it, so a later backfill can re-score them with the trained model.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache

from apps.mlops.selectors import production_model
from apps.reviews.models import Review
from ml.text.aspects import AspectLexicon, learn_aspects
from ml.text.sentiment import DOMAIN_LEXICON, SentimentScorer, VaderScorer

SENTIMENT_MODEL_NAME = "sentiment"
LEXICON_CACHE_KEY = "reviews:aspect-lexicon:v1"
LEXICON_CACHE_SECONDS = 3600
LEXICON_SAMPLE = 5000
"""Aspects are learnt from the newest reviews of the whole catalog, at most this many."""


@dataclass(frozen=True)
class ActiveScorer:
    scorer: SentimentScorer
    version: str
    """What analyses record as `model_version`: "sentiment v3", or "vader+domain" as the fallback."""


@lru_cache(maxsize=1)
def fallback_scorer() -> VaderScorer:
    return VaderScorer()


def active_scorer() -> ActiveScorer:
    loaded = production_model(name=SENTIMENT_MODEL_NAME)
    if loaded is not None and callable(getattr(loaded[1], "score_many", None)):
        version, model = loaded
        return ActiveScorer(model, f"{version.name} v{version.version}")
    return ActiveScorer(fallback_scorer(), fallback_scorer().name)


def catalog_lexicon() -> AspectLexicon:
    """Seed aspects plus those learnt from the catalog's reviews (cached for an hour)."""
    lexicon = cache.get(LEXICON_CACHE_KEY)
    if lexicon is None:
        texts = Review.objects.exclude(text="").order_by("-created_at").values_list("text", flat=True)[:LEXICON_SAMPLE]
        lexicon = learn_aspects(list(texts), opinion_words=opinion_words())
        cache.set(LEXICON_CACHE_KEY, lexicon, LEXICON_CACHE_SECONDS)
    return lexicon


@lru_cache(maxsize=1)
def opinion_words() -> frozenset[str]:
    """VADER's lexicon and the marketplace words: opinions, never aspects ("lovely", "slow")."""
    return fallback_scorer().lexicon_words | frozenset(DOMAIN_LEXICON)
