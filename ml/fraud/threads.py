"""One-thread native pools for latency-bound scoring.

HistGradientBoosting predicts through OpenMP; for a handful of rows, waking the thread pool
costs far more than the trees (p99 of hundreds of ms on 2 busy cores against ~1 ms on one
thread). The limit applies only inside the ``with`` block, so batch training elsewhere in the
process keeps its parallelism.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import ThreadpoolController

_CONTROLLER = ThreadpoolController()


def single_thread() -> AbstractContextManager:
    return _CONTROLLER.limit(limits=1)
