"""Latency and throughput of fraud scoring: the ASGI server under a steady request rate, then in-process.

1. simulate a few weeks of payments (ml.simulate.transactions), import all but the last days
   into a throwaway database with ``import_data`` (the project's own databases are refused),
   train and promote a model with the same trainer as ``manage.py train fraud --promote``; with
   Redis, warm the velocity state as an operator does after a bulk import (``rebuild_velocity``),
   so the timed payments meet the steady state, not one history query per first-seen customer;
2. start uvicorn (``config.asgi``) on a free loopback port against that database, configured as
   production runs it: DEBUG off, persistent database connections, uvloop + httptools, no
   access log, WARNING logs, ``--workers`` processes (printed with the results);
3. send the remaining payments, in time order, to ``POST /api/v1/fraud/score`` at a fixed rate
   (default 100 requests/s, open loop: request i is due at start + i / rate whether or not
   earlier ones have returned) from ``--clients`` keep-alive connections in one process;
4. print p50 / p95 / p99 latency measured from each request's *scheduled* time (so a slow
   server's queueing counts, no coordinated omission) and, beside it, from the moment it was
   sent; achieved throughput, errors and the share of fallbacks;
5. score further payments in this process through the service: one per call, then batches.

Targets on the 2-core machine: p99 < 25 ms at 100 requests/s, >= 2,000 payments/s in batches.

    .venv/bin/python bench/fraud_latency.py --database-url postgres://postgres@127.0.0.1:5432/h1_latency \\
        --redis-url redis://127.0.0.1:6379/1 [--requests 3000 --rate 100 --clients 8 --workers 2]
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fraud_quality import _body, _configure, _import, _refuse_non_empty, _simulate, _split  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--terminals", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=42, help="Simulated days; the last week is scored, the rest is history.")
    parser.add_argument("--requests", type=int, default=3_000, help="Timed HTTP requests (after 200 warm-up ones).")
    parser.add_argument("--rate", type=float, default=100.0, help="Requests per second sent to the server.")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent keep-alive connections.")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (one per core).")
    parser.add_argument("--in-process", type=int, default=6_000, help="Payments scored in process (half single, half batched).")
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument(
        "--review-threshold",
        type=float,
        default=0.5,
        help="Platform review threshold (RiskSettings). The model's own cut-off for 90%% recall on a small simulated "
        "history can send most payments to review, which is no queue anyone runs; a negative value keeps the model's.",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", metavar="FILE", help="Write a cProfile of the batched in-process scoring to FILE.")
    parser.add_argument("--database-url", help="A throwaway database (default: a fresh SQLite file in a temp dir).")
    parser.add_argument("--redis-url", default="", help="Redis for the live velocity state (default: none).")
    args = parser.parse_args()
    args.stream_weeks = 1  # what bench.fraud_quality's helpers read

    workdir = Path(tempfile.mkdtemp(prefix="fraud-latency-"))
    _configure(args, workdir)
    os.environ.update(SERVER_ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _refuse_non_empty()
    _flush_velocity()

    data, cut = _simulate(args)
    history, stream = _split(data.transactions, cut)
    started = time.perf_counter()
    _import(data, history, workdir, call_command)
    print(f"history: {len(history):,} payments imported in {time.perf_counter() - started:.1f}s; {len(stream):,} to score")
    if args.redis_url:
        started = time.perf_counter()
        call_command("rebuild_velocity", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"velocity state warmed in Redis (manage.py rebuild_velocity) in {time.perf_counter() - started:.1f}s")

    from apps.fraud.training import fraud_train
    from apps.mlops.pipeline import TrainingOptions

    started = time.perf_counter()
    outcome = fraud_train(options=TrainingOptions(promote=True), report=lambda progress, message: None)
    print(f"training: {time.perf_counter() - started:.1f}s -> {outcome.version}")
    if args.review_threshold >= 0:
        from apps.fraud.models import RiskSettings

        RiskSettings.objects.create(merchant=None, review_threshold=args.review_threshold)
        model_threshold = outcome.version.metrics.get("review_threshold")
        print(f"platform review threshold set to {args.review_threshold} (model's: {model_threshold})")

    bodies = [_body(row) for row in stream.itertuples(index=False)]
    needed = 200 + args.requests + args.in_process
    if len(bodies) < needed:
        sys.exit(f"the last week holds {len(bodies):,} payments, {needed:,} are needed: raise --customers")
    token = _admin_token()
    if args.requests:
        port = _free_port()
        server = _start_server(port, workdir, workers=args.workers)
        try:
            _drive(port, token, bodies[:200], rate=args.rate, clients=args.clients)  # warm-up: connections, caches, model
            timed = _drive(port, token, bodies[200 : 200 + args.requests], rate=args.rate, clients=args.clients)
        finally:
            server.terminate()
            server.wait(timeout=10)
        _report_http(timed, rate=args.rate, clients=args.clients, workers=args.workers, redis=bool(args.redis_url))
    _in_process(bodies[200 + args.requests : needed], batch_size=args.batch_size, profile=args.profile)


def _flush_velocity() -> None:
    from apps.fraud.velocity_store import velocity_store

    store = velocity_store()
    if store is not None:
        store.flush()


def _admin_token() -> str:
    from apps.accounts.models import ApiToken, User

    admin = User.objects.create(username="latency-admin", role=User.Role.PLATFORM_ADMIN, is_staff=True)
    return ApiToken.issue(user=admin, name="latency bench")[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVER_ENV = {"DJANGO_DEBUG": "false", "DB_CONN_MAX_AGE": "0", "DB_POOL": "true", "LOG_LEVEL": "WARNING"}
"""As production: no per-query debug bookkeeping. Persistent connections (CONN_MAX_AGE > 0) leak
one connection per request under ASGI (each request runs in a fresh thread context), so none."""


def _server_command(port: int, workers: int) -> list[str]:
    return [
        str(ROOT / ".venv/bin/uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]


def _start_server(port: int, workdir: Path, *, workers: int) -> subprocess.Popen:
    log = open(workdir / "uvicorn.log", "w")  # noqa: SIM115 (lives as long as the server)
    command = _server_command(port, workers)
    print(f"server: {' '.join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command))}; "
          + " ".join(f"{key}={value}" for key, value in SERVER_ENV.items()))
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300  # importing Django takes minutes on a busy shared machine
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"uvicorn did not answer on port {port}; see {workdir / 'uvicorn.log'}")


def _drive(port: int, token: str, bodies: list[dict], *, rate: float, clients: int) -> dict:
    """Open-loop load: request i is due at start + i / rate; each of `clients` threads keeps one connection.

    Latency is taken from the due time (what a caller waiting on the payment sees, queueing
    included) and, as service time, from the actual send.
    """
    work: queue.Queue = queue.Queue()
    latencies: list[float] = []
    service: list[float] = []
    statuses: dict[int, int] = {}
    flags = {"FALLBACK": 0, "FEATURES_FROM_DB": 0}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while (item := work.get()) is not None:
            due, body = item
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            connection.request("POST", "/api/v1/fraud/score", json.dumps(body), headers)
            response = connection.getresponse()
            payload = response.read()
            done = time.perf_counter()
            answer = json.loads(payload) if response.status in (200, 201) else {}
            with lock:
                latencies.append(done - due)
                service.append(done - sent)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                for flag in flags:
                    flags[flag] += flag in answer.get("flags", [])

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter() + 0.05
    for i, body in enumerate(bodies):
        work.put((start + i / rate, body))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "service": service, "statuses": statuses, "flags": flags, "elapsed": elapsed}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _report_http(result: dict, *, rate: float, clients: int, workers: int, redis: bool) -> None:
    ms = [value * 1000 for value in result["latencies"]]
    served = [value * 1000 for value in result["service"]]
    n = len(ms)
    print(f"\nHTTP POST /api/v1/fraud/score: {n:,} requests at {rate:.0f}/s target (open loop), {clients} keep-alive "
          f"clients, {workers} uvicorn worker(s), velocity state in {'Redis' if redis else 'the database'}")
    for label, samples in (("from due time", ms), ("from send", served)):
        print(f"  {label:14} p50 {_percentile(samples, 0.50):6.2f}   p95 {_percentile(samples, 0.95):6.2f}   "
              f"p99 {_percentile(samples, 0.99):6.2f}   max {max(samples):6.2f}   mean {statistics.fmean(samples):6.2f} ms")
    print(f"  throughput     {n / result['elapsed']:.1f} requests/s achieved; statuses {result['statuses']}")
    print(f"  flags          FALLBACK {result['flags']['FALLBACK']:,}, FEATURES_FROM_DB {result['flags']['FEATURES_FROM_DB']:,}")
    verdict = "meets" if _percentile(ms, 0.99) < 25 else "MISSES"
    print(f"  target         p99 (from due time) < 25 ms at 100 req/s: {verdict}")


def _in_process(bodies: list[dict], *, batch_size: int, profile: str | None = None) -> None:
    """The scoring service without HTTP: single calls, then batches (validated like the API does)."""
    from apps.accounts.models import User
    from apps.fraud.api.serializers import PaymentScoreInputSerializer
    from apps.fraud.api.views import _requests
    from apps.fraud.scoring import payments_score

    admin = User.objects.get(username="latency-admin")
    serializer = PaymentScoreInputSerializer(data=bodies, many=True)
    serializer.is_valid(raise_exception=True)
    requests = _requests(admin, serializer.validated_data)
    half = len(requests) // 2
    single, batched = requests[:half], requests[half:]

    started = time.perf_counter()
    for request in single:
        payments_score(requests=[request])
    single_rate = len(single) / (time.perf_counter() - started)

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    results = []
    for offset in range(0, len(batched), batch_size):
        if profiler:
            profiler.enable()
        results += payments_score(requests=batched[offset : offset + batch_size])
        if profiler:
            profiler.disable()
    batch_rate = len(batched) / (time.perf_counter() - started)
    if profiler:
        profiler.dump_stats(profile)
    fallbacks = sum("FALLBACK" in r.assessment.flags for r in results)
    print(f"\nin process ({len(single):,} single, {len(batched):,} in batches of {batch_size:,}; "
          f"{fallbacks} fallbacks in batches)")
    print(f"  single       {single_rate:8,.0f} payments/s ({1000 / single_rate:.2f} ms each, features + model + storage)")
    verdict = "meets" if batch_rate >= 2_000 else "MISSES"
    print(f"  batch        {batch_rate:8,.0f} payments/s   target >= 2,000/s: {verdict}")
    decisions = pd.Series([r.assessment.decision for r in results]).value_counts().to_dict()
    print(f"  decisions    {decisions}")


if __name__ == "__main__":
    main()
