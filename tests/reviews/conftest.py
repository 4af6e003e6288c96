"""Reviews with known wording and dates, and caches cleared so each test learns its own aspects and topics."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.mlops import selectors
from tests import factories

POSITIVE_TEXTS = (
    "Lovely mug, the print is crisp. Delivery was fast.",
    "Beautiful engraving and great value for money.",
    "Perfect gift, the seller was really helpful.",
)
NEGATIVE_TEXTS = (
    "The name was spelled wrong. Slow delivery with no tracking updates.",
    "Poor packaging, the mug arrived damaged.",
    "Terrible quality, the print faded after one wash.",
)
NEUTRAL_TEXTS = ("It is a mug.", "Arrived on Tuesday in a box.", "Average mug, nothing special.")


@pytest.fixture(autouse=True)
def fresh_caches(settings, tmp_path):
    """No learnt lexicon, topic model or loaded model from another test; no sentence corpus on disk."""
    settings.REVIEWS_SENTENCE_CORPUS = tmp_path / "absent.tar.gz"
    cache.clear()
    selectors._cache.clear()
    yield
    cache.clear()


def make_reviews(product, texts_and_ratings, *, start=None, step=timedelta(hours=6)):
    """Reviews of `product` written `step` apart from `start` (default: 30 days ago)."""
    moment = start or timezone.now() - timedelta(days=30)
    reviews = []
    for index, (text, rating) in enumerate(texts_and_ratings):
        reviews.append(
            factories.ReviewFactory(
                merchant=product.merchant, product=product, rating=rating, title="", text=text,
                created_at=moment + index * step,
            )
        )
    return reviews


def rated_texts(repeat: int = 1) -> list[tuple[str, int]]:
    rows = [(t, 5) for t in POSITIVE_TEXTS] + [(t, 1) for t in NEGATIVE_TEXTS] + [(t, 3) for t in NEUTRAL_TEXTS]
    return rows * repeat
