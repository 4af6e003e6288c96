"""What an API token's scopes allow, by route name and HTTP method.

Scopes only narrow what a token may do: the owner's role and merchants still decide every
request (apps/core/permissions.py, apps/core/tenancy.py). A token for a storefront carries
`score` alone, so a leaked storefront key can score payments, send events and read
recommendations, search and chat, but cannot read orders or change anything else.
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

READ = "read"
WRITE = "write"
SCORE = "score"
ADMIN = "admin"
ALL_SCOPES: tuple[str, ...] = (READ, WRITE, SCORE, ADMIN)
SCOPE_HELP = {
    READ: "GET any route the owner's role may read",
    WRITE: "POST/PUT/PATCH/DELETE any route the owner's role may change",
    SCORE: "storefront calls only: fraud scoring, events, recommendations, search and chat (any method)",
    ADMIN: "platform configuration: the model registry, fraud rules and allow/block lists (with read/write)",
}

# The storefront's routes (URL names under /api/v1/): a `score` token may call these and nothing else.
SCORE_ROUTES = frozenset(
    {
        "fraud-score",
        "fraud-score-batch",
        "event-list",
        "recommendations-user",
        "recommendations-similar",
        "recommendations-explain",
        "search",
        "chat-token",
        "chat-messages",
    }
)
# Platform configuration: besides read/write, these need `admin`.
ADMIN_ROUTE_PREFIXES = ("modelversion-", "trainingrun-", "driftreport-", "fraud-rule-", "fraud-list-entry-")


def parse_scopes(text: str) -> list[str]:
    """'read,score' -> ['read', 'score']; unknown names raise ValueError naming them."""
    scopes = sorted({part.strip() for part in text.split(",") if part.strip()})
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown or not scopes:
        raise ValueError(f"Unknown or missing scopes {unknown}; choose from {', '.join(ALL_SCOPES)}.")
    return scopes


def scope_allows(scopes: frozenset[str] | set[str], *, route: str | None, method: str) -> bool:
    """Whether a token with `scopes` may call the route named `route` with `method`."""
    if route in SCORE_ROUTES and SCORE in scopes:
        return True
    needed = READ if method.upper() in SAFE_METHODS else WRITE
    if needed not in scopes:
        return False
    if route and route.startswith(ADMIN_ROUTE_PREFIXES):
        return ADMIN in scopes
    return True
