"""The Bot sessions pages: flagged sessions with their scores and reasons, and one session's timeline."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.bots.access import BOT_ROLES
from apps.bots.charts import SCORE_COMMAND, list_charts, timeline_chart
from apps.bots.models import Method
from apps.bots.selectors import (
    bot_session_get,
    bot_session_list,
    flagged_per_day,
    judge_status,
    scatter_sessions,
    session_events,
)
from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.merchants.selectors import merchant_list

SCATTER_SESSIONS = 500

COLUMNS = [
    Column("session_id", lambda s: s.session_id),
    Column("merchant", lambda s: s.merchant.slug),
    Column("customer_id", lambda s: s.customer.external_id if s.customer_id else ""),
    Column("anonymous_id", lambda s: s.anonymous_id),
    Column("score", lambda s: s.score),
    Column("method", lambda s: s.method),
    Column("events", lambda s: s.events),
    Column("started_at", lambda s: s.started_at.isoformat()),
    Column("ended_at", lambda s: s.ended_at.isoformat()),
    Column("reasons", lambda s: "; ".join(r["text"] for r in s.reasons)),
]


@require_GET
@staff_page(roles=BOT_ROLES)
def bot_session_list_page(request):
    """Stored verdicts only: nothing here scores sessions or loads the model (see judge_status)."""
    sessions = bot_session_list(user=request.user, filters=request.GET)
    return list_page(
        request,
        rows=sessions.order_by("-started_at", "-id"),
        template="bots/list.html",
        export_name="bot-sessions",
        columns=COLUMNS,
        context={
            "charts": list_charts(days=flagged_per_day(sessions), sessions=scatter_sessions(sessions, limit=SCATTER_SESSIONS)),
            "scope_merchants": merchant_list(user=request.user).order_by("name"),
            "methods": Method.choices,
            "judge": judge_status(),
            "score_command": SCORE_COMMAND,
        },
    )


@require_GET
@staff_page(roles=BOT_ROLES)
def bot_session_detail_page(request, pk: int):
    session = bot_session_get(user=request.user, pk=pk)
    events = session_events(merchant_id=session.merchant_id, session_id=session.session_id)
    return render(
        request,
        "bots/detail.html",
        {"session": session, "events": events[:200], "event_count": len(events), "charts": [timeline_chart(events)]},
    )
