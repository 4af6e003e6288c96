"""Reads for search: synonyms and query figures scoped to the caller's storefronts, and the
merchandiser's insights (top, zero-result and low click-through queries, each with advice)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from apps.catalog.models import Product
from apps.core.tenancy import merchant_ids_for_user
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_list
from apps.search.models import QueryProductStat, SearchQueryStat, SearchSynonym
from ml.search.advice import Advice, advise
from ml.search.text import stem, tokens

if TYPE_CHECKING:
    from apps.accounts.models import User

LOW_CTR = 0.3
"""Below this share of searches followed by a click, a query's results are not what shoppers want."""
MIN_SEARCHES_FOR_CTR = 5
"""Fewer searches than this are too few to call a click-through low."""
TABLE_ROWS = 20


def synonym_list(*, user: User) -> QuerySet[SearchSynonym]:
    """Marketplace-wide synonyms and those of the user's storefronts."""
    ids = merchant_ids_for_user(user)
    synonyms = SearchSynonym.objects.select_related("merchant")
    if ids is None:
        return synonyms
    return synonyms.filter(Q(merchant__isnull=True) | Q(merchant_id__in=ids))


def synonym_get(*, user: User, pk: int) -> SearchSynonym:
    return get_object_or_404(synonym_list(user=user), pk=pk)


def query_stat_list(*, user: User, merchant: Merchant | None = None) -> QuerySet[SearchQueryStat]:
    """Query figures of the user's storefronts (platform staff also see marketplace-wide searches)."""
    ids = merchant_ids_for_user(user)
    stats = SearchQueryStat.objects.select_related("merchant")
    if ids is not None:
        stats = stats.filter(merchant_id__in=ids)
    return stats.filter(merchant=merchant) if merchant is not None else stats


@dataclass(frozen=True)
class StorefrontSearch:
    merchant: Merchant
    searches: int
    zero_result_searches: int
    clicked: int

    @property
    def click_through(self) -> float | None:
        return self.clicked / self.searches if self.searches else None


@dataclass(frozen=True)
class AdvisedQuery:
    stat: SearchQueryStat
    advice: Advice


@dataclass(frozen=True)
class SearchInsights:
    storefronts: list[StorefrontSearch]
    top: list[SearchQueryStat]
    zero_results: list[AdvisedQuery]
    low_click_through: list[AdvisedQuery]


def _vocabulary(merchant_id: int | None) -> set[str]:
    """Words (and their stems) of the storefront's active product titles."""
    products = Product.objects.filter(active=True)
    if merchant_id is not None:
        products = products.filter(merchant_id=merchant_id)
    words = {word for title in products.values_list("title", flat=True) for word in tokens(title)}
    return words | {stem(word) for word in words}


def _engaged_titles(stat: SearchQueryStat) -> list[str]:
    pairs = QueryProductStat.objects.filter(query=stat.query, merchant_id=stat.merchant_id).order_by("-engagement")[:10]
    return list(pairs.values_list("product__title", flat=True))


def _advised(stats: list[SearchQueryStat]) -> list[AdvisedQuery]:
    vocabularies: dict[int | None, set[str]] = {}
    advised = []
    for stat in stats:
        if stat.merchant_id not in vocabularies:
            vocabularies[stat.merchant_id] = _vocabulary(stat.merchant_id)
        advice = advise(stat.query, vocabulary=vocabularies[stat.merchant_id], engaged_titles=_engaged_titles(stat))
        advised.append(AdvisedQuery(stat, advice))
    return advised


def search_insights(*, user: User, merchant: Merchant | None = None) -> SearchInsights:
    stats = query_stat_list(user=user, merchant=merchant)
    storefronts_in_scope = merchant_list(user=user)
    if merchant is not None:
        storefronts_in_scope = storefronts_in_scope.filter(pk=merchant.pk)
    totals = {
        row["merchant_id"]: row
        for row in stats.values("merchant_id").annotate(
            searches=Sum("searches"), zero=Sum("zero_result_searches"), clicked=Sum("clicked")
        )
    }
    storefronts = [
        StorefrontSearch(
            m, totals.get(m.pk, {}).get("searches") or 0, totals.get(m.pk, {}).get("zero") or 0,
            totals.get(m.pk, {}).get("clicked") or 0,
        )
        for m in storefronts_in_scope.order_by("name")
    ]
    zero = list(stats.filter(Q(result_count=0) | Q(zero_result_searches__gt=0)).order_by("-searches", "query")[:TABLE_ROWS])
    low = [
        stat
        for stat in stats.filter(searches__gte=MIN_SEARCHES_FOR_CTR).exclude(result_count=0).order_by("-searches")[:500]
        if stat.click_through is not None and stat.click_through < LOW_CTR
    ]
    low.sort(key=lambda s: (s.click_through, -s.searches))
    return SearchInsights(
        storefronts=storefronts,
        top=list(stats.order_by("-searches", "query")[:TABLE_ROWS]),
        zero_results=_advised(zero),
        low_click_through=_advised(low[:TABLE_ROWS]),
    )
