"""The live velocity state in Redis: ml.fraud.velocity's layout, one pipelined round trip per read or write.

Per customer: a sorted set of prior payments (score = event time, trimmed like
`ml.fraud.velocity.retained`: the last 7 days plus the newest 30), a hash with the payment
count, the newest event time and the last geolocated point, and sets of devices, cards and
countries ever seen. Per card and per device: a sorted set of their payments of the last 7 days.
Members start with the zero-padded payment pk, so payments with equal timestamps keep the
database's (timestamp, pk) order, the order the batch features use.

Redis is a cache of the database here, not the truth: an entity Redis does not hold (new
deployment, imported history, expired TTL, flushed keys) is *hydrated* from the payments table
the first time it is read, and a hydration marker says it was. Every key of an entity expires
together after FRAUD_VELOCITY_TTL_DAYS without payments, and is rebuilt from the database on
its next payment, so the TTL bounds memory without losing history.
"""
from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.conf import settings

from ml.fraud.velocity import AMOUNT_PROFILE_SIZE, LONGEST_WINDOW_SECONDS, GeoPoint, PaymentEvent, PriorEvent

logger = logging.getLogger(__name__)

KEY_PREFIX = "fraud:v1:"
PK_DIGITS = 15
CIRCUIT_OPEN_SECONDS = 5.0
"""After a connection error, Redis is not tried again for this long: a dead Redis must not add a timeout to every payment."""

# Records one payment, atomically and in one command. KEYS: the customer's events, meta, devices,
# cards, countries and hydration marker, then (when the payment has them) the card's events and
# marker, then the device's. ARGV: member, timestamp, device, card, country, latitude, longitude
# ("" when unknown), TTL ms, window seconds, customer events to keep, has card (0/1), has device.
# Sorted sets are trimmed like ml.fraud.velocity.retained: drop what is a window older than the
# newest event, but keep the newest `keep`; the last geo point only moves forward in time.
_RECORD_SCRIPT = """
local member, ts = ARGV[1], tonumber(ARGV[2])
local ttl, window = tonumber(ARGV[8]), tonumber(ARGV[9])
local function trim(key, keep)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local cutoff = string.format('%.17g', tonumber(newest[2]) - window)
  local n = redis.call('ZCARD', key)
  local removable = math.min(redis.call('ZCOUNT', key, '-inf', cutoff), n - keep)
  if removable > 0 then redis.call('ZREMRANGEBYRANK', key, 0, removable - 1) end
end
local function add(key, keep)
  redis.call('ZADD', key, ts, member)
  trim(key, keep)
end
add(KEYS[1], tonumber(ARGV[10]))
redis.call('HINCRBY', KEYS[2], 'count', 1)
if ts >= tonumber(redis.call('HGET', KEYS[2], 'newest') or '-inf') then redis.call('HSET', KEYS[2], 'newest', ARGV[2]) end
if ARGV[6] ~= '' and ts >= tonumber(redis.call('HGET', KEYS[2], 'geo_ts') or '-inf') then
  redis.call('HSET', KEYS[2], 'geo_ts', ARGV[2], 'geo_lat', ARGV[6], 'geo_lon', ARGV[7])
end
for i, value in ipairs({ARGV[3], ARGV[4], ARGV[5]}) do
  if value ~= '' then redis.call('SADD', KEYS[2 + i], value) end
end
local next_key = 7
for _, present in ipairs({ARGV[11], ARGV[12]}) do
  if present == '1' then
    add(KEYS[next_key], 0)
    next_key = next_key + 2
  end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return 1
"""


@dataclass(frozen=True)
class CustomerPast:
    """One customer's recorded past: events in (timestamp, pk) order and the all-time counters."""

    events: tuple[PriorEvent, ...] = ()
    count: int = 0
    devices: frozenset[str] = frozenset()
    cards: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    last_geo: GeoPoint | None = None
    newest: float = -math.inf


@dataclass(frozen=True)
class EntityPast:
    """A card's or device's recent payments (any customer), in (timestamp, pk) order."""

    events: tuple[PriorEvent, ...] = ()
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


def event_member(pk: int, event: PriorEvent) -> str:
    return f"{pk:0{PK_DIGITS}d}|" + json.dumps(
        [event.amount, event.merchant_id, event.device_id, event.card_id, event.ip_address], separators=(",", ":")
    )


def _event_from(member: bytes, score: float) -> PriorEvent:
    amount, merchant_id, device_id, card_id, ip_address = json.loads(member[PK_DIGITS + 1 :])
    return PriorEvent(
        timestamp=score, amount=amount, merchant_id=merchant_id, device_id=device_id, card_id=card_id, ip_address=ip_address
    )


def prior_event(payment: PaymentEvent) -> PriorEvent:
    return PriorEvent(
        timestamp=payment.timestamp,
        amount=payment.amount,
        merchant_id=payment.merchant_id,
        device_id=payment.device_id,
        card_id=payment.card_id,
        ip_address=payment.ip_address,
    )


class RedisVelocityStore:
    """Reads, hydrates and records velocity state; every method is one pipelined round trip."""

    def __init__(self, client: redis.Redis, *, ttl_seconds: int) -> None:
        self.client = client
        self.ttl_ms = ttl_seconds * 1000
        self._record = client.register_script(_RECORD_SCRIPT)

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
            pipe.zrange(keys["events"], 0, -1, withscores=True)
            pipe.hgetall(keys["meta"])
            for name in ("devices", "cards", "countries"):
                pipe.smembers(keys[name])
        for kind, ids in (("k", cards), ("d", devices)):
            for entity in ids:
                keys = self._keys(kind, entity)
                pipe.exists(keys["hydrated"])
                pipe.zrange(keys["events"], 0, -1, withscores=True)
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
        customers: dict[str, tuple[CustomerPast, list[int]]],
        cards: dict[str, tuple[EntityPast, list[int]]],
        devices: dict[str, tuple[EntityPast, list[int]]],
    ) -> None:
        """Replace these entities' state by their database past (events paired with payment pks)."""
        pipe = self.client.pipeline(transaction=True)
        for customer, (past, pks) in customers.items():
            keys = self._keys("c", customer)
            pipe.delete(*keys.values())
            self._add_events(pipe, keys["events"], past.events, pks)
            meta = {"count": past.count, "newest": repr(past.newest)}
            if past.last_geo is not None:
                meta |= {
                    "geo_ts": repr(past.last_geo.timestamp),
                    "geo_lat": repr(past.last_geo.latitude),
                    "geo_lon": repr(past.last_geo.longitude),
                }
            pipe.hset(keys["meta"], mapping=meta)
            for name, values in (("devices", past.devices), ("cards", past.cards), ("countries", past.countries)):
                if values:
                    pipe.sadd(keys[name], *values)
            self._mark(pipe, keys)
        for kind, entities in (("k", cards), ("d", devices)):
            for entity, (past, pks) in entities.items():
                keys = self._keys(kind, entity)
                pipe.delete(*keys.values())
                self._add_events(pipe, keys["events"], past.events, pks)
                self._mark(pipe, keys)
        pipe.execute()

    def record(self, payments: list[RecordedPayment]) -> None:
        """Add newly stored payments (in time order) to their customer's, card's and device's state."""
        pipe = self.client.pipeline(transaction=False)
        for payment in payments:
            event = payment.event
            customer = self._keys("c", event.customer_id)
            keys = [customer[name] for name in ("events", "meta", "devices", "cards", "countries", "hydrated")]
            for kind, entity in (("k", event.card_id), ("d", event.device_id)):
                if entity:
                    keys += list(self._keys(kind, entity).values())
            located = event.latitude is not None and event.longitude is not None
            args = [
                event_member(payment.pk, prior_event(event)),
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
            self._record(keys=keys, args=args, client=pipe)
        pipe.execute()

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
    def _add_events(pipe, key: str, events: tuple[PriorEvent, ...], pks: list[int]) -> None:
        if events:
            pipe.zadd(key, {event_member(pk, event): event.timestamp for event, pk in zip(events, pks, strict=True)})

    def _mark(self, pipe, keys: dict[str, str]) -> None:
        pipe.set(keys["hydrated"], 1)
        self._expire(pipe, keys)

    def _expire(self, pipe, keys: dict[str, str]) -> None:
        for key in keys.values():
            pipe.pexpire(key, self.ttl_ms)


def _customer_past(events, meta: dict, devices: set, cards: set, countries: set) -> CustomerPast:
    geo = None
    if b"geo_ts" in meta:
        geo = GeoPoint(float(meta[b"geo_ts"]), float(meta[b"geo_lat"]), float(meta[b"geo_lon"]))
    return CustomerPast(
        events=tuple(_event_from(member, score) for member, score in events),
        count=int(meta.get(b"count", 0)),
        devices=frozenset(v.decode() for v in devices),
        cards=frozenset(v.decode() for v in cards),
        countries=frozenset(v.decode() for v in countries),
        last_geo=geo,
        newest=float(meta.get(b"newest", "-inf")),
    )


def _entity_past(events) -> EntityPast:
    decoded = tuple(_event_from(member, score) for member, score in events)
    return EntityPast(events=decoded, newest=decoded[-1].timestamp if decoded else -math.inf)


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
