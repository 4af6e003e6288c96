"""The catalog search: candidates by text (PostgreSQL full-text + trigram, or the Python fallback),
blended with learnt behaviour boosts, filtered, faceted, sorted and paged.

PostgreSQL: `search_document @@ to_tsquery(...)` (any query word, or any word of a synonym
rewrite; ts_rank rewards matching more of them and title over description) OR, for each query
word no title contains (a likely typo), `word <% lower(title)` (pg_trgm word similarity). Text
score = ts_rank + TRIGRAM_WEIGHT * mean word_similarity of those words. Elsewhere
`ml.search.scoring` scores the same way in Python. Behaviour boosts are blended in by `ml.search.ranking.blend` (formula there).

Facets are counted over every candidate before the category and price filters apply, so a
shopper sees how many results each other choice would give.

Where the CPU goes (docs/tagging-and-search.md, "CPU per request"): a storefront query has a few
hundred candidates, and facets need all of them, so each candidate is a plain tuple of five
values (epoch seconds, not a datetime to parse), the text match and the behaviour boosts are one
SQL statement on PostgreSQL, and only the page's products are read in full, as plain values with
their tag names (no model instances).
"""
from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Sum

from apps.catalog.models import Category, Product, Tag
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
# The buckets are contiguous, so a price's bucket is the number of upper bounds at or below it.
_BUCKET_BOUNDS = [high for _, _, high in PRICE_BUCKETS[:-1]]
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
    products: list[dict[str, Any]]  # the page, as plain values (see `_page_products`)
    scores: dict[int, float]
    facets: dict[str, list[dict]]
    ranking: str  # "learned", "text" or "browse"
    ranked_ids: list[int] = field(default_factory=list)


class _Candidate(NamedTuple):
    """What filtering, facets and sorting need of a match: ids, not names, and the creation time in epoch seconds."""

    pk: int
    category_id: int | None
    price: Decimal
    merchant_id: int
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


class _Names:
    """Category paths and merchant slugs for one search, read from this process's copies once (not per row)."""

    def __init__(self) -> None:
        self.paths, self.slugs = _CATEGORY_PATHS.get(), _MERCHANT_SLUGS.get()

    def cover(self, category_ids: Iterable[int | None], merchant_ids: Iterable[int]) -> None:
        """Reload the copies once if an id is newer than them (a category or merchant created in bulk)."""
        if not (set(category_ids) - {None} <= self.paths.keys() and set(merchant_ids) <= self.slugs.keys()):
            _CATEGORY_PATHS.clear()
            _MERCHANT_SLUGS.clear()
            self.paths, self.slugs = _CATEGORY_PATHS.get(), _MERCHANT_SLUGS.get()


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

    One query: each (query, product) row carries its storefront's search count n_q. (PostgreSQL
    reads the same figures inside the candidate statement, `_postgres_matches`.)
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


# --- PostgreSQL: one statement per search ---------------------------------------------------------
#
# Raw SQL rather than the ORM here: compiling the annotated queryset and converting each row
# through Django's converters cost more CPU than PostgreSQL spends running the statement.

_PRODUCT = connection.ops.quote_name(Product._meta.db_table)
_STATS = connection.ops.quote_name(QueryProductStat._meta.db_table)
_CANDIDATE_COLUMNS = "p.id, p.category_id, p.price, p.merchant_id, EXTRACT(EPOCH FROM p.created_at)::float8"


def _scope_sql(merchant_ids: list[int] | None, column: str) -> tuple[str, list]:
    return ("", []) if merchant_ids is None else (f" AND {column} = ANY(%s)", [list(merchant_ids)])


def _postgres_browse(request: SearchRequest) -> list[_Candidate]:
    scope, params = _scope_sql(request.merchant_ids, "p.merchant_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_CANDIDATE_COLUMNS} FROM {_PRODUCT} p WHERE p.active{scope}", params)
        return [_Candidate(*row) for row in cursor.fetchall()]


def _postgres_matches(
    request: SearchRequest, query: str, phrasings: list[str]
) -> tuple[dict[int, float], list[_Candidate], QueryBehaviour | None]:
    """Text matches and (learned ranking) the products engaged with after the query, with their boosts: one statement.

    Full-text match on the stored document; pg_trgm word similarity only for the query's
    unknown words: words the catalog's titles contain are left to the GIN-indexed full-text
    match; a word no title contains (a likely typo) matches titles holding a word similar to it
    (`<%`: word similarity above pg_trgm's threshold, 0.6 by default, served by the trigram
    index). Engaged products in scope are candidates even when their text does not match (they
    get no text score); the query's search count n_q sums each storefront's count once, as
    `query_behaviour` does.
    """
    tsquery = _tsquery(phrasings)
    known = title_words()
    typos = [word for word in tokens(query) if len(word) >= 3 and word not in known and stem(word) not in known]
    document, title = "p.search_document", "lower(p.title)"
    match = " OR ".join([f"{document} @@ to_tsquery('english', %s)", *(f"%s <%% {title}" for _ in typos)])
    match_params = [tsquery, *typos]
    trigram = " + ".join(f"word_similarity(%s, {title})" for _ in typos) or "0"
    scope, scope_params = _scope_sql(request.merchant_ids, "p.merchant_id")
    select = (
        f"SELECT {_CANDIDATE_COLUMNS}, ts_rank({document}, to_tsquery('english', %s)),"
        f" ({trigram}) / {max(1, len(typos))}"
    )
    select_params = [tsquery, *typos]
    if request.learned:
        pair_scope, pair_params = _scope_sql(request.merchant_ids, "merchant_id")
        sql = (
            f"WITH pairs AS (SELECT merchant_id, product_id, engagement, searches FROM {_STATS}"
            f" WHERE query = %s{pair_scope}),"
            " engaged AS (SELECT product_id, SUM(engagement) AS engagement FROM pairs GROUP BY product_id)"
            # Whether the text matched is only in doubt for engaged rows: CASE spares re-running
            # the trigram match on every other row.
            f" {select}, CASE WHEN engaged.product_id IS NULL THEN TRUE ELSE ({match}) END, engaged.engagement,"
            " (SELECT SUM(searches) FROM (SELECT DISTINCT ON (merchant_id) searches FROM pairs) AS storefronts)"
            f" FROM {_PRODUCT} p LEFT JOIN engaged ON engaged.product_id = p.id"
            # On p alone (not on the joined row), so the planner estimates `<%` as a plain restriction:
            # as a join filter its estimate took PostgreSQL ~10 ms to plan.
            f" WHERE p.active{scope} AND (({match}) OR p.id IN (SELECT product_id FROM engaged))"
        )
        params = [query, *pair_params, *select_params, *match_params, *scope_params, *match_params]
    else:
        sql = f"{select}, TRUE, NULL, NULL FROM {_PRODUCT} p WHERE p.active{scope} AND ({match})"
        params = [*select_params, *scope_params, *match_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    scores: dict[int, float] = {}
    engagement: dict[int, float] = {}
    candidates, searches = [], 0
    for pk, category_id, price, merchant_id, created, rank, similarity, matched, engaged, n_q in rows:
        candidates.append(_Candidate(pk, category_id, price, merchant_id, created))
        if matched:
            scores[pk] = rank + TRIGRAM_WEIGHT * similarity
        if engaged is not None:
            engagement[pk], searches = engaged, n_q
    behaviour = QueryBehaviour(searches, engagement, behaviour_prior()) if engagement and searches else None
    return scores, candidates, behaviour


# --- Elsewhere (SQLite): the same rules in Python --------------------------------------------------

_CANDIDATE_FIELDS = ("id", "category_id", "price", "merchant_id", "created_at")


def _python_browse(request: SearchRequest) -> list[_Candidate]:
    return [
        _Candidate(pk, category_id, price, merchant_id, created.timestamp())
        for pk, category_id, price, merchant_id, created in _base(request).values_list(*_CANDIDATE_FIELDS)
    ]


def _python_matches(
    request: SearchRequest, query: str, phrasings: list[str]
) -> tuple[dict[int, float], list[_Candidate], QueryBehaviour | None]:
    rows = list(_base(request).values_list(*_CANDIDATE_FIELDS, "title", "description"))
    scores = text_scores(phrasings, [Document(row[0], row[5], row[6] or "") for row in rows])
    behaviour = query_behaviour(query, request.merchant_ids) if request.learned else None
    engaged = behaviour.engagement if behaviour is not None else {}
    candidates = [
        _Candidate(pk, category_id, price, merchant_id, created.timestamp())
        for pk, category_id, price, merchant_id, created, _, _ in rows
        if pk in scores or pk in engaged
    ]
    if behaviour is not None:
        in_scope = {candidate.pk for candidate in candidates}
        behaviour = QueryBehaviour(
            behaviour.searches, {pk: value for pk, value in engaged.items() if pk in in_scope}, behaviour.prior
        )
    return scores, candidates, behaviour


# --- Facets, filters, order, page ----------------------------------------------------------------


def _facets(candidates: list[_Candidate], names: _Names) -> dict[str, list[dict]]:
    """Counts per category path, price bucket and merchant slug (ids are counted, then named: few distinct ones)."""
    categories = Counter(c.category_id for c in candidates)
    merchants = Counter(c.merchant_id for c in candidates)
    buckets = Counter(bisect_right(_BUCKET_BOUNDS, c.price) for c in candidates)
    by_path: Counter[str] = Counter()
    for category_id, n in categories.items():
        if category_id is not None and names.paths.get(category_id):
            by_path[names.paths[category_id]] += n
    by_slug: Counter[str] = Counter()
    for merchant_id, n in merchants.items():
        by_slug[names.slugs.get(merchant_id, "")] += n
    return {
        "category": [{"value": path, "count": n} for path, n in sorted(by_path.items(), key=lambda kv: (-kv[1], kv[0]))],
        "price": [
            {"value": label, "min_price": low, "max_price": high, "count": buckets[index]}
            for index, (label, low, high) in enumerate(PRICE_BUCKETS)
            if buckets[index]
        ],
        "merchant": [{"value": slug, "count": n} for slug, n in sorted(by_slug.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def _kept(candidates: list[_Candidate], request: SearchRequest, names: _Names) -> list[_Candidate]:
    """The candidates within the request's category (path prefix) and price range."""
    prefix, low, high = request.category, request.min_price, request.max_price
    if prefix:
        inside = {pk for pk, path in names.paths.items() if path.startswith(prefix)}
        candidates = [c for c in candidates if c.category_id in inside]
    if low is not None or high is not None:
        candidates = [c for c in candidates if (low is None or c.price >= low) and (high is None or c.price <= high)]
    return candidates


def _order(kept: list[_Candidate], scores: dict[int, float], sort: str) -> list[int]:
    if sort == "price_asc":
        return [c.pk for c in sorted(kept, key=lambda c: (c.price, -c.created, c.pk))]
    if sort == "price_desc":
        return [c.pk for c in sorted(kept, key=lambda c: (-c.price, -c.created, c.pk))]
    if sort == "newest":
        return [c.pk for c in sorted(kept, key=lambda c: (-c.created, c.pk))]
    return ranked({c.pk: scores.get(c.pk, 0.0) for c in kept}, {c.pk: c.created for c in kept})


_PAGE_FIELDS = (
    "id", "external_id", "merchant_id", "title", "description", "price", "currency", "category_id", "attributes",
    "customisable", "stock", "active", "created_at", "updated_at",
)


def _postgres_page_rows(ids: list[int]) -> list[dict[str, Any]]:
    """The page's products with their tag names (alphabetical) in one statement (raw SQL, as `_postgres_matches`)."""
    tags = Product._meta.get_field("tags")
    link, tag = connection.ops.quote_name(tags.m2m_db_table()), connection.ops.quote_name(Tag._meta.db_table)
    product_column, tag_column = tags.m2m_column_name(), tags.m2m_reverse_name()
    sql = (
        f"SELECT {', '.join(f'p.{name}' for name in _PAGE_FIELDS)},"
        f" ARRAY(SELECT t.name FROM {link} l JOIN {tag} t ON t.id = l.{tag_column}"
        f" WHERE l.{product_column} = p.id ORDER BY t.name)"
        f" FROM {_PRODUCT} p WHERE p.id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids])
        rows = [dict(zip((*_PAGE_FIELDS, "tag_names"), row, strict=True)) for row in cursor.fetchall()]
    for row in rows:  # Django's connection hands jsonb over as text; JSONField decodes it the same way
        row["attributes"] = json.loads(row["attributes"])
    return rows


def _python_page_rows(ids: list[int]) -> list[dict[str, Any]]:
    rows = {row["id"]: {**row, "tag_names": []} for row in Product.objects.filter(id__in=ids).values(*_PAGE_FIELDS)}
    links = Product.tags.through.objects.filter(product_id__in=ids).order_by("tag__name")
    for product_id, name in links.values_list("product_id", "tag__name"):
        rows[product_id]["tag_names"].append(name)
    return list(rows.values())


def _page_products(ids: list[int], names: _Names) -> list[dict[str, Any]]:
    """The products `ids`, in that order, as plain values: the product's fields with `merchant` (slug),
    `category` (path or None) and `tags` (names, alphabetical) in place of the relations.

    Plain values because model instances were the largest CPU cost of a search: 20 products
    brought their merchant, category and ~90 tag instances.
    """
    if not ids:
        return []
    rows = {row["id"]: row for row in (_postgres_page_rows if connection.vendor == "postgresql" else _python_page_rows)(ids)}
    names.cover((row["category_id"] for row in rows.values()), (row["merchant_id"] for row in rows.values()))
    page = []
    for pk in ids:
        row = rows.get(pk)
        if row is not None:
            category_id = row.pop("category_id")
            row["merchant"] = names.slugs.get(row.pop("merchant_id"), "")
            row["tags"] = row.pop("tag_names")
            row["category"] = names.paths.get(category_id) if category_id is not None else None
            page.append(row)
    return page


def search(request: SearchRequest) -> SearchResult:
    query = normalise_query(request.query)
    postgres = connection.vendor == "postgresql"
    if not query:
        candidates = _postgres_browse(request) if postgres else _python_browse(request)
        scores = {candidate.pk: 0.0 for candidate in candidates}
        expansions: list[str] = []
        ranking = "browse"
    else:
        expansions = expand_query(query, synonym_groups(_synonym_entries(request.merchant_ids)))
        text, candidates, behaviour = (_postgres_matches if postgres else _python_matches)(request, query, expansions)
        scores = blend(text, behaviour)
        ranking = "learned" if behaviour is not None and behaviour.engagement else "text"
    names = _Names()
    names.cover({c.category_id for c in candidates}, {c.merchant_id for c in candidates})
    facets = _facets(candidates, names)
    sort = request.sort if query else ("newest" if request.sort == "relevance" else request.sort)
    order = _order(_kept(candidates, request, names), scores, sort)
    page_ids = order[request.offset : request.offset + request.limit]
    return SearchResult(
        query=query,
        expansions=expansions,
        count=len(order),
        products=_page_products(page_ids, names),
        scores={pk: round(scores.get(pk, 0.0), 6) for pk in page_ids},
        facets=facets,
        ranking=ranking,
        ranked_ids=order,
    )
