"""Dashboard reads on a PostgreSQL read replica (docs/operations.md, "Scaling out").

Installed only when DATABASE_REPLICA_URL is set (config/settings/base.py adds the `replica` alias,
this router and the middleware below). A read of an analytics rollup goes to the replica only when
all of these hold, and to the primary otherwise:

- it is made while serving an HTTP request (`DashboardReadsMiddleware`): the dashboards, their API
  and CSV are the heavy readers of the rollups;
- it is not made by a Celery task (eager ones run inside the request that queued them);
- no atomic block is open on the primary.

Why not just "outside an atomic block": the rollup writers read their own writes after committing.
`analytics.rollups_refresh` and `manage.py rebuild_rollups` commit each batch, then
`anomalies_detect` reads the KPIs back outside any transaction; on a replica a few seconds behind,
it would miss the day just written and never flag that day's anomaly. A router cannot see what the
caller wrote before, so replica reads are opt-in by context: request handling, where nothing writes
rollups, opts in; tasks, commands and shells never do. The atomic-block rule still covers a request
that writes and reads back in one transaction (the admin's change and delete views are atomic).

Every write and every other model goes to the primary explicitly: the router answers "default"
rather than None, because for None Django falls back to the instance's database, and an instance
read from the replica would then be saved to (and its relations loaded from) the replica.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from celery import current_task
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

DASHBOARD_MODELS = frozenset(
    {
        "analytics.DailyMerchantKPI",
        "analytics.DailyCategorySales",
        "analytics.DailyProductSales",
        "analytics.DailySegmentCategory",
        "analytics.DailyFunnel",
        "analytics.DailyPair",
        "analytics.CohortActivity",
        "analytics.KpiAnomaly",
    }
)
"""The rollups apps/analytics/selectors.py reads. Not `analytics.RollupRun`: the incremental refresh
reads the last run to know what changed since, which must be the primary's latest."""

_dashboard_reads: ContextVar[bool] = ContextVar("shopsignal_dashboard_reads", default=False)


@contextmanager
def dashboard_reads() -> Iterator[None]:
    """Let rollup reads in this context go to the replica (what the middleware does per request)."""
    token = _dashboard_reads.set(True)
    try:
        yield
    finally:
        _dashboard_reads.reset(token)


class DashboardReplicaRouter:
    """Rollup reads to `replica` in request handling outside transactions; everything else to `default`."""

    def db_for_read(self, model, **hints) -> str:
        if (
            model._meta.label in DASHBOARD_MODELS
            and _dashboard_reads.get()
            and not current_task
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """The replica holds the primary's rows: a rollup read there may point at a merchant read here."""
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        """Migrations run on the primary only; the replica receives them by replication."""
        return db == DEFAULT_DB_ALIAS


class DashboardReadsMiddleware:
    """Opens `dashboard_reads` for the request; sync and async capable, so under ASGI no thread hop.

    A streaming response's body is produced after the middleware returns: its reads go to the primary.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        with dashboard_reads():
            return self.get_response(request)

    async def __acall__(self, request):
        with dashboard_reads():
            return await self.get_response(request)
