"""The live velocity state in Redis: ml.fraud.velocity's layout, one pipelined round trip per read or write.

Per customer: a sorted set of prior payments (score = event time, trimmed like
`ml.fraud.velocity.retained`: the last 7 days plus the newest 30), a hash with the payment
count, the newest event time and the last geolocated point, and sets of devices, cards and
countries ever seen. Per card and per device: a sorted set of their payments of the last 7 days.

Members are fixed-width big-endian binary (`ml.fraud.live_batch.Events` fields): the payment pk
(8 bytes), event time and amount (float64 each) and, in a customer's set, the 63-bit codes of
its merchant, device, card and IP (`ml.fraud.live_batch.id_code`): 56 bytes a customer event, 24
a card or device event. A whole set decodes with one `numpy.frombuffer`, where the former JSON
members (`fraud:v1:`, left to expire) cost a `json.loads` and a Python object per event. The pk
leads the member, so payments with equal timestamps keep the database's (timestamp, pk) order
(Redis orders equal scores by member bytes), the order the batch features use.

Redis is a cache of the database here, not the truth: an entity Redis does not hold (new
deployment, imported history, expired TTL, flushed keys) is *hydrated* from the payments table
the first time it is read, and a hydration marker says it was. Every key of an entity expires
together after FRAUD_VELOCITY_TTL_DAYS without payments, and is rebuilt from the database on
its next payment, so the TTL bounds memory without losing history.
"""
from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import redis
from django.conf import settings

from ml.fraud.live_batch import ID_FIELDS, CustomerBase, Events, id_code
from ml.fraud.velocity import AMOUNT_PROFILE_SIZE, LONGEST_WINDOW_SECONDS, GeoPoint, PaymentEvent

logger = logging.getLogger(__name__)

KEY_PREFIX = "fraud:v2:"
CIRCUIT_OPEN_SECONDS = 5.0
"""After a connection error, Redis is not tried again for this long: a dead Redis must not add a timeout to every payment."""

ENTITY_MEMBER = np.dtype([("pk", ">u8"), ("ts", ">f8"), ("amount", ">f8")])
CUSTOMER_MEMBER = np.dtype([("pk", ">u8"), ("ts", ">f8"), ("amount", ">f8"), ("ids", ">i8", (len(ID_FIELDS),))])

# Records one payment, atomically and in one command. KEYS: the customer's events, meta, devices,
# cards, countries and hydration marker, then (when the payment has them) the card's events and
# marker, then the device's. ARGV: customer member, card/device member, timestamp, device, card,
# country, latitude, longitude ("" when unknown), TTL ms, window seconds, customer events to
# keep, has card (0/1), has device. Sorted sets are trimmed like ml.fraud.velocity.retained:
# drop what is a window older than the newest event, but keep the newest `keep`; the last geo
# point only moves forward in time.
_RECORD_SCRIPT = """
local ts = tonumber(ARGV[3])
local ttl, window = tonumber(ARGV[9]), tonumber(ARGV[10])
local function trim(key, keep)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local cutoff = string.format('%.17g', tonumber(newest[2]) - window)
  local n = redis.call('ZCARD', key)
  local removable = math.min(redis.call('ZCOUNT', key, '-inf', cutoff), n - keep)
  if removable > 0 then redis.call('ZREMRANGEBYRANK', key, 0, removable - 1) end
end
local function add(key, member, keep)
  redis.call('ZADD', key, ts, member)
  trim(key, keep)
end
add(KEYS[1], ARGV[1], tonumber(ARGV[11]))
redis.call('HINCRBY', KEYS[2], 'count', 1)
if ts >= tonumber(redis.call('HGET', KEYS[2], 'newest') or '-inf') then redis.call('HSET', KEYS[2], 'newest', ARGV[3]) end
if ARGV[7] ~= '' and ts >= tonumber(redis.call('HGET', KEYS[2], 'geo_ts') or '-inf') then
  redis.call('HSET', KEYS[2], 'geo_ts', ARGV[3], 'geo_lat', ARGV[7], 'geo_lon', ARGV[8])
end
for i, value in ipairs({ARGV[4], ARGV[5], ARGV[6]}) do
  if value ~= '' then redis.call('SADD', KEYS[2 + i], value) end
end
local next_key = 7
for _, present in ipairs({ARGV[12], ARGV[13]}) do
  if present == '1' then
    add(KEYS[next_key], ARGV[2], 0)
    next_key = next_key + 2
  end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return 1
"""


@dataclass(frozen=True)
class CustomerPast:
    """One customer's recorded past (events in (timestamp, pk) order, all-time counters) and its newest event time."""

    base: CustomerBase
    newest: float = -math.inf


@dataclass(frozen=True)
class EntityPast:
    """A card's or device's recent payments (any customer), in (timestamp, pk) order."""

    events: Events
    newest: float = -math.inf


@dataclass(frozen=True)
class StoredPasts:
    """What a read found; None marks an entity Redis does not hold yet (to hydrate from the database)."""

    customers: dict[str, CustomerPast | None]
    cards: dict[str, EntityPast | None]
    devices: dict[str, EntityPast | None]


@dataclass(frozen=True)
class RecordedPayment:
    pk: int
    event: PaymentEvent


def encode_members(events: Events, *, with_ids: bool) -> list[bytes]:
    """Sorted-set members of these events (fixed width: see the module docstring)."""
    dtype = CUSTOMER_MEMBER if with_ids else ENTITY_MEMBER
    packed = np.empty(len(events), dtype=dtype)
    packed["pk"], packed["ts"], packed["amount"] = events.pks, events.times, events.amounts
    if with_ids:
        packed["ids"] = events.ids
    raw, size = packed.tobytes(), dtype.itemsize
    return [raw[offset : offset + size] for offset in range(0, len(raw), size)]


def decode_members(members: list[bytes], *, with_ids: bool) -> Events:
    """Events of a sorted set read in score order (the inverse of `encode_members`)."""
    packed = np.frombuffer(b"".join(members), dtype=CUSTOMER_MEMBER if with_ids else ENTITY_MEMBER)
    ids = packed["ids"].astype(np.int64) if with_ids else np.full((len(packed), len(ID_FIELDS)), -1, dtype=np.int64)
    return Events(
        pks=packed["pk"].astype(np.int64),
        times=packed["ts"].astype(np.float64),
        amounts=packed["amount"].astype(np.float64),
        ids=ids,
    )


def _payment_events(pk: int, event: PaymentEvent) -> Events:
    return Events(
        pks=np.array([pk], dtype=np.int64),
        times=np.array([event.timestamp]),
        amounts=np.array([float(event.amount)]),
        ids=np.array([[id_code(getattr(event, name)) for name in ID_FIELDS]], dtype=np.int64),
    )


class RedisVelocityStore:
    """Reads, hydrates and records velocity state; every method is one pipelined round trip."""

    def __init__(self, client: redis.Redis, *, ttl_seconds: int) -> None:
        self.client = client
        self.ttl_ms = ttl_seconds * 1000
        self._record_sha = hashlib.sha1(_RECORD_SCRIPT.encode()).hexdigest()  # what SCRIPT LOAD answers

    @staticmethod
    def _keys(kind: str, key: str) -> dict[str, str]:
        base = f"{KEY_PREFIX}{kind}:{key}:"
        names = ("events", "meta", "devices", "cards", "countries", "hydrated") if kind == "c" else ("events", "hydrated")
        return {name: base + name for name in names}

    def read(self, *, customers: Iterable[str], cards: Iterable[str], devices: Iterable[str]) -> StoredPasts:
        customers, cards, devices = sorted(set(customers)), sorted(set(cards) - {""}), sorted(set(devices) - {""})
        pipe = self.client.pipeline(transaction=False)
        for customer in customers:
            keys = self._keys("c", customer)
            pipe.exists(keys["hydrated"])
            pipe.zrange(keys["events"], 0, -1)
            pipe.hgetall(keys["meta"])
            for name in ("devices", "cards", "countries"):
                pipe.smembers(keys[name])
        for kind, ids in (("k", cards), ("d", devices)):
            for entity in ids:
                keys = self._keys(kind, entity)
                pipe.exists(keys["hydrated"])
                pipe.zrange(keys["events"], 0, -1)
        replies = iter(pipe.execute())
        found_customers: dict[str, CustomerPast | None] = {}
        for customer in customers:
            hydrated, events, meta, seen_devices, seen_cards, seen_countries = (next(replies) for _ in range(6))
            found_customers[customer] = (
                _customer_past(events, meta, seen_devices, seen_cards, seen_countries) if hydrated else None
            )
        found: dict[str, dict[str, EntityPast | None]] = {"k": {}, "d": {}}
        for kind, ids in (("k", cards), ("d", devices)):
            for entity in ids:
                hydrated, events = next(replies), next(replies)
                found[kind][entity] = _entity_past(events) if hydrated else None
        return StoredPasts(customers=found_customers, cards=found["k"], devices=found["d"])

    def hydrate(
        self,
        *,
        customers: dict[str, CustomerPast],
        cards: dict[str, EntityPast],
        devices: dict[str, EntityPast],
    ) -> None:
        """Replace these entities' state by their database past."""
        pipe = self.client.pipeline(transaction=True)
        for customer, past in customers.items():
            keys = self._keys("c", customer)
            base = past.base
            pipe.delete(*keys.values())
            self._add_events(pipe, keys["events"], base.events, with_ids=True)
            meta = {"count": base.count, "newest": repr(past.newest)}
            if base.last_geo is not None:
                meta |= {
                    "geo_ts": repr(base.last_geo.timestamp),
                    "geo_lat": repr(base.last_geo.latitude),
                    "geo_lon": repr(base.last_geo.longitude),
                }
            pipe.hset(keys["meta"], mapping=meta)
            for name, values in (("devices", base.devices), ("cards", base.cards), ("countries", base.countries)):
                if values:
                    pipe.sadd(keys[name], *values)
            self._mark(pipe, keys)
        for kind, entities in (("k", cards), ("d", devices)):
            for entity, past in entities.items():
                keys = self._keys(kind, entity)
                pipe.delete(*keys.values())
                self._add_events(pipe, keys["events"], past.events, with_ids=False)
                self._mark(pipe, keys)
        pipe.execute()

    def record(self, payments: list[RecordedPayment]) -> None:
        """Add newly stored payments (in time order) to their customer's, card's and device's state.

        The Lua script goes by its SHA in the pipeline: redis-py's Script objects in a pipeline ask
        Redis SCRIPT EXISTS on every execute, a round trip per payment for a script loaded once.
        If Redis lost it (restart, SCRIPT FLUSH), every EVALSHA of the pipeline failed alike, so
        all of them run again once it is loaded.
        """
        try:
            self._record_calls(payments).execute()
        except redis.exceptions.NoScriptError:
            self.client.script_load(_RECORD_SCRIPT)
            self._record_calls(payments).execute()

    def _record_calls(self, payments: list[RecordedPayment]):
        pipe = self.client.pipeline(transaction=False)
        for payment in payments:
            event = payment.event
            customer = self._keys("c", event.customer_id)
            keys = [customer[name] for name in ("events", "meta", "devices", "cards", "countries", "hydrated")]
            for kind, entity in (("k", event.card_id), ("d", event.device_id)):
                if entity:
                    keys += list(self._keys(kind, entity).values())
            located = event.latitude is not None and event.longitude is not None
            recorded = _payment_events(payment.pk, event)
            args = [
                encode_members(recorded, with_ids=True)[0],
                encode_members(recorded, with_ids=False)[0],
                repr(event.timestamp),
                event.device_id,
                event.card_id,
                event.country,
                repr(event.latitude) if located else "",
                repr(event.longitude) if located else "",
                self.ttl_ms,
                LONGEST_WINDOW_SECONDS,
                AMOUNT_PROFILE_SIZE,
                int(bool(event.card_id)),
                int(bool(event.device_id)),
            ]
            pipe.evalsha(self._record_sha, len(keys), *keys, *args)
        return pipe

    def forget(self, *, customers: set[str], cards: set[str], devices: set[str]) -> None:
        """Delete these entities' keys, hydration markers included, so their next read rebuilds them."""
        keys = [key for customer in customers for key in self._keys("c", customer).values()]
        for kind, ids in (("k", cards), ("d", devices)):
            keys += [key for entity in ids for key in self._keys(kind, entity).values()]
        if keys:
            self.client.delete(*keys)

    def flush(self) -> int:
        """Forget every velocity key (e.g. after a bulk import rewrote history); entities rehydrate lazily."""
        removed = 0
        batch: list[bytes] = []
        for key in self.client.scan_iter(match=f"{KEY_PREFIX}*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                removed += self.client.delete(*batch)
                batch = []
        if batch:
            removed += self.client.delete(*batch)
        return removed

    @staticmethod
    def _add_events(pipe, key: str, events: Events, *, with_ids: bool) -> None:
        if len(events):
            members = encode_members(events, with_ids=with_ids)
            pipe.zadd(key, dict(zip(members, events.times.tolist(), strict=True)))

    def _mark(self, pipe, keys: dict[str, str]) -> None:
        pipe.set(keys["hydrated"], 1)
        self._expire(pipe, keys)

    def _expire(self, pipe, keys: dict[str, str]) -> None:
        for key in keys.values():
            pipe.pexpire(key, self.ttl_ms)


def _customer_past(events: list[bytes], meta: dict, devices: set, cards: set, countries: set) -> CustomerPast:
    geo = None
    if b"geo_ts" in meta:
        geo = GeoPoint(float(meta[b"geo_ts"]), float(meta[b"geo_lat"]), float(meta[b"geo_lon"]))
    base = CustomerBase(
        events=decode_members(events, with_ids=True),
        count=int(meta.get(b"count", 0)),
        devices=frozenset(v.decode() for v in devices),
        cards=frozenset(v.decode() for v in cards),
        countries=frozenset(v.decode() for v in countries),
        last_geo=geo,
    )
    return CustomerPast(base=base, newest=float(meta.get(b"newest", "-inf")))


def _entity_past(members: list[bytes]) -> EntityPast:
    events = decode_members(members, with_ids=False)
    return EntityPast(events=events, newest=events.newest)


_clients: dict[str, RedisVelocityStore] = {}
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def velocity_store() -> RedisVelocityStore | None:
    """The process's store for settings.REDIS_URL; None without Redis or while a recent failure cools down."""
    url = settings.REDIS_URL
    if not url or _down_until.get(url, 0.0) > time.monotonic():
        return None
    with _lock:
        if url not in _clients:
            client = redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.5)
            _clients[url] = RedisVelocityStore(client, ttl_seconds=int(settings.FRAUD_VELOCITY_TTL_DAYS * 86_400))
        return _clients[url]


def velocity_store_failed(error: Exception) -> None:
    """Note a Redis failure: scoring uses the database until the circuit closes again."""
    logger.warning("velocity store unavailable, scoring from the database: %s", error)
    _down_until[settings.REDIS_URL] = time.monotonic() + CIRCUIT_OPEN_SECONDS


def velocity_store_reset() -> None:
    """Close the circuit (tests, and the reset command after Redis is back)."""
    _down_until.clear()
