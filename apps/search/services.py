"""Writes for search: synonyms (audited), the search log, and the rebuild of behaviour figures from events."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.events.models import Event
from apps.search.engine import SearchRequest, search
from apps.search.memo import memo_invalidate
from apps.search.models import QueryProductStat, SearchQueryLog, SearchQueryStat, SearchSynonym
from ml.search.behaviour import ENGAGED_TYPES, EVENT_COLUMNS, query_counts, query_product_counts
from ml.search.text import normalise_query

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.merchants.models import Merchant

BEHAVIOUR_DAYS = 90
"""Events older than this no longer shape rankings or the merchandiser's figures."""
RESULT_COUNT_QUERIES = 300
"""The most searched queries whose current result count the refresh measures (each is one search)."""
MAX_SYNONYMS = 20


def _clean_synonyms(term: str, synonyms: list[str]) -> tuple[str, list[str]]:
    term = normalise_query(term)
    cleaned = sorted({normalise_query(s) for s in synonyms} - {"", term})
    if not term:
        raise ValidationError({"term": "Give a word or phrase."})
    if not cleaned:
        raise ValidationError({"synonyms": "Give at least one synonym different from the term."})
    if len(cleaned) > MAX_SYNONYMS:
        raise ValidationError({"synonyms": f"At most {MAX_SYNONYMS} synonyms."})
    return term, cleaned


@transaction.atomic
def synonym_save(*, actor: User, merchant: Merchant | None, term: str, synonyms: list[str]) -> SearchSynonym:
    """Create the synonym entry of (merchant, term), or replace its synonyms if it exists."""
    term, cleaned = _clean_synonyms(term, synonyms)
    existing = SearchSynonym.objects.select_for_update().filter(merchant=merchant, term=term).first()
    before = snapshot(existing) if existing else None
    entry = existing or SearchSynonym(merchant=merchant, term=term)
    entry.synonyms = cleaned
    entry.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE if existing else AuditLog.Action.CREATE,
        instance=entry,
        before=before,
        after=snapshot(entry),
        summary=f"Search synonyms of {term!r}",
    )
    return entry


@transaction.atomic
def synonym_update(
    *, actor: User, entry: SearchSynonym, term: str | None = None, synonyms: list[str] | None = None
) -> SearchSynonym:
    before = snapshot(entry)
    new_term, cleaned = _clean_synonyms(
        entry.term if term is None else term, entry.synonyms if synonyms is None else synonyms
    )
    if SearchSynonym.objects.filter(merchant=entry.merchant, term=new_term).exclude(pk=entry.pk).exists():
        raise ValidationError({"term": f"{new_term!r} already has synonyms; edit that entry."})
    entry.term, entry.synonyms = new_term, cleaned
    entry.save()
    audit_record(actor=actor, action=AuditLog.Action.UPDATE, instance=entry, before=before, after=snapshot(entry),
                 summary=f"Search synonyms of {new_term!r}")
    return entry


@transaction.atomic
def synonym_delete(*, actor: User, entry: SearchSynonym) -> None:
    audit_record(actor=actor, action=AuditLog.Action.DELETE, instance=entry, before=snapshot(entry),
                 summary=f"Deleted search synonyms of {entry.term!r}")
    entry.delete()


def search_log(*, merchant_id: int | None, query: str, results: int) -> None:
    """One row per search the API served with a query (zero-result analysis reads these)."""
    if query:
        SearchQueryLog.objects.create(merchant_id=merchant_id, query=query[:200], results=results)


def events_frame(*, since, until=None) -> pd.DataFrame:
    """Search and engaged events in [since, until) as the frame `ml.search.behaviour` reads."""
    rows = Event.objects.filter(timestamp__gte=since)
    if until is not None:
        rows = rows.filter(timestamp__lt=until)
    rows = rows.filter(Q(type="search") | Q(type__in=ENGAGED_TYPES, product__isnull=False))
    frame = pd.DataFrame.from_records(rows.values_list(*EVENT_COLUMNS).iterator(chunk_size=20_000), columns=EVENT_COLUMNS)
    frame["merchant_id"] = frame["merchant_id"].astype("Int64")
    return frame


def _key(merchant_id) -> int | None:
    return None if pd.isna(merchant_id) else int(merchant_id)


@transaction.atomic
def behaviour_refresh(*, now=None, measure_results: bool = True) -> dict[str, int]:
    """Rebuild the per-query and per-(query, product) figures from the BEHAVIOUR_DAYS of events before `now`.

    A full rebuild (not an increment): simple to reason about, idempotent, and a few seconds for
    a quarter of a large storefront's events. Zero-result counts come from the search log.
    `measure_results`: run the most searched queries to record how many products each finds.
    """
    until = now or timezone.now()
    since = until - timedelta(days=BEHAVIOUR_DAYS)
    events = events_frame(since=since, until=until)
    pairs = query_product_counts(events)
    queries = query_counts(events)
    searches = {(_key(m), q): int(n) for m, q, n in queries[["merchant_id", "query", "searches"]].itertuples(index=False)}

    zero = dict(
        ((merchant_id, query), count)
        for merchant_id, query, count in SearchQueryLog.objects.filter(created_at__gte=since, created_at__lt=until, results=0)
        .values_list("merchant_id", "query")
        .annotate(n=Count("id"))
    )
    logged = dict(
        ((merchant_id, query), count)
        for merchant_id, query, count in SearchQueryLog.objects.filter(created_at__gte=since, created_at__lt=until)
        .values_list("merchant_id", "query")
        .annotate(n=Count("id"))
    )
    stats: dict[tuple[int | None, str], SearchQueryStat] = {}
    for row in queries.itertuples(index=False):
        key = (_key(row.merchant_id), row.query)
        stats[key] = SearchQueryStat(merchant_id=key[0], query=key[1][:200], searches=int(row.searches),
                                     clicked=int(row.clicked), purchased=int(row.purchased))
    for key, count in logged.items():
        stat = stats.setdefault(key, SearchQueryStat(merchant_id=key[0], query=key[1]))
        # Storefronts that send search events and search through the API would count twice: keep the larger.
        stat.searches = max(stat.searches, count)
        stat.zero_result_searches = zero.get(key, 0)
    for stat in sorted(stats.values(), key=lambda s: -s.searches)[: RESULT_COUNT_QUERIES if measure_results else 0]:
        merchant_ids = None if stat.merchant_id is None else [stat.merchant_id]
        stat.result_count = search(SearchRequest(query=stat.query, merchant_ids=merchant_ids, limit=0, learned=False)).count

    SearchQueryStat.objects.all().delete()
    SearchQueryStat.objects.bulk_create(stats.values(), batch_size=2000)
    QueryProductStat.objects.all().delete()
    QueryProductStat.objects.bulk_create(
        [
            QueryProductStat(
                merchant_id=_key(row.merchant_id), query=row.query[:200], product_id=int(row.product_id),
                clicks=int(row.clicks), add_to_carts=int(row.add_to_carts), purchases=int(row.purchases),
                engagement=float(row.engagement), searches=searches.get((_key(row.merchant_id), row.query), 0),
            )
            for row in pairs.itertuples(index=False)
        ],
        batch_size=2000,
    )
    transaction.on_commit(memo_invalidate)  # every process drops its behaviour prior
    return {"events": len(events), "queries": len(stats), "query_products": len(pairs)}
