"""Mixed, realistic load against the whole running stack (uvicorn + PostgreSQL + Redis), driven by locust.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/load.py [--duration 60 --users 30 --workers 2]
    ... bench/load.py --soak [--rate 20 --users 10]      # 10 minutes at a steady 20 requests/s

1. migrate the database and seed a small demo marketplace when it is empty (`seed_demo --if-empty`,
   the Makefile's seed step; 600 shoppers, 120 products, 30 days by default); create (or reuse) a
   platform API client with a bearer token and a merchant staff login for the portal;
2. start uvicorn (`config.asgi`) on a free loopback port with `--workers` processes against
   DATABASE_URL / REDIS_URL, as production runs it: DEBUG off, psycopg pool, uvloop + httptools,
   no access log. Per-client rate limits (API throttles, chat messages per IP) are lifted: every
   simulated client shares 127.0.0.1, so they would measure the limiter, not the service;
3. run locust headless (this file is also the locustfile) for `--duration` seconds with three kinds of
   users, by weight: storefront backends (bearer token: event batches, recommendations, search,
   fraud scoring), shoppers (anonymous chat over the HTTP fallback, keeping their signed visitor id)
   and merchant staff (a logged-in session opening the dashboard, catalog, a product and orders);
4. sample the server processes' memory (psutil: RSS of uvicorn and its workers) every second;
5. print throughput and p50 / p95 / p99 per endpoint (requests in the first `--warmup` seconds
   excluded, errors always counted), the error count, and peak memory. Exit status 1 on any error.

`--soak` runs 10 minutes (`--soak-minutes`) at a steady `--rate` (constant throughput per user) and prints, per minute,
requests, p50 / p95 / p99 and the servers' memory, then the slopes of memory (MB per minute) and of
p95 latency (ms per minute) over minutes 2..10 by least squares: memory must not grow without
bound and latency must not drift. Baseline in the same run: minute 2 (after warm-up).

The machine the figures come from matters: on a shared, loaded host they are not the service's.
Seeds nothing into a database that already holds products; writes scored payments, events and chat
conversations into it, so point it at a throwaway database.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN_ENV, LOG_ENV = "SHOPSIGNAL_LOAD_PLAN", "SHOPSIGNAL_LOAD_LOG"
ENDPOINTS = {
    "events": "POST /api/v1/events (batch of 5)",
    "recs": "GET /api/v1/recommendations/user/{id}",
    "search": "GET /api/v1/search",
    "fraud": "POST /api/v1/fraud/score",
    "chat": "POST /api/v1/chat/messages",
    "dashboard": "GET / (portal dashboard)",
    "catalog": "GET /catalog/",
    "product": "GET /catalog/{id}/",
    "orders": "GET /orders/",
    "login": "POST /accounts/login/",
}

# --- the locustfile: defined only when locust imports this file with a plan (never in the driver,
# which must not import locust: its gevent monkey-patching would change Django's threads and sockets).
if __name__ != "__main__" and os.environ.get(PLAN_ENV):
    import random
    import re
    import uuid
    from datetime import UTC, datetime

    from locust import HttpUser, between, constant_throughput, events, task

    PLAN = json.loads(Path(os.environ[PLAN_ENV]).read_text())
    _LOG = open(os.environ[LOG_ENV], "a")  # noqa: SIM115 (closed when locust quits)
    CHAT_TEXTS = [
        "Where is my order?",
        "Do you ship to France?",
        "Can I personalise the mug with a name?",
        "How long does delivery take?",
        "What is your returns policy?",
        "Is the necklace silver?",
    ]

    @events.request.add_listener
    def _record(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
        status = getattr(response, "status_code", 0)
        _LOG.write(f"{time.time():.3f}\t{name}\t{response_time:.3f}\t{int(exception is not None)}\t{status}\n")

    @events.quitting.add_listener
    def _close(environment, **kwargs):
        _LOG.close()

    def _wait():
        if PLAN["rate_per_user"]:
            return constant_throughput(PLAN["rate_per_user"])
        return between(PLAN["think_min"], PLAN["think_max"])

    def _expect(response, *statuses: int) -> None:
        if response.status_code not in statuses:
            response.failure(f"{response.status_code}: {response.text[:200]}")

    class StorefrontBackend(HttpUser):
        """A merchant's storefront backend with a bearer token."""

        weight = 6
        wait_time = _wait()

        def on_start(self) -> None:
            self.client.headers["Authorization"] = f"Bearer {PLAN['token']}"
            self.merchant = random.choice(PLAN["merchants"])

        @task(6)
        def send_events(self) -> None:
            customer, session = random.choice(PLAN["customers"]), uuid.uuid4().hex
            now = datetime.now(UTC).isoformat()
            batch = [
                {
                    "event_id": f"load-{uuid.uuid4().hex}",
                    "timestamp": now,
                    "event_type": random.choice(["view", "view", "view", "add_to_cart", "wishlist"]),
                    "customer_id": customer,
                    "session_id": session,
                    "product_id": random.choice(self.merchant["products"]),
                }
                for _ in range(5)
            ]
            with self.client.post("/api/v1/events", json=batch, name=ENDPOINTS["events"], catch_response=True) as r:
                _expect(r, 201, 200)

        @task(4)
        def recommendations(self) -> None:
            customer = random.choice(PLAN["customers"])
            url = f"/api/v1/recommendations/user/{customer}"
            params = {"merchant": self.merchant["external_id"]}
            with self.client.get(url, params=params, name=ENDPOINTS["recs"], catch_response=True) as r:
                _expect(r, 200)

        @task(4)
        def search(self) -> None:
            query = random.choice(PLAN["queries"])
            with self.client.get("/api/v1/search", params={"q": query}, name=ENDPOINTS["search"], catch_response=True) as r:
                _expect(r, 200)

        @task(2)
        def score_payment(self) -> None:
            body = {
                "transaction_id": f"load-{uuid.uuid4().hex}",
                "customer_id": random.choice(PLAN["customers"]),
                "merchant_id": self.merchant["external_id"],
                "amount": f"{random.lognormvariate(3.3, 0.6):.2f}",
                "currency": "USD",
                "card_id": f"card-{random.randrange(5000)}",
                "device_id": f"dev-{random.randrange(5000)}",
                "ip_address": f"81.2.{random.randrange(256)}.{random.randrange(1, 255)}",
                "merchant_category": "gifts",
            }
            with self.client.post("/api/v1/fraud/score", json=body, name=ENDPOINTS["fraud"], catch_response=True) as r:
                _expect(r, 200, 201)

    class Shopper(HttpUser):
        """An anonymous shopper chatting through the widget's HTTP fallback."""

        weight = 1
        wait_time = _wait()

        def on_start(self) -> None:
            self.merchant = random.choice(PLAN["merchants"])["slug"]
            self.visitor = ""

        @task
        def chat(self) -> None:
            body = {"merchant": self.merchant, "visitor": self.visitor, "text": random.choice(CHAT_TEXTS),
                    "client_id": uuid.uuid4().hex}
            with self.client.post("/api/v1/chat/messages", json=body, name=ENDPOINTS["chat"], catch_response=True) as r:
                _expect(r, 201)
                if r.status_code == 201:
                    self.visitor = r.json().get("visitor", "") or self.visitor

    class MerchantStaff(HttpUser):
        """A merchant's staff member browsing the portal with a signed-in session."""

        weight = 1
        wait_time = _wait()

        def on_start(self) -> None:
            page = self.client.get("/accounts/login/", name="GET /accounts/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            form = {"username": PLAN["staff_username"], "password": PLAN["staff_password"],
                    "csrfmiddlewaretoken": token.group(1) if token else ""}
            with self.client.post("/accounts/login/", data=form, allow_redirects=False, name=ENDPOINTS["login"],
                                  catch_response=True) as r:
                _expect(r, 302)

        def _page(self, url: str, key: str) -> None:
            with self.client.get(url, allow_redirects=False, name=ENDPOINTS[key], catch_response=True) as r:
                _expect(r, 200)

        @task(3)
        def dashboard(self) -> None:
            self._page("/", "dashboard")

        @task(2)
        def catalog(self) -> None:
            self._page("/catalog/", "catalog")

        @task(2)
        def product(self) -> None:
            self._page(f"/catalog/{random.choice(PLAN['staff_products'])}/", "product")

        @task(1)
        def orders(self) -> None:
            self._page("/orders/", "orders")


# --- the driver ----------------------------------------------------------------------------------------

SERVER_ENV = {
    "DJANGO_DEBUG": "false",
    "DB_CONN_MAX_AGE": "0",
    "DB_POOL": "true",
    "LOG_LEVEL": "WARNING",
    "THROTTLE_TOKEN_RATE": "100000000/min",
    "THROTTLE_IP_RATE": "100000000/min",
    "CHAT_IP_MESSAGES_PER_MINUTE": "100000000",
}
STAFF_USERNAME, CLIENT_USERNAME = "load-merchant", "load-client"
SOAK_SECONDS = 600


def _arguments():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load (not with --soak).")
    parser.add_argument("--users", type=int, default=30, help="Concurrent simulated users (locust -u).")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="Users started per second.")
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0), metavar=("MIN", "MAX"),
                        help="Seconds each user waits between requests (not with --soak).")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (one per core).")
    parser.add_argument("--warmup", type=float, default=5.0, help="Seconds excluded from the latency figures.")
    parser.add_argument("--soak", action="store_true", help="10 minutes at a steady --rate, with figures per minute.")
    parser.add_argument("--rate", type=float, default=20.0, help="--soak: requests per second over all users.")
    parser.add_argument("--soak-minutes", type=int, default=SOAK_SECONDS // 60, help="--soak: its length (default 10).")
    parser.add_argument("--customers", type=int, default=600, help="Seeded shoppers (only when the database is empty).")
    parser.add_argument("--products", type=int, default=120)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres") or not args.redis_url:
        parser.error("set DATABASE_URL (PostgreSQL) and REDIS_URL, or pass --database-url and --redis-url")
    if args.soak:
        args.duration = 60 * args.soak_minutes
    return args


def _prepare(args, workdir: Path) -> Path:
    """Migrate, seed when empty, create the bench logins; write the plan the locust users read."""
    import secrets

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from apps.accounts.models import ApiToken, User
    from apps.catalog.models import Product
    from apps.customers.models import Customer
    from apps.merchants.models import Membership, Merchant

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", customers=args.customers, products=args.products, days=args.days, if_empty=True,
                 verbosity=0)
    print(f"data: {Product.objects.count():,} products, {Customer.objects.count():,} customers "
          f"(seed/check {time.perf_counter() - started:.1f}s)")
    client, _ = User.objects.get_or_create(username=CLIENT_USERNAME, defaults={"role": User.Role.PLATFORM_ADMIN})
    token = ApiToken.issue(user=client, name="load bench")[1]
    merchants = list(Merchant.objects.order_by("pk"))
    staff, _ = User.objects.get_or_create(username=STAFF_USERNAME, defaults={"role": User.Role.MERCHANT_STAFF})
    password = secrets.token_urlsafe(16)
    staff.set_password(password)
    staff.save()
    Membership.objects.get_or_create(user=staff, merchant=merchants[0])
    plan = {
        "token": token,
        "staff_username": STAFF_USERNAME,
        "staff_password": password,
        "staff_products": list(Product.objects.filter(merchant=merchants[0]).values_list("external_id", flat=True)[:200]),
        "merchants": [
            {"slug": m.slug, "external_id": m.external_id,
             "products": list(Product.objects.filter(merchant=m, active=True).values_list("external_id", flat=True)[:500])}
            for m in merchants
        ],
        "customers": list(Customer.objects.order_by("?").values_list("external_id", flat=True)[:2000]),
        "queries": _queries(Product.objects.values_list("title", flat=True)[:500]),
        "rate_per_user": args.rate / args.users if args.soak else 0.0,
        "think_min": args.think[0],
        "think_max": args.think[1],
    }
    plan["merchants"] = [m for m in plan["merchants"] if m["products"]]
    if not plan["merchants"] or not plan["customers"] or not plan["staff_products"]:
        sys.exit("the database holds no products or customers to load with; seed it (make seed)")
    connections.close_all()
    path = workdir / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def _queries(titles) -> list[str]:
    """Search terms shoppers would type: single words of product titles, and a few two-word ones."""
    words = sorted({word.lower() for title in titles for word in title.split() if len(word) > 3 and word.isalpha()})
    pairs = [" ".join(title.lower().split()[:2]) for title in list(titles)[:50]]
    return words[:200] + pairs


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(port: int, workers: int, workdir: Path):
    import http.client
    import subprocess

    command = [str(ROOT / ".venv/bin/uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
               "--log-level", "warning"]
    log = open(workdir / "uvicorn.log", "w")  # noqa: SIM115 (lives as long as the server)
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    print(f"server: uvicorn config.asgi --workers {workers} on 127.0.0.1:{port}; "
          + " ".join(f"{key}={value}" for key, value in SERVER_ENV.items()))
    deadline = time.monotonic() + 300  # importing Django, pandas and scikit-learn per worker: >60s on a busy host
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")  # liveness: the process answers, whatever its dependencies
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"uvicorn did not answer on port {port}; see {workdir / 'uvicorn.log'}")


class MemorySampler:
    """RSS of the server process tree (uvicorn and its workers), sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        import threading

        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float, int]] = []  # (time, total RSS in MB, processes)
        self.peak_per_process: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        while not self._stop.is_set():
            total, count = 0.0, 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    rss = process.memory_info().rss / 2**20
                except psutil.NoSuchProcess:
                    continue
                total += rss
                count += 1
                self.peak_per_process[process.pid] = max(self.peak_per_process.get(process.pid, 0.0), rss)
            self.samples.append((time.time(), total, count))
            self._stop.wait(self.interval)


def _stop_server(server) -> None:
    """SIGTERM (uvicorn drains and stops its workers), then SIGKILL to the whole tree if it lingers."""
    import subprocess

    import psutil

    children = psutil.Process(server.pid).children(recursive=True)
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


def _run_locust(args, port: int, plan: Path, log: Path, workdir: Path) -> int:
    import subprocess

    command = [str(ROOT / ".venv/bin/locust"), "-f", str(Path(__file__).resolve()), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
               "--host", f"http://127.0.0.1:{port}", "--only-summary", "--stop-timeout", "10",
               "--loglevel", "WARNING"]
    env = {**os.environ, PLAN_ENV: str(plan), LOG_ENV: str(log)}
    mode = f"soak: {args.rate:g} requests/s steady" if args.soak else f"think time {args.think[0]:g}-{args.think[1]:g}s"
    print(f"load: locust headless, {args.users} users (spawn {args.spawn_rate:g}/s), {args.duration}s, {mode}")
    with open(workdir / "locust.log", "w") as output:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT).returncode


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _read_log(log: Path) -> list[tuple[float, str, float, int, int]]:
    rows = []
    for line in log.read_text().splitlines():
        stamp, name, elapsed, failed, status = line.split("\t")
        rows.append((float(stamp), name, float(elapsed), int(failed), int(status)))
    return sorted(rows)


def _report(rows, sampler: MemorySampler, *, warmup: float) -> int:
    if not rows:
        print("no request was made: see locust.log")
        return 1
    start, end = rows[0][0], rows[-1][0]
    timed = [row for row in rows if row[0] >= start + warmup]
    seconds = max(1e-9, end - (start + warmup))
    print(f"\n{len(rows):,} requests in {end - start:.0f}s; figures below exclude the first {warmup:g}s "
          f"({len(timed):,} requests over {seconds:.0f}s)")
    print(f"{'endpoint':<44} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    names = sorted({row[1] for row in rows})
    for name in [*names, "all"]:
        chosen = [row for row in timed if name in ("all", row[1])]
        latencies = sorted(row[2] for row in chosen)
        errors = sum(row[3] for row in rows if name in ("all", row[1]))
        print(f"{name:<44} {len(chosen):>9,} {len(chosen) / seconds:>7.1f} {_percentile(latencies, 0.5):>8.1f} "
              f"{_percentile(latencies, 0.95):>8.1f} {_percentile(latencies, 0.99):>8.1f} {errors:>7}")
    errors = [row for row in rows if row[3]]
    print(f"errors: {len(errors)}" + (" (statuses: " + ", ".join(
        f"{status} x{sum(1 for row in errors if row[4] == status)}" for status in sorted({row[4] for row in errors})) + ")"
        if errors else ""))
    if sampler.samples:
        peak = max(sample[1] for sample in sampler.samples)
        processes = max(sample[2] for sample in sampler.samples)
        biggest = max(sampler.peak_per_process.values())
        print(f"server memory: peak {peak:.0f} MB RSS over {processes} processes (largest single process "
              f"{biggest:.0f} MB); at start {sampler.samples[0][1]:.0f} MB, at end {sampler.samples[-1][1]:.0f} MB")
    return 1 if errors else 0


def _soak_report(rows, sampler: MemorySampler) -> None:
    import numpy as np

    start = rows[0][0]
    minutes = int((rows[-1][0] - start) // 60) + 1
    print(f"\nper minute (steady {len(rows) / max(1.0, rows[-1][0] - start):.1f} requests/s achieved overall):")
    print(f"{'minute':>6} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'RSS MB':>8} {'max MB':>8}")
    per_minute = []
    for minute in range(minutes):
        low, high = start + 60 * minute, start + 60 * (minute + 1)
        chosen = [row for row in rows if low <= row[0] < high]
        latencies = sorted(row[2] for row in chosen)
        memory = [sample[1] for sample in sampler.samples if low <= sample[0] < high]
        if not chosen or not memory or rows[-1][0] - low < 55:  # a partial last minute says nothing
            continue
        figures = (minute + 1, len(chosen), _percentile(latencies, 0.5), _percentile(latencies, 0.95),
                   _percentile(latencies, 0.99), sum(row[3] for row in chosen), float(np.mean(memory)), max(memory))
        per_minute.append(figures)
        print(f"{figures[0]:>6} {figures[1]:>9,} {figures[1] / 60:>7.1f} {figures[2]:>8.1f} {figures[3]:>8.1f} "
              f"{figures[4]:>8.1f} {figures[5]:>7} {figures[6]:>8.0f} {figures[7]:>8.0f}")
    steady = [row for row in per_minute if row[0] >= 2]
    if len(steady) < 3:
        print("too few whole minutes after the first for slopes")
        return
    x = np.array([row[0] for row in steady], dtype=float)
    memory_slope = np.polyfit(x, [row[6] for row in steady], 1)[0]
    p95_slope = np.polyfit(x, [row[3] for row in steady], 1)[0]
    first, last = steady[0], steady[-1]
    print(f"memory slope over minutes {int(x[0])}-{int(x[-1])}: {memory_slope:+.2f} MB/min "
          f"({memory_slope / first[6]:+.2%} of minute {first[0]}'s {first[6]:.0f} MB per minute); "
          f"p95 slope {p95_slope:+.2f} ms/min (p95 minute {first[0]}: {first[3]:.1f} ms, minute {last[0]}: {last[3]:.1f} ms)")


def main() -> int:
    import tempfile

    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=args.database_url,
                      REDIS_URL=args.redis_url, **SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    plan = _prepare(args, workdir)
    port = _free_port()
    server = _start_server(port, args.workers, workdir)
    sampler = MemorySampler(server.pid).start()
    log = workdir / "requests.tsv"
    try:
        locust_status = _run_locust(args, port, plan, log, workdir)
    finally:
        sampler.stop()
        _stop_server(server)
    rows = _read_log(log) if log.exists() else []
    status = _report(rows, sampler, warmup=args.warmup)
    if args.soak and rows:
        _soak_report(rows, sampler)
    print(f"logs: {workdir} (uvicorn.log, locust.log, requests.tsv); locust exit status {locust_status}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
