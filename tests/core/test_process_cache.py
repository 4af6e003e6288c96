"""apps.core.process_cache: time to live, least-recently-used eviction, and a shared generation that
lets one process drop every other process's copies."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.core import process_cache
from apps.core.process_cache import ProcessCache, SharedGeneration

KEY = "tests:process-cache-generation"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(process_cache.time, "monotonic", fake)
    return fake


@pytest.fixture(autouse=True)
def no_generation():
    cache.delete(KEY)
    yield
    cache.delete(KEY)


def test_an_entry_lives_its_time_to_live(clock):
    copies = ProcessCache(ttl=10.0)
    loads = []
    copies.get_or_load("a", lambda: loads.append(1) or "A")
    clock.now += 9.9
    assert copies.get_or_load("a", lambda: loads.append(1) or "A2") == "A" and len(loads) == 1
    clock.now += 0.1
    assert copies.get("a") is None
    assert copies.get_or_load("a", lambda: "A3", ttl=1.0) == "A3"  # a per-entry time to live
    clock.now += 1.0
    assert copies.get("a", "gone") == "gone"


def test_the_least_recently_used_entry_goes_first():
    copies = ProcessCache(ttl=60.0, max_entries=2)
    copies.set("a", 1, stamp=None)
    copies.set("b", 2, stamp=None)
    assert copies.get("a") == 1  # now b is the least recently used
    copies.set("c", 3, stamp=None)
    assert copies.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_a_value_of_none_is_kept():
    loads = []
    copies = ProcessCache(ttl=60.0)
    assert copies.get_or_load("a", lambda: loads.append(1)) is None
    assert copies.get_or_load("a", lambda: loads.append(1)) is None
    assert len(loads) == 1


def test_another_process_bumping_the_generation_drops_this_ones_copies(clock):
    here = ProcessCache(ttl=600.0, generation=SharedGeneration(KEY, check_seconds=5.0))
    other_process = SharedGeneration(KEY)
    here.get_or_load("a", lambda: "old")
    other_process.bump()
    assert here.get("a") == "old"  # not looked at again before check_seconds
    clock.now += 5.0
    assert here.get("a") is None
    assert here.get_or_load("a", lambda: "new") == "new"
    cache.clear()  # a flushed cache loses the number: the copies go, and the next bump starts anew
    clock.now += 5.0
    assert here.get("a") is None
    here.get_or_load("a", lambda: "newer")
    other_process.bump()
    clock.now += 5.0
    assert here.get("a") is None


def test_a_bump_here_is_seen_here_at_once():
    copies = ProcessCache(ttl=600.0, generation=SharedGeneration(KEY, check_seconds=3600.0))
    copies.get_or_load("a", lambda: "old")
    copies.generation.bump()
    assert copies.get("a") is None


def test_a_value_loaded_before_a_change_is_not_kept_under_the_new_generation():
    """Stamped with the generation read before loading: a row read just before a concurrent change
    (announced while the load ran) is used no more than that one time."""
    copies = ProcessCache(ttl=600.0, generation=SharedGeneration(KEY))
    other_process = SharedGeneration(KEY)

    def load_while_another_process_changes_the_row() -> str:
        other_process.bump()
        return "read before the change"

    assert copies.get_or_load("a", load_while_another_process_changes_the_row) == "read before the change"
    assert copies.get_or_load("a", lambda: "after the change") == "after the change"


def test_peek_reads_without_the_shared_cache(monkeypatch):
    copies = ProcessCache(ttl=600.0, generation=SharedGeneration(KEY))
    copies.get_or_load("a", lambda: {"n": 1})
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("peek must not read the shared cache"))
    copies.peek("a")["n"] = 2
    monkeypatch.undo()
    assert copies.get("a") == {"n": 2}


def test_inside_a_request_every_generation_is_read_once_and_together(monkeypatch):
    tokens, merchants = SharedGeneration(KEY), SharedGeneration(KEY + ":other")
    tokens.bump()
    reads: list[list[str]] = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(sorted(keys)) or real_get_many(keys))
    with process_cache.generations_read_once():
        seen = tokens.current()
        assert merchants.current() is None and tokens.current() == seen
        merchants.bump()  # this request's own change is seen by the rest of it
        assert merchants.current() is not None
    assert len(reads) == 1 and {KEY, KEY + ":other"} <= set(reads[0])


def test_another_process_bump_reaches_the_next_request_not_the_current_one():
    here = SharedGeneration(KEY)
    with process_cache.generations_read_once():
        before = here.current()
        cache.set(KEY, 12345)  # another process's bump
        assert here.current() == before  # one consistent moment per request
    with process_cache.generations_read_once():
        assert here.current() != before


def test_every_http_request_reads_the_generations_once(client, db, monkeypatch):
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    client.get("/api/v1/products/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert sum(KEY in keys or "accounts:api-token-version" in keys for keys in reads) == 1


def test_a_generation_an_older_release_wrote_as_text_is_replaced_by_a_number():
    cache.set(KEY, "3f2a9c0e6b1d4e8f")  # the scoring configuration's generation used to be a uuid
    generation = SharedGeneration(KEY)
    generation.bump()
    assert isinstance(generation.current(), int) and cache.get(KEY) == generation.current()
    generation.bump()
    assert cache.get(KEY) == generation.current()
