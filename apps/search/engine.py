"""The catalog search: candidates by text (PostgreSQL full-text + trigram, or the Python fallback),
blended with learnt behaviour boosts, filtered, faceted, sorted and paged.

PostgreSQL: `search_document @@ to_tsquery(...)` (any query word, or any word of a synonym
rewrite; ts_rank rewards matching more of them and title over description) OR, for each query
word no title contains (a likely typo), `word <% lower(title)` (pg_trgm word similarity). Text
score = ts_rank + TRIGRAM_WEIGHT * mean word_similarity of those words. Elsewhere
`ml.search.scoring` scores the same way in Python. Behaviour boosts are blended in by `ml.search.ranking.blend` (formula there).

Facets are counted over every candidate before the category and price filters apply, so a
shopper sees how many results each other choice would give.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, FloatField, Sum
from django.db.models.expressions import RawSQL

from apps.catalog.models import Category, Product
from apps.merchants.models import Merchant
from apps.search.memo import ProcessMemo
from apps.search.models import QueryProductStat, SearchSynonym
from ml.search.ranking import QueryBehaviour, blend, ranked
from ml.search.scoring import Document, text_scores
from ml.search.synonyms import expand_query, synonym_groups
from ml.search.text import normalise_query, stem, tokens

TRIGRAM_WEIGHT = 0.5
TITLE_WORDS_SECONDS = 600
PRIOR_SECONDS = 600
PRICE_BUCKETS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("under 10", None, Decimal("10")),
    ("10 to 25", Decimal("10"), Decimal("25")),
    ("25 to 50", Decimal("25"), Decimal("50")),
    ("50 to 100", Decimal("50"), Decimal("100")),
    ("100 and over", Decimal("100"), None),
)
SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    merchant_ids: list[int] | None = None  # None: every storefront
    category: str = ""  # path prefix
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    learned: bool = True  # blend behaviour boosts (False: plain text ranking, the benchmark's baseline)


@dataclass
class SearchResult:
    query: str
    expansions: list[str]
    count: int
    products: list[Product]
    scores: dict[int, float]
    facets: dict[str, list[dict]]
    ranking: str  # "learned", "text" or "browse"
    ranked_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    pk: int
    category: str
    price: Decimal
    merchant: str  # slug
    created: float


def _load_synonyms() -> dict[int | None, list[tuple[str, list[str]]]]:
    """Every synonym entry by merchant (None: marketplace-wide), in the model's order."""
    by_merchant: dict[int | None, list[tuple[str, list[str]]]] = {}
    for merchant_id, term, alternatives in SearchSynonym.objects.values_list("merchant_id", "term", "synonyms"):
        by_merchant.setdefault(merchant_id, []).append((term, list(alternatives)))
    return by_merchant


_SYNONYMS = ProcessMemo(_load_synonyms)
_CATEGORY_PATHS = ProcessMemo(lambda: dict(Category.objects.values_list("id", "path")), ttl=600)
_MERCHANT_SLUGS = ProcessMemo(lambda: dict(Merchant.objects.values_list("id", "slug")), ttl=600)


def _synonym_entries(merchant_ids: list[int] | None) -> list[tuple[str, list[str]]]:
    by_merchant = _SYNONYMS.get()
    if merchant_ids is None:
        return [entry for entries in by_merchant.values() for entry in entries]
    return [entry for key in (None, *merchant_ids) for entry in by_merchant.get(key, [])]


def _base(request: SearchRequest):
    products = Product.objects.filter(active=True)
    if request.merchant_ids is not None:
        products = products.filter(merchant_id__in=request.merchant_ids)
    return products


# Ids, not joined names: paths and slugs come from this process's copies (no join per query).
_CANDIDATE_FIELDS = ("id", "category_id", "price", "merchant_id", "created_at")


class _Names:
    """Category paths and merchant slugs for one search, read from this process's copies once (not per row)."""

    def __init__(self) -> None:
        self.paths, self.slugs = _CATEGORY_PATHS.get(), _MERCHANT_SLUGS.get()

    def candidate(self, row) -> _Candidate:
        pk, category_id, price, merchant_id, created = row[:5]
        if (category_id is not None and category_id not in self.paths) or merchant_id not in self.slugs:
            # A row newer than the copies: reload them once.
            _CATEGORY_PATHS.clear()
            _MERCHANT_SLUGS.clear()
            self.paths, self.slugs = _CATEGORY_PATHS.get(), _MERCHANT_SLUGS.get()
        path = self.paths.get(category_id, "") if category_id is not None else ""
        return _Candidate(pk, path, price, self.slugs.get(merchant_id, ""), created.timestamp())


def _tsquery(phrasings: list[str]) -> str:
    """Every word of every phrasing OR-ed; words are [a-z0-9] only, so the string is always valid tsquery syntax."""
    words = sorted({word.replace("'", "") for phrase in phrasings for word in tokens(phrase)} - {""})
    return " | ".join(words)


def _load_title_words() -> frozenset[str]:
    titles = Product.objects.filter(active=True).values_list("title", flat=True).iterator(chunk_size=5000)
    found = {word for title in titles for word in tokens(title)}
    return frozenset(found | {stem(word) for word in found})


_TITLE_WORDS = ProcessMemo(_load_title_words, ttl=TITLE_WORDS_SECONDS)


def title_words() -> frozenset[str]:
    """Words (and their light stems) of active product titles, kept per process: a query word outside it is a likely typo.

    A word of a product listed since the copy was made only looks unknown for a while; it then
    takes the trigram path, which finds it too, so staleness costs speed, never results.
    """
    return _TITLE_WORDS.get()


def _postgres_text(base, query: str, phrasings: list[str]) -> tuple[dict[int, float], dict[int, _Candidate]]:
    """Full-text match on the stored document; pg_trgm word similarity only for the query's unknown words.

    Words the catalog's titles contain are left to the GIN-indexed full-text match; a word no
    title contains (a likely typo) matches titles holding a word similar to it (`<%`: word
    similarity above pg_trgm's threshold, 0.6 by default, served by the trigram index).
    """
    table = connection.ops.quote_name(Product._meta.db_table)
    document, title = f"{table}.search_document", f"lower({table}.title)"
    tsquery = _tsquery(phrasings)
    known = title_words()
    typos = [word for word in tokens(query) if len(word) >= 3 and word not in known and stem(word) not in known]
    conditions, params = [f"{document} @@ to_tsquery('english', %s)"], [tsquery]
    for word in typos:
        conditions.append(f"%s <%% {title}")
        params.append(word)
    trigram_sql = " + ".join(f"word_similarity(%s, {title})" for _ in typos) or "0"
    rows = (
        base.annotate(
            text_rank=RawSQL(f"ts_rank({document}, to_tsquery('english', %s))", (tsquery,), output_field=FloatField()),
            trigram=RawSQL(f"({trigram_sql}) / {max(1, len(typos))}", tuple(typos), output_field=FloatField()),
            matched=RawSQL("(" + " OR ".join(conditions) + ")", tuple(params), output_field=BooleanField()),
        )
        .filter(matched=True)
        .values_list(*_CANDIDATE_FIELDS, "text_rank", "trigram")
    )
    scores, candidates = {}, {}
    names = _Names()
    for row in rows:
        candidate = names.candidate(row)
        candidates[candidate.pk] = candidate
        scores[candidate.pk] = float(row[5]) + TRIGRAM_WEIGHT * float(row[6])
    return scores, candidates


def _python_text(base, phrasings: list[str]) -> tuple[dict[int, float], dict[int, _Candidate]]:
    rows = list(base.values_list(*_CANDIDATE_FIELDS, "title", "description"))
    scores = text_scores(phrasings, [Document(row[0], row[5], row[6] or "") for row in rows])
    names = _Names()
    return scores, {row[0]: names.candidate(row) for row in rows if row[0] in scores}


def _load_prior() -> float:
    totals = QueryProductStat.objects.aggregate(engagement=Sum("engagement"), searches=Sum("searches"))
    return (totals["engagement"] or 0.0) / totals["searches"] if totals["searches"] else 0.0


_PRIOR = ProcessMemo(_load_prior, ttl=PRIOR_SECONDS)


def behaviour_prior() -> float:
    """mu: mean engagement per search of a (query, product) pair with any engagement (kept per process,
    dropped when `behaviour_refresh` rebuilds the figures)."""
    return _PRIOR.get()


def query_behaviour(query: str, merchant_ids: list[int] | None) -> QueryBehaviour | None:
    """The learnt engagement of `query` on the storefronts in scope (summed over them), or None if never engaged.

    One query: each (query, product) row carries its storefront's search count n_q.
    """
    pairs = QueryProductStat.objects.filter(query=query)
    if merchant_ids is not None:
        pairs = pairs.filter(merchant_id__in=merchant_ids)
    engagement: dict[int, float] = {}
    searches: dict[int | None, int] = {}
    for merchant_id, product_id, value, count in pairs.values_list("merchant_id", "product_id", "engagement", "searches"):
        engagement[product_id] = engagement.get(product_id, 0.0) + value
        searches[merchant_id] = count
    total = sum(searches.values())
    if not total or not engagement:
        return None
    return QueryBehaviour(searches=total, engagement=engagement, prior=behaviour_prior())


def _in_price(candidate: _Candidate, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or candidate.price >= low) and (high is None or candidate.price < high)


def _facets(candidates: list[_Candidate]) -> dict[str, list[dict]]:
    categories: dict[str, int] = {}
    merchants: dict[str, int] = {}
    for candidate in candidates:
        if candidate.category:
            categories[candidate.category] = categories.get(candidate.category, 0) + 1
        merchants[candidate.merchant] = merchants.get(candidate.merchant, 0) + 1
    prices = [
        {"value": label, "min_price": low, "max_price": high, "count": sum(_in_price(c, low, high) for c in candidates)}
        for label, low, high in PRICE_BUCKETS
    ]
    return {
        "category": [{"value": path, "count": n} for path, n in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))],
        "price": [bucket for bucket in prices if bucket["count"]],
        "merchant": [{"value": slug, "count": n} for slug, n in sorted(merchants.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def search(request: SearchRequest) -> SearchResult:
    query = normalise_query(request.query)
    base = _base(request)
    behaviour = None
    if not query:
        rows = base.values_list(*_CANDIDATE_FIELDS)
        names = _Names()
        candidates = {row[0]: names.candidate(row) for row in rows}
        scores = {pk: 0.0 for pk in candidates}
        expansions: list[str] = []
        ranking = "browse"
    else:
        expansions = expand_query(query, synonym_groups(_synonym_entries(request.merchant_ids)))
        if connection.vendor == "postgresql":
            scores, candidates = _postgres_text(base, query, expansions)
        else:
            scores, candidates = _python_text(base, expansions)
        behaviour = query_behaviour(query, request.merchant_ids) if request.learned else None
        if behaviour is not None:
            missing = set(behaviour.engagement) - set(candidates)
            if missing:
                names = _Names()
                found = base.filter(id__in=missing).values_list(*_CANDIDATE_FIELDS)
                candidates |= {row[0]: names.candidate(row) for row in found}
            behaviour = QueryBehaviour(
                behaviour.searches, {k: v for k, v in behaviour.engagement.items() if k in candidates}, behaviour.prior
            )
        scores = blend(scores, behaviour)
        ranking = "learned" if behaviour is not None and behaviour.engagement else "text"

    facets = _facets(list(candidates.values()))
    kept = [
        c
        for c in candidates.values()
        if (not request.category or c.category.startswith(request.category))
        and _in_price(c, request.min_price, None)
        and (request.max_price is None or c.price <= request.max_price)
    ]
    order = _order(kept, scores, request.sort if query else ("newest" if request.sort == "relevance" else request.sort))
    page_ids = order[request.offset : request.offset + request.limit]
    by_id = Product.objects.select_related("merchant", "category").prefetch_related("tags").in_bulk(page_ids)
    return SearchResult(
        query=query,
        expansions=expansions,
        count=len(order),
        products=[by_id[pk] for pk in page_ids if pk in by_id],
        scores={pk: round(scores.get(pk, 0.0), 6) for pk in page_ids},
        facets=facets,
        ranking=ranking,
        ranked_ids=order,
    )


def _order(kept: list[_Candidate], scores: dict[int, float], sort: str) -> list[int]:
    if sort == "price_asc":
        return [c.pk for c in sorted(kept, key=lambda c: (c.price, -c.created, c.pk))]
    if sort == "price_desc":
        return [c.pk for c in sorted(kept, key=lambda c: (-c.price, -c.created, c.pk))]
    if sort == "newest":
        return [c.pk for c in sorted(kept, key=lambda c: (-c.created, c.pk))]
    return ranked({c.pk: scores.get(c.pk, 0.0) for c in kept}, {c.pk: c.created for c in kept})
