"""Masking shoppers' personal data (emails, IP addresses, card fingerprints) for whoever does not need it.

Who sees PII in full: platform admins, fraud analysts and support agents (they investigate payments
and answer shoppers), and merchant staff, who serve their own customers. Merchant staff in the
`merchandiser` group work on catalog, search and analytics and see masked values, in pages, CSV
exports and the API alike. Logs never hold PII in full: `PiiLogFilter` masks every record.
"""
from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from apps.core.exports import Column

MASKED_GROUP = "merchandiser"
FULL_PII_ROLES = frozenset({"platform_admin", "fraud_analyst", "support_agent", "merchant_staff"})

EMAIL_RE = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
IPV4_RE = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}\b")
# A card fingerprint is an opaque gateway string: recognised by the name it is logged under.
CARD_RE = re.compile(r"""(\bcard(?:_fingerprint|_id)?["']?\s*[=:]\s*["']?)([^\s,;"'}]+)""", re.IGNORECASE)
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")


def mask_email(value: str | None) -> str:
    """'jane.doe@example.com' -> 'j***@example.com': the domain helps support, the person is hidden."""
    if not value:
        return value or ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_ip(value: str | None) -> str:
    """Keep the network, drop the host: 81.2.69.142 -> 81.2.x.x, an IPv6 address -> its /32 + '::x'."""
    if not value:
        return value or ""
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        return "x.x.x.x"
    if address.version == 4:
        first, second = str(address).split(".")[:2]
        return f"{first}.{second}.x.x"
    groups = address.exploded.split(":")
    return f"{groups[0]}:{groups[1]}::x"


def mask_card(value: str | None) -> str:
    """A fingerprint still links payments of one card when masked, so keep its last four characters."""
    if not value:
        return value or ""
    return "****" + str(value)[-4:]


def mask_customer(customer) -> str:
    """A customer as pages name them (their email, else their id), with the email masked."""
    label = str(customer)
    return mask_email(label) if customer.email and label == customer.email else label


MASKS: dict[str, Callable[[Any], str]] = {"email": mask_email, "ip": mask_ip, "card": mask_card, "customer": mask_customer}


def sees_pii(user) -> bool:
    """Whether `user` may see shoppers' emails, IP addresses and card fingerprints in full."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role not in FULL_PII_ROLES:
        return False
    cached = getattr(user, "_sees_pii_cache", None)
    if cached is None:
        cached = not user.groups.filter(name=MASKED_GROUP).exists()
        user._sees_pii_cache = cached
    return cached


def mask_for(user, kind: str, value: Any) -> Any:
    """`value` as `user` may see it: unchanged, or masked as an `email`, `ip` or `card`."""
    return value if sees_pii(user) else MASKS[kind](value)


def pii_columns(columns: Sequence[Column], user, kinds: dict[str, str]) -> list[Column]:
    """CSV columns for `user`: those named in `kinds` (header -> email/ip/card) masked when needed."""
    if sees_pii(user):
        return list(columns)
    return [
        Column(c.header, (lambda row, c=c: MASKS[kinds[c.header]](c.value(row)))) if c.header in kinds else c
        for c in columns
    ]


class PiiMaskingSerializerMixin:
    """For output serializers: `pii_fields` (field -> email/ip/card) are masked for callers without PII access."""

    pii_fields: dict[str, str] = {}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not sees_pii(request.user):
            for field, kind in self.pii_fields.items():
                if data.get(field):
                    data[field] = MASKS[kind](data[field])
        return data


def mask_text(text: str) -> str:
    """Every email, IP address and card fingerprint inside free text, masked (for log lines)."""
    text = EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = IPV4_RE.sub(lambda m: f"{m.group(1)}.{m.group(2)}.x.x", text)
    text = IPV6_RE.sub(lambda m: mask_ip(m.group(0)) if _is_ip(m.group(0)) else m.group(0), text)
    return CARD_RE.sub(lambda m: m.group(1) + mask_card(m.group(2)), text)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class PiiLogFilter(logging.Filter):
    """Masks PII in every record's message, arguments and string extras before any handler formats it."""

    SKIP = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def filter(self, record: logging.LogRecord) -> bool:
        # Mask the formatted message: masking the format string would mangle its placeholders.
        record.msg = mask_text(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in self.SKIP and isinstance(value, str):
                setattr(record, key, _mask_extra(key, value))
        return True


def _mask_extra(key: str, value: str) -> str:
    """A structured field (`extra=`): masked by its name when it names PII, else scanned as text."""
    name = key.lower()
    if "card" in name:
        return mask_card(value)
    if name in ("ip", "ip_address", "client_ip", "remote_addr"):
        return mask_ip(value)
    if "email" in name:
        return mask_email(value)
    return mask_text(value)
