"""One shopper's bot turns in process, through the real consumer: CPU time, SQL statements and
time spent in the database per turn.

Drives `ShopperChatConsumer` with Channels' `WebsocketCommunicator` (receive -> rate limits ->
NLU -> answer -> store -> channel-layer send -> the reply on the socket), cycling through the
load bench's messages, and counts every statement Django sends on any thread (BEGIN and COMMIT
included) with the time spent in them, and every Redis round trip (cache and channel layer: a
command, or a pipeline of them). CPU time is `time.process_time()` (all threads of the
process), so it is comparable between runs on a loaded machine where wall times are not.

    .venv/bin/python bench/chat_turn.py --database-url postgres://postgres@127.0.0.1:5432/h4 [--turns 90]

Without --redis-url the channel layer is in memory and the cache local (only the application's
own work is measured); with it, both are Redis as in production. The shopper has one socket, so a
turn's broadcast skips the conversation's group (apps.chat.groups.broadcast): the usual case. The database is migrated and
gets the same bench storefront as bench/chat_load.py.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chat_load import BENCH_MERCHANT, MESSAGES, PROTECTED, _storefront  # noqa: E402
from bench.fraud_latency import SERVER_ENV  # noqa: E402


class StatementLog:
    """Every statement of every database connection of the process: count, kind, seconds."""

    def __init__(self):
        self.kinds: Counter[str] = Counter()
        self.seconds = 0.0
        self.connections: set = set()

    def wrapper(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.kinds[sql.split(None, 1)[0].upper()] += 1

    def connected(self, sender, connection, **kwargs) -> None:
        if self.wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(self.wrapper)
            # BEGIN and COMMIT are not cursor statements: take them from Django's transaction log.
            connection.force_debug_cursor = True
            self.connections.add(connection)

    def transactions(self) -> tuple[Counter[str], float]:
        """BEGIN and COMMIT so far, counted, and their seconds (a COMMIT waits for the WAL flush)."""
        logged = [q for c in self.connections for q in c.queries_log if q["sql"] in ("BEGIN", "COMMIT")]
        return Counter(q["sql"] for q in logged), sum(float(q["time"]) for q in logged)


class RedisLog:
    """Round trips to Redis from any client of the process (sync cache, asyncio channel layer), by command."""

    def __init__(self):
        self.round_trips: Counter[str] = Counter()

    def install(self) -> None:
        import redis.asyncio.client
        import redis.client

        for client in (redis.client.Redis, redis.asyncio.client.Redis):
            client.execute_command = self._counting(client.execute_command, lambda client, args: str(args[0]))
        for pipeline in (redis.client.Pipeline, redis.asyncio.client.Pipeline):
            pipeline.execute = self._counting(pipeline.execute, lambda pipe, args: "pipeline[" + "+".join(
                str(command[0][0]) for command in pipe.command_stack) + "]")

    def _counting(self, method, name):
        def counted(client, *args, **kwargs):
            self.round_trips[name(client, args)] += 1
            return method(client, *args, **kwargs)  # the asyncio client's coroutine is awaited by the caller

        return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="A bench database (never the project's own or a test_ one).")
    parser.add_argument("--redis-url", default="", help="Redis for the channel layer and cache (default: in memory).")
    parser.add_argument("--turns", type=int, default=90, help="Bot turns to measure (after one warm-up turn).")
    args = parser.parse_args()

    name = args.database_url.rsplit("/", 1)[-1]
    if name in PROTECTED or name.startswith("test_"):
        sys.exit(f"refusing to use {name!r}: give --database-url a bench database")
    workdir = Path(tempfile.mkdtemp(prefix="chat-turn-"))
    os.environ.pop("REDIS_URL", None)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=args.database_url,
                      MEDIA_ROOT=str(workdir / "media"), MODEL_ARTIFACT_DIR=str(workdir / "models"),
                      CHAT_IP_MESSAGES_PER_MINUTE="100000000", CHAT_CONNECTION_MESSAGES_PER_MINUTE="100000000",
                      **({"REDIS_URL": args.redis_url} if args.redis_url else {}), **SERVER_ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _storefront()
    from apps.chat import nlu
    from ml.chat.examples import examples_load
    from ml.chat.intents import train_intent_classifier

    # Served as the registry's production model would be, without registering a version.
    nlu._model.update(checked=time.monotonic() + 3600, classifier=train_intent_classifier(examples_load()),
                      version="bench")
    log, redis_log = StatementLog(), RedisLog()
    redis_log.install()
    from django.db.backends.signals import connection_created

    connection_created.connect(log.connected, weak=False)
    turns = asyncio.run(_turns(args.turns, log, redis_log))
    _report(turns, args)


async def _turns(count: int, log: StatementLog, redis_log: RedisLog) -> list[dict]:
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from apps.chat.consumers import ShopperChatConsumer

    socket = WebsocketCommunicator(ShopperChatConsumer.as_asgi(), f"/ws/chat/?merchant={BENCH_MERCHANT}")
    socket.scope["user"] = AnonymousUser()
    socket.scope["client"] = ("127.0.0.1", 5000)
    connected, _ = await socket.connect(timeout=30)
    assert connected, "the bench storefront's socket was refused"
    await socket.receive_json_from(timeout=30)
    turns = []
    for i in range(count + 1):
        text = MESSAGES[i % len(MESSAGES)]
        kinds, (transactions, commit_seconds), db_seconds = Counter(log.kinds), log.transactions(), log.seconds
        redis_before = Counter(redis_log.round_trips)
        cpu, wall = time.process_time(), time.perf_counter()
        await socket.send_json_to({"type": "message", "text": text, "client_id": f"turn-{time.time_ns()}-{i}"})
        while True:
            event = await socket.receive_json_from(timeout=30)
            if event["type"] == "error":
                sys.exit(f"the bot refused {text!r}: {event}")
            if event["type"] == "message" and event["message"]["sender"] == "bot":
                break
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        transactions_now, commit_seconds_now = log.transactions()
        turn = {"text": text, "cpu": cpu, "wall": wall,
                "db": log.seconds - db_seconds + commit_seconds_now - commit_seconds, "kinds": log.kinds - kinds,
                "transactions": transactions_now - transactions, "redis": redis_log.round_trips - redis_before}
        if i:  # the first turn loads the FAQ index and the catalog vocabulary
            turns.append(turn)
    await socket.disconnect()
    return turns


def _report(turns: list[dict], args) -> None:
    def ms(values) -> str:
        return f"median {statistics.median(values) * 1000:.2f} ms, mean {statistics.fmean(values) * 1000:.2f} ms"

    print(f"{len(turns)} bot turns, one anonymous shopper, channel layer {'Redis' if args.redis_url else 'in memory'}")
    print(f"CPU time per turn (process_time, all threads): {ms([t['cpu'] for t in turns])}")
    print(f"wall time per turn: {ms([t['wall'] for t in turns])}; "
          f"in the database (statements, BEGIN, COMMIT): {ms([t['db'] for t in turns])}")
    print("statements per turn, by message (Django statements + BEGIN/COMMIT):")
    for text in MESSAGES:
        mine = [t for t in turns if t["text"] == text]
        if mine:
            kinds = mine[-1]["kinds"] + mine[-1]["transactions"]
            print(f"  {sum(kinds.values()):>2}  {dict(sorted(kinds.items()))}  {text!r}")
    total = sum(sum((t["kinds"] + t["transactions"]).values()) for t in turns)
    print(f"mean statements per turn: {total / len(turns):.2f}")
    if args.redis_url:
        redis = sum((t["redis"] for t in turns), Counter())
        print(f"Redis round trips per turn: mean {sum(redis.values()) / len(turns):.2f} "
              f"({', '.join(f'{name} {n / len(turns):.2f}' for name, n in sorted(redis.items()))})")


if __name__ == "__main__":
    main()
