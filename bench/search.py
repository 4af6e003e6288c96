"""Search quality and latency on demo data: nDCG@10 of learned vs plain full-text ranking, p95 latency.

    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/DB
    .venv/bin/python bench/search.py --database-url ... --products 5000 --customers 5000 --days 90 --latency-queries 200

DB is a throwaway database (the names postgres, shopsignal, template0/1 and ./db.sqlite3 are
refused). Create it empty (`psql -h 127.0.0.1 -U postgres -c "create database DB"`) and the
first run seeds the demo into it (about a minute for 5,000 products). Against an existing
database (the same URL again, or any database holding a seeded demo) its data is used as it is:
nothing is seeded when products exist (--products/--customers/--days are then ignored),
`migrate` and `ANALYZE` run, and everything else the benchmark writes (boosts, logs, a token) is
rolled back. Run it on an idle machine for the wall-clock figures; the CPU figures
(time.process_time of this process) and the round trips hold under load too.

1. migrate the database and, if its catalog is empty, seed the demo into it;
2. cut the event window at `--train-share` (default two thirds): behaviour boosts are built from
   the events before the cut only (the same `behaviour_refresh` the hourly job runs);
3. judgment list from the events after the cut: each (storefront, query) searched and then
   followed, in the same session, by a purchase (grade 2) or an add-to-cart (grade 1) of a product;
4. nDCG@10 of every judged query with plain full-text ranking and with the learned ranking,
   each searching the query's own storefront, printed side by side;
5. the database round trips of one warm `GET /api/v1/search`, listed;
6. latency of `GET /api/v1/search` (Django's test client, a storefront's bearer token: routing,
   auth, search, facets, serialisation and the search log), wall clock and this process's CPU,
   and of the engine alone, over queries drawn from the judged ones with a typo variant for a
   third of them; p50/p95/p99.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROTECTED_DATABASES = {"postgres", "shopsignal", "template0", "template1"}


class _Rollback(Exception):
    pass


def _configure(url: str, workdir: Path) -> None:
    import environ

    name = str(environ.Env.db_url_config(url)["NAME"])
    if Path(name).resolve() == (ROOT / "db.sqlite3").resolve() or Path(name).name in PROTECTED_DATABASES:
        sys.exit(f"refusing to use {name!r}: give --database-url a throwaway database")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=url, REDIS_URL="", CELERY_TASK_ALWAYS_EAGER="true",
        MEDIA_ROOT=str(workdir / "media"), THROTTLE_TOKEN_RATE="100000000/min", THROTTLE_IP_RATE="100000000/min",
        LOG_LEVEL="WARNING",
    )


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {at(0.5):6.1f} ms   p95 {at(0.95):6.1f} ms   p99 {at(0.99):6.1f} ms   (n={len(ordered)})"


def _typo(query: str, rng: random.Random) -> str:
    """Drop one letter of the longest word: the commonest slip."""
    words = query.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) > 4:
        cut = rng.randrange(1, len(word) - 1)
        words[longest] = word[:cut] + word[cut + 1 :]
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", required=True,
        help="A throwaway PostgreSQL database, empty (seeded) or holding a seeded demo (used as is). SQLite works, slowly.",
    )
    parser.add_argument("--products", type=int, default=5_000, help="Products to seed into an empty database.")
    parser.add_argument("--customers", type=int, default=5_000, help="Customers to seed into an empty database.")
    parser.add_argument("--days", type=int, default=90, help="Days of events to seed into an empty database.")
    parser.add_argument("--train-share", type=float, default=2 / 3, help="Share of the event window boosts learn from.")
    parser.add_argument("--latency-queries", type=int, default=200, help="Requests per latency figure.")
    parser.add_argument("--seed", type=int, default=0, help="Random seed of the query sample and its typos.")
    args = parser.parse_args()
    _configure(args.database_url, Path(tempfile.mkdtemp(prefix="search-bench-")))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from apps.catalog.models import Product

    call_command("migrate", verbosity=0)
    if not Product.objects.exists():
        print(f"seeding the demo: {args.products:,} products, {args.customers:,} customers, {args.days} days")
        call_command("seed_demo", products=args.products, customers=args.customers, days=args.days, stdout=open(os.devnull, "w"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them in a running database
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}, {Product.objects.filter(active=True).count():,} active products")
    try:
        with transaction.atomic():
            _run(args)
            raise _Rollback
    except _Rollback:
        pass


def _judgments(cut):
    """(merchant_id, query) -> {product_id: grade} from the events after `cut`."""
    from apps.search.services import events_frame
    from ml.search.behaviour import attribute_to_searches

    engaged = attribute_to_searches(events_frame(since=cut))
    engaged = engaged[engaged["type"].isin(["add_to_cart", "purchase"])]
    judgments: dict[tuple[int, str], dict[int, float]] = {}
    for row in engaged.itertuples(index=False):
        grades = judgments.setdefault((int(row.merchant_id), row.query), {})
        grades[row.product_id] = max(grades.get(row.product_id, 0.0), 2.0 if row.type == "purchase" else 1.0)
    return {key: grades for key, grades in judgments.items() if max(grades.values()) >= 2.0}


def _run(args) -> None:
    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import ApiToken, User
    from apps.events.models import Event
    from apps.merchants.models import Membership, Merchant
    from apps.search.engine import SearchRequest, search
    from apps.search.services import behaviour_refresh
    from ml.search.ranking import ndcg_at_k

    window = Event.objects.filter(type="search").aggregate(start=Min("timestamp"), end=Max("timestamp"))
    if window["start"] is None:
        sys.exit("no search events: seed the demo first")
    cut = window["start"] + (window["end"] - window["start"]) * args.train_share
    started = time.perf_counter()
    counts = behaviour_refresh(now=cut, measure_results=False)
    print(f"behaviour boosts from events before {cut:%Y-%m-%d %H:%M}: {counts['query_products']:,} (query, product) "
          f"pairs from {counts['events']:,} events in {time.perf_counter() - started:.1f}s")

    judgments = _judgments(cut)
    print(f"judgment list: {len(judgments):,} (storefront, query) pairs searched after the cut and followed by a purchase")
    plain, learned = [], []
    for (merchant_id, query), grades in judgments.items():
        for scores, flag in ((plain, False), (learned, True)):
            ranking = search(SearchRequest(query=query, merchant_ids=[merchant_id], limit=10, learned=flag)).ranked_ids
            scores.append(ndcg_at_k(ranking, grades, k=10))
    base, ours = statistics.mean(plain), statistics.mean(learned)
    ratio = ours / base if base else float("nan")
    print(f"nDCG@10   plain full-text {base:.4f}   learned ranking {ours:.4f}   ratio {ratio:.2f}x")

    rng = random.Random(args.seed)
    keys = list(judgments)
    picks = [keys[rng.randrange(len(keys))] for _ in range(args.latency_queries)]
    queries = [(m, _typo(q, rng) if i % 3 == 0 else q) for i, (m, q) in enumerate(picks)]
    merchant = Merchant.objects.get(pk=picks[0][0])
    user = User.objects.create(username="search-bench", role=User.Role.MERCHANT_STAFF)
    Membership.objects.create(user=user, merchant=merchant)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user)[1]}")
    own = [q for m, q in queries if m == merchant.pk] or [q for _, q in queries]
    for query in own[:10]:  # warm caches (synonyms, prior, plans)
        client.get("/api/v1/search", {"q": query})
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/search", {"q": own[0]})
    print(f"database round trips per GET /api/v1/search (warm process): {len(captured.captured_queries)}")
    for statement in captured.captured_queries:
        print(f"    {statement['sql'][:110]}")
    load_before = os.getloadavg()[0]
    api, api_cpu = [], []
    for query in own * max(1, args.latency_queries // len(own)):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/search", {"q": query})
        api.append(time.perf_counter() - wall)
        api_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, response.content[:200]
    engine_learned, engine_learned_cpu, engine_plain, platform = [], [], [], []
    for merchant_id, query in queries:
        for samples, flag in ((engine_learned, True), (engine_plain, False)):
            t0, cpu = time.perf_counter(), time.process_time()
            search(SearchRequest(query=query, merchant_ids=[merchant_id], learned=flag))
            samples.append(time.perf_counter() - t0)
            if flag:
                engine_learned_cpu.append(time.process_time() - cpu)
        t0 = time.perf_counter()
        search(SearchRequest(query=query, merchant_ids=None))
        platform.append(time.perf_counter() - t0)
    load = (load_before + os.getloadavg()[0]) / 2
    listed = merchant.products.filter(active=True).count()
    print(f"latency, wall clock, machine load average {load:.1f} on {os.cpu_count()} CPUs (other work shares them):")
    print(f"  GET /api/v1/search, storefront {merchant.slug} ({listed:,} active products)  {_percentiles(api)}")
    print(f"    of which this process's CPU                                    {_percentiles(api_cpu)}")
    print(f"  engine, storefront, learned ranking                            {_percentiles(engine_learned)}")
    print(f"    of which this process's CPU                                    {_percentiles(engine_learned_cpu)}")
    print(f"  engine, storefront, plain full-text                            {_percentiles(engine_plain)}")
    print(f"  engine, every storefront (platform-wide)                       {_percentiles(platform)}")


if __name__ == "__main__":
    main()
