"""Chat under load: concurrent shoppers' websockets exchanging messages with the bot through the
ASGI server (uvicorn, several workers) and the channels-redis layer.

1. migrate the bench database (refusing the project's own and any test_ database), create a
   bench storefront with a few products, train and promote the intent model (the same trainer
   as ``manage.py train chat_intents``);
2. start uvicorn on a free loopback port with ``--workers`` processes, Redis as channel layer;
3. open ``--clients`` websockets at once (anonymous shoppers), each sending ``--messages``
   messages with a random think time between them, and time each message from send to the
   bot's reply arriving on the socket;
4. print reply latency p50 / p95 / p99, messages per second and how many replies timed out
   (a reply is matched to its message through the shopper's echoed client id, so one arriving
   after its timeout is counted late, never taken for the next message's);
5. stop the server and wait for every uvicorn process (the master and each worker: workers
   finish their in-flight turns on shutdown) before counting, then check that the database holds
   every message sent, except those the server refused with an error, and a bot reply to each.

Target on the 2-core machine: p95 < 150 ms with 200 clients. Run it on an otherwise idle
machine, against a bench database of its own (created empty; migrated by the bench) and a Redis
database no one else uses:

    psql -h 127.0.0.1 -U postgres -c "create database chat_bench"
    .venv/bin/python bench/chat_load.py --database-url postgres://postgres@127.0.0.1:5432/chat_bench \\
        --redis-url redis://127.0.0.1:6379/7 [--clients 200 --messages 5 --think 2.0 --workers 2]

A quick check that it works: add `--clients 10 --messages 2`. bench/chat_turn.py profiles one
turn in process (CPU time, SQL statements).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.fraud_latency import SERVER_ENV, _free_port, _start_server  # noqa: E402

BENCH_MERCHANT = "chat-bench"
# Questions the bot answers without handing over (a handoff would silence it, by design).
MESSAGES = [
    "hi there",
    "what is your return policy",
    "how much is shipping",
    "is the personalised name mug dishwasher safe",
    "how long does customisation take",
    "can i change my order",
    "do you ship internationally",
    "what colours does the photo travel mug come in",
    "thanks, bye",
]
PROTECTED = {"shopsignal", "postgres"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="A bench database (never the project's own or a test_ one).")
    parser.add_argument("--redis-url", required=True, help="Redis for the channel layer and cache.")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5, help="Messages each client sends.")
    parser.add_argument("--think", type=float, default=2.0, help="Mean seconds between a reply and the next message.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reply-timeout", type=float, default=15.0,
                        help="Seconds a client waits for the bot's reply before counting it timed out.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    name = args.database_url.rsplit("/", 1)[-1]
    if name in PROTECTED or name.startswith("test_"):
        sys.exit(f"refusing to use {name!r}: give --database-url a bench database")
    workdir = Path(tempfile.mkdtemp(prefix="chat-load-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=args.database_url, REDIS_URL=args.redis_url,
        MEDIA_ROOT=str(workdir / "media"), MODEL_ARTIFACT_DIR=str(workdir / "models"), CELERY_TASK_ALWAYS_EAGER="true",
        # Every client shares 127.0.0.1: lift the per-IP limit (the per-connection one stays).
        CHAT_IP_MESSAGES_PER_MINUTE="100000000", THROTTLE_IP_RATE="100000000/min", **SERVER_ENV,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    merchant_id = _storefront()
    _train()
    from apps.chat.models import Message

    port = _free_port()
    server = _start_server(port, workdir, workers=args.workers)
    processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
    try:
        asyncio.run(_warm_up(port, workers=args.workers))
        before = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        result = asyncio.run(_drive(port, args))
    finally:
        _stop(server, processes)
    _report(result, args)
    _check_stored(merchant_id, before, result)


def _stop(server, processes: list) -> None:
    """Terminate uvicorn and wait for the master and every worker to exit: a worker finishes the
    turns it is running on shutdown, so counting before they are gone counts too few."""
    server.terminate()
    started = time.perf_counter()
    _, alive = psutil.wait_procs(processes, timeout=120)
    if alive:
        print(f"{len(alive)} uvicorn processes still running after 120 s: killed; the count below may be short")
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=10)
    print(f"server stopped: {len(processes)} uvicorn processes (master and workers) exited "
          f"in {time.perf_counter() - started:.1f}s")


def _storefront() -> int:
    from decimal import Decimal

    from apps.catalog.models import Product
    from apps.merchants.models import Merchant

    merchant, _ = Merchant.objects.get_or_create(
        slug=BENCH_MERCHANT, defaults={"name": "Chat Bench", "external_id": "M-CHAT-BENCH"})
    for n, (title, material) in enumerate([("Personalised Name Mug", "ceramic"), ("Photo Travel Mug", "steel"),
                                           ("Custom Star Map Poster", "paper"), ("Embroidered Initial Tee", "cotton")]):
        Product.objects.get_or_create(external_id=f"CHAT-BENCH-{n}", defaults={
            "merchant": merchant, "title": title, "price": Decimal("19.99"), "stock": 10, "customisable": True,
            "attributes": {"material": material, "colours": ["white", "black"]}})
    return merchant.pk


def _train() -> None:
    from apps.chat.training import chat_intents_train
    from apps.mlops.pipeline import TrainingOptions

    started = time.perf_counter()
    outcome = chat_intents_train(options=TrainingOptions(promote=True), report=lambda progress, message: None)
    print(f"intent model: {outcome.version} in {time.perf_counter() - started:.1f}s; {outcome.promotion_reason}")


def _url(port: int) -> str:
    return f"ws://127.0.0.1:{port}/ws/chat/?merchant={BENCH_MERCHANT}"


async def _warm_up(port: int, *, workers: int) -> None:
    """One conversation per worker (roughly): loads the model, the FAQ index and the catalog."""
    import websockets

    for _ in range(workers * 2):
        async with websockets.connect(_url(port), origin=f"http://127.0.0.1:{port}") as socket:
            await socket.recv()
            await socket.send(json.dumps({"type": "message", "text": "hello", "client_id": uuid.uuid4().hex}))
            while json.loads(await socket.recv()).get("message", {}).get("sender") != "bot":
                pass


async def _client(port: int, args, rng: random.Random, start: asyncio.Event, out: dict) -> None:
    import websockets

    try:
        async with websockets.connect(_url(port), origin=f"http://127.0.0.1:{port}", open_timeout=30) as socket:
            json.loads(await socket.recv())  # hello
            out["connected"] += 1
            await start.wait()
            offset = rng.randrange(len(MESSAGES))
            for i in range(args.messages):
                await asyncio.sleep(rng.expovariate(1 / args.think))
                text = MESSAGES[(offset + i) % len(MESSAGES)]
                client_id = uuid.uuid4().hex
                sent = time.perf_counter()
                await socket.send(json.dumps({"type": "message", "text": text, "client_id": client_id}))
                out["sent"] += 1
                try:
                    await asyncio.wait_for(_reply(socket, client_id, sent, out), timeout=args.reply_timeout)
                except TimeoutError:
                    out["timeouts"] += 1
    except (OSError, websockets.exceptions.WebSocketException):
        out["failed"] += 1


async def _reply(socket, client_id: str, sent: float, out: dict) -> None:
    """Wait for the bot's reply to the message `client_id`: the bot message following that
    message's echo (the server sends a turn's shopper message, then the reply). A bot message
    before the echo answers an earlier, timed-out message: counted late, not timed."""
    echoed = False
    while True:
        event = json.loads(await socket.recv())
        if event["type"] == "error" and event.get("client_id") == client_id:
            out["errors"] += 1
            return
        if event["type"] != "message":
            continue
        message = event["message"]
        if message["sender"] == "shopper" and message.get("client_id") == client_id:
            echoed = True
        elif message["sender"] == "bot" and echoed:
            out["latencies"].append((time.perf_counter() - sent) * 1000)
            out["replies"] += 1
            return
        elif message["sender"] == "bot":
            out["late"] += 1


async def _drive(port: int, args) -> dict:
    out = {"connected": 0, "sent": 0, "replies": 0, "errors": 0, "timeouts": 0, "late": 0, "failed": 0,
           "latencies": []}
    start = asyncio.Event()
    rng = random.Random(args.seed)
    tasks = [asyncio.create_task(_client(port, args, random.Random(rng.random()), start, out)) for _ in range(args.clients)]
    while out["connected"] + out["failed"] < args.clients:
        await asyncio.sleep(0.05)
    started = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    out["seconds"] = time.perf_counter() - started
    return out


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _report(result: dict, args) -> None:
    latencies = result["latencies"]
    print(f"\n{args.clients} websocket clients ({result['connected']} connected, {result['failed']} failed), "
          f"{args.messages} messages each, think time ~{args.think}s, {args.workers} uvicorn workers, channels-redis")
    print(f"sent {result['sent']}, bot replies {result['replies']}, errors {result['errors']}, "
          f"timed out (no reply within {args.reply_timeout:g} s) {result['timeouts']}, "
          f"of which arrived late on the socket {result['late']}, in {result['seconds']:.1f}s")
    if latencies:
        print(f"bot reply latency: p50 {statistics.median(latencies):.0f} ms, p95 {_percentile(latencies, 0.95):.0f} ms, "
              f"p99 {_percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms (target p95 < 150 ms)")
    stored = result["sent"] + result["replies"]
    print(f"throughput: {result['sent'] / result['seconds']:.1f} shopper messages/s, "
          f"{stored / result['seconds']:.1f} stored messages/s (shopper + bot); the clients' think times set this "
          "rate (a run lasts as long as its slowest client), so it is the load offered, not the server's limit")


def _check_stored(merchant_id: int, before: int, result: dict) -> None:
    """Every message sent and not refused is in the database, and so is a bot reply to each
    (timed-out replies included: the workers have exited, their turns are finished)."""
    from apps.chat.models import Message

    rows = Message.objects.filter(pk__gt=before, conversation__merchant_id=merchant_id)
    shopper, bot = rows.filter(sender="shopper").count(), rows.filter(sender="bot").count()
    expected = result["sent"] - result["errors"]
    ok = shopper == expected and bot == expected
    print(f"stored after the workers exited: {shopper} shopper messages, {bot} bot replies; expected {expected} of each "
          f"(sent {result['sent']}, refused {result['errors']}; {result['replies']} replies arrived in time, "
          f"{result['timeouts']} timed out) -> {'every message stored' if ok else 'MISMATCH'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
