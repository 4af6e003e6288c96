"""Who a shopper is on a storefront's chat: a signed-in customer, a customer vouched for by the
storefront's signed token, or an anonymous visitor with a signed visitor id.

Nothing the browser sends is trusted unsigned: a conversation is found from the identity, so a
shopper can only reach their own conversations whatever ids they put in a request.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

TOKEN_SALT = "chat.shopper-token"
VISITOR_SALT = "chat.visitor"


@dataclass(frozen=True)
class ShopperIdentity:
    merchant_id: int
    customer_id: int | None = None
    visitor_id: str = ""

    @property
    def signed_in(self) -> bool:
        return self.customer_id is not None


class InvalidToken(Exception):
    """A tampered, expired or foreign shopper token (shown to the widget as is)."""


def shopper_token_issue(*, merchant_id: int, customer_id: int) -> str:
    """What `POST /api/v1/chat/token` returns: the storefront hands it to the widget."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign_object({"m": merchant_id, "c": customer_id})


def shopper_token_read(token: str, *, merchant_id: int) -> int:
    """The customer id a token vouches for on this merchant's storefront."""
    try:
        data = signing.TimestampSigner(salt=TOKEN_SALT).unsign_object(token, max_age=settings.CHAT_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise InvalidToken("The chat token has expired; reload the page.") from exc
    except signing.BadSignature as exc:
        raise InvalidToken("The chat token is not valid.") from exc
    if not isinstance(data, dict) or data.get("m") != merchant_id or not isinstance(data.get("c"), int):
        raise InvalidToken("The chat token is not valid for this shop.")
    return data["c"]


def visitor_issue() -> tuple[str, str]:
    """(visitor id, signed value the widget keeps in localStorage)."""
    visitor_id = secrets.token_urlsafe(18)
    return visitor_id, signing.Signer(salt=VISITOR_SALT).sign(visitor_id)


def visitor_read(signed: str) -> str | None:
    try:
        return signing.Signer(salt=VISITOR_SALT).unsign(signed)
    except signing.BadSignature:
        return None


def visitor_sign(visitor_id: str) -> str:
    return signing.Signer(salt=VISITOR_SALT).sign(visitor_id)


def identity_resolve(*, merchant_id: int, user=None, token: str = "", visitor: str = "") -> tuple[ShopperIdentity, str]:
    """The identity and the signed visitor value to hand back (empty for customers).

    Order: a storefront token, then a signed-in customer account, then a valid visitor id, else a
    new visitor. Raises InvalidToken for a bad token rather than silently going anonymous.
    """
    from apps.customers.models import Customer

    if token:
        return ShopperIdentity(merchant_id, customer_id=shopper_token_read(token, merchant_id=merchant_id)), ""
    if user is not None and user.is_authenticated:
        customer_id = Customer.objects.filter(user=user).values_list("id", flat=True).first()
        if customer_id is not None:
            return ShopperIdentity(merchant_id, customer_id=customer_id), ""
    visitor_id = visitor_read(visitor) if visitor else None
    if visitor_id is None:
        visitor_id, visitor = visitor_issue()
    return ShopperIdentity(merchant_id, visitor_id=visitor_id), visitor
