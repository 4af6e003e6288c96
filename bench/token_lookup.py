"""Bearer-token lookup: the per-process cache (apps/accounts/token_cache.py) against the database
lookup it replaces, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/token_lookup.py [--calls 2000]

Creates a bench user and one token (reused / revoked at the end). "database" is ApiToken.find_active
(hash, one query joining the token to its user), what every API request paid before; "cached" is
token_cache.lookup on a warm entry: one version read from the Django cache (Redis when REDIS_URL is
set) plus rebuilding the two model instances. Prints p50/p95 in microseconds and the ratio.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(fn, raw: str, calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        assert fn(raw) is not None
        samples.append((time.perf_counter() - started) * 1e6)
    return sorted(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from apps.accounts import token_cache
    from apps.accounts.models import ApiToken, User

    user, _ = User.objects.get_or_create(username="bench-token-lookup", defaults={"role": "merchant_staff"})
    token, raw = ApiToken.issue(user=user, name="bench")
    try:
        token_cache.lookup(raw)  # warm
        database = _timed(ApiToken.find_active, raw, options.calls)
        cached = _timed(token_cache.lookup, raw, options.calls)
    finally:
        token.revoke()
    backend = django.conf.settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"token lookup, {options.calls} calls each (cache backend: {backend})")
    for name, samples in (("database", database), ("cached", cached)):
        p95 = samples[int(0.95 * (len(samples) - 1))]
        print(f"  {name:9s} p50 {statistics.median(samples):8.1f} us   p95 {p95:8.1f} us")
    print(f"  cached / database (p50): {statistics.median(cached) / statistics.median(database):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
