"""Review insights for a product or for a set of merchants: sentiment over time, aspects, topics,
pros and cons, and negative-share alerts. Reads only, scoped by the caller's merchants.

Everything is computed from the stored analyses of the newest reviews in scope (at most
MAX_REVIEWS), so a page costs one query plus the topic model, which is cached per scope until a
review is added or re-analysed.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from django.core.cache import cache
from django.db.models import Max, QuerySet

from apps.core.tenancy import scope_for_user
from apps.reviews.models import Review
from apps.reviews.topic_service import topic_exclusions
from ml.text.sentiment import LABELS, NEGATIVE, POSITIVE
from ml.text.summaries import GENERAL, Opinion, Summary, summarize
from ml.text.topics import TopicModel, fit_topics
from ml.text.trends import TrendAlert, negative_share_alerts, sentiment_series

MAX_REVIEWS = 5000
TOPIC_CACHE_SECONDS = 600
_FIELDS = (
    "pk", "text", "rating", "created_at", "product__external_id", "product__title", "product__category__name",
    "analysis__sentiment", "analysis__score", "analysis__sentences", "analysis__aspects",
)


@dataclass(frozen=True)
class AspectCount:
    aspect: str
    positive: int
    neutral: int
    negative: int

    @property
    def mentions(self) -> int:
        return self.positive + self.neutral + self.negative


@dataclass(frozen=True)
class ProductRow:
    external_id: str
    title: str
    reviews: int
    analysed: int
    positive_share: float | None
    negative_share: float | None

    @property
    def positive_percent(self) -> float | None:
        return None if self.positive_share is None else self.positive_share * 100

    @property
    def negative_percent(self) -> float | None:
        return None if self.negative_share is None else self.negative_share * 100


@dataclass(frozen=True)
class Insights:
    reviews: int
    analysed: int
    average_rating: float | None
    sentiment_counts: dict[str, int]
    series: pd.DataFrame
    """sentiment_series of all reviews in scope (group "all"), one row per week."""
    aspects: list[AspectCount]
    topics: TopicModel | None
    summary: Summary
    alerts: list[TrendAlert]
    products: list[ProductRow] = field(default_factory=list)

    def percent(self, label: str) -> float | None:
        return self.sentiment_counts[label] * 100 / self.analysed if self.analysed else None

    @property
    def positive_percent(self) -> float | None:
        return self.percent(POSITIVE)

    @property
    def negative_percent(self) -> float | None:
        return self.percent(NEGATIVE)

    def as_dict(self) -> dict:
        return {
            "reviews": self.reviews,
            "analysed": self.analysed,
            "average_rating": self.average_rating,
            "sentiment": self.sentiment_counts,
            "over_time": [
                {
                    "week": row.period.date().isoformat(),
                    "reviews": int(row.reviews),
                    "positive": int(row.positive),
                    "negative": int(row.negative),
                    "negative_share": None if pd.isna(row.negative_share) else round(float(row.negative_share), 4),
                }
                for row in self.series.itertuples()
            ],
            "aspects": [vars(a) | {"mentions": a.mentions} for a in self.aspects],
            "topics": self.topics.as_dict() if self.topics else None,
            "summary": self.summary.as_dict(),
            "alerts": [
                {
                    "group": a.group,
                    "week": a.period.date().isoformat(),
                    "negative_share": round(a.negative_share, 4),
                    "upper_band": round(a.upper_band, 4),
                    "reviews": a.reviews,
                }
                for a in self.alerts
            ],
        }


def product_insights(*, user, external_id: str) -> Insights:
    """Insights of one product's reviews; raises Http404 via the caller's product lookup, not here."""
    reviews = scope_for_user(Review.objects.all(), user).filter(product__external_id=external_id)
    return insights_for(reviews, groups=("all", "aspect"), scope_key=f"product:{external_id}")


def merchant_insights(*, user, merchant_ids: list[int] | None = None) -> Insights:
    """Insights over every review the user may see, or only those of `merchant_ids`."""
    reviews = scope_for_user(Review.objects.all(), user)
    if merchant_ids is not None:
        reviews = reviews.filter(merchant_id__in=merchant_ids)
    key = "merchants:" + (",".join(map(str, sorted(merchant_ids))) if merchant_ids is not None else f"user{user.pk}")
    return insights_for(reviews, groups=("product", "category", "aspect"), scope_key=key, with_products=True)


def insights_for(
    reviews: QuerySet[Review], *, groups: tuple[str, ...], scope_key: str, with_products: bool = False
) -> Insights:
    rows = list(reviews.order_by("-created_at", "-pk").values(*_FIELDS)[:MAX_REVIEWS])
    analysed = [row for row in rows if row["analysis__sentiment"]]
    counts = Counter(row["analysis__sentiment"] for row in analysed)
    trend_rows = _trend_rows(analysed, groups)
    all_series = sentiment_series(pd.DataFrame(
        [{"group": "all", "timestamp": r["created_at"], "sentiment": r["analysis__sentiment"]} for r in analysed],
        columns=["group", "timestamp", "sentiment"],
    ))
    return Insights(
        reviews=len(rows),
        analysed=len(analysed),
        average_rating=round(sum(r["rating"] for r in rows) / len(rows), 2) if rows else None,
        sentiment_counts={label: counts.get(label, 0) for label in LABELS},
        series=all_series,
        aspects=_aspect_counts(analysed),
        topics=_topics(reviews, rows, scope_key),
        summary=summarize(_opinions(analysed)),
        alerts=negative_share_alerts(sentiment_series(trend_rows)),
        products=_products(rows) if with_products else [],
    )


def _trend_rows(analysed: list[dict], groups: tuple[str, ...]) -> pd.DataFrame:
    records = []
    for row in analysed:
        moment = row["created_at"]
        if "all" in groups:
            records.append(("all reviews", moment, row["analysis__sentiment"]))
        if "product" in groups:
            records.append((f"product: {row['product__title']}", moment, row["analysis__sentiment"]))
        if "category" in groups and row["product__category__name"]:
            records.append((f"category: {row['product__category__name']}", moment, row["analysis__sentiment"]))
        if "aspect" in groups:
            seen: dict[str, str] = {}
            for mention in row["analysis__aspects"] or []:
                # A review faulting an aspect anywhere counts as negative about it.
                if seen.get(mention["aspect"]) != NEGATIVE:
                    seen[mention["aspect"]] = mention["sentiment"]
            records.extend((f"aspect: {aspect}", moment, sentiment) for aspect, sentiment in seen.items())
    return pd.DataFrame(records, columns=["group", "timestamp", "sentiment"])


def _aspect_counts(analysed: list[dict]) -> list[AspectCount]:
    tally: dict[str, Counter] = {}
    for row in analysed:
        for mention in row["analysis__aspects"] or []:
            tally.setdefault(mention["aspect"], Counter())[mention["sentiment"]] += 1
    counts = [AspectCount(aspect, c[POSITIVE], c["neutral"], c[NEGATIVE]) for aspect, c in tally.items()]
    return sorted(counts, key=lambda a: (-a.mentions, a.aspect))


def _opinions(analysed: list[dict]) -> list[Opinion]:
    """Aspect clauses, plus opinion sentences naming no aspect (under GENERAL)."""
    opinions = []
    for row in analysed:
        mentions = row["analysis__aspects"] or []
        evidence = [m["evidence"] for m in mentions]
        opinions.extend(Opinion(row["pk"], m["aspect"], m["sentiment"], m["score"], m["evidence"]) for m in mentions)
        for sentence in row["analysis__sentences"] or []:
            if not any(e in sentence["text"] or sentence["text"] in e for e in evidence):
                opinions.append(Opinion(row["pk"], GENERAL, sentence["sentiment"], sentence["score"], sentence["text"]))
    return opinions


def _topics(reviews: QuerySet[Review], rows: list[dict], scope_key: str) -> TopicModel | None:
    texts = [row["text"] for row in rows if row["text"]]
    state = reviews.aggregate(latest=Max("analysis__analysed_at"), newest=Max("pk"))
    fingerprint = f"{scope_key}|{len(texts)}|{state['newest']}|{state['latest']}"
    key = "reviews:topics:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    model = fit_topics(texts, exclude=topic_exclusions())
    cache.set(key, model or False, TOPIC_CACHE_SECONDS)
    return model


def _products(rows: list[dict]) -> list[ProductRow]:
    by_product: dict[str, list[dict]] = {}
    for row in rows:
        by_product.setdefault(row["product__external_id"], []).append(row)
    result = []
    for external_id, members in by_product.items():
        labels = [m["analysis__sentiment"] for m in members if m["analysis__sentiment"]]
        result.append(ProductRow(external_id, members[0]["product__title"], len(members), len(labels),
                                 _share(labels, POSITIVE), _share(labels, NEGATIVE)))
    return sorted(result, key=lambda p: (-(p.negative_share or 0), -p.reviews, p.external_id))


def _share(labels: list[str], label: str) -> float | None:
    return round(labels.count(label) / len(labels), 4) if labels else None


def topics_for_user(*, user) -> TopicModel | None:
    """The topic model of every review `user` may see (shared with the merchant insights cache)."""
    reviews = scope_for_user(Review.objects.all(), user)
    rows = list(reviews.order_by("-created_at", "-pk").values("text")[:MAX_REVIEWS])
    return _topics(reviews, rows, f"merchants:user{user.pk}")
