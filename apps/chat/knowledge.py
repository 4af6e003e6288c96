"""What the bot may tell one shopper: their own orders, the storefront's catalog and FAQ.

The order lookup filters by the shopper's customer and the storefront's merchant together, so
a guessed number of someone else's order is indistinguishable from a number that does not exist.
"""
from __future__ import annotations

from django.db.models import Q

from apps.catalog.models import Product
from apps.chat.identity import ShopperIdentity
from apps.chat.nlu import faq_index
from apps.orders.models import Order
from ml.chat.dialogue import OrderInfo, ProductInfo
from ml.chat.entities import PRODUCT_TYPES, Entities
from ml.chat.faq import FaqMatch

RECENT_ORDERS = 3


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return []


def order_info(order: Order) -> OrderInfo:
    return OrderInfo(
        number=order.number,
        status=order.status,
        placed_on=order.placed_at.strftime("%-d %B %Y"),
        items=[item.title for item in order.items.all()],
        total=f"{order.total:.2f}",
        currency=order.currency,
    )


def product_info(product: Product) -> ProductInfo:
    attributes = product.attributes or {}
    return ProductInfo(
        title=product.title,
        price=f"{product.price:.2f}",
        currency=product.currency,
        materials=_as_list(attributes.get("materials") or attributes.get("material")),
        colours=_as_list(attributes.get("colours") or attributes.get("colors") or attributes.get("colour")),
        sizes=_as_list(attributes.get("sizes") or attributes.get("size")),
        customisable=product.customisable,
        customisation=_as_list(attributes.get("customisation") or attributes.get("personalisation")),
        stock=product.stock,
    )


class StorefrontKnowledge:
    """`ml.chat.dialogue.Knowledge` backed by the database, for one shopper on one storefront."""

    def __init__(self, identity: ShopperIdentity):
        self.identity = identity
        self.signed_in = identity.signed_in

    def _orders(self):
        return (Order.objects.filter(merchant_id=self.identity.merchant_id, customer_id=self.identity.customer_id)
                .prefetch_related("items"))

    def order(self, number: str) -> OrderInfo | None:
        if not self.signed_in:
            return None
        found = self._orders().filter(number__iexact=number).first()
        return order_info(found) if found else None

    def recent_orders(self) -> list[OrderInfo]:
        if not self.signed_in:
            return []
        return [order_info(o) for o in self._orders().order_by("-placed_at")[:RECENT_ORDERS]]

    def products(self, entities: Entities) -> list[ProductInfo]:
        products = Product.objects.filter(merchant_id=self.identity.merchant_id, active=True)
        if entities.products:
            ids = [m.product_id for m in entities.products]
            found = {p.pk: p for p in products.filter(pk__in=ids)}
            return [product_info(found[i]) for i in ids if i in found]
        for kind in entities.product_types:
            words = [w for w in PRODUCT_TYPES[kind] if " " not in w] or [kind]
            title_has = Q()
            for word in words:
                title_has |= Q(title__icontains=word)
            matching = list(products.filter(title_has).order_by("-stock", "title")[:3])
            if matching:
                return [product_info(p) for p in matching]
        return []

    def faq(self, text: str, topic: str | None) -> FaqMatch | None:
        return faq_index(self.identity.merchant_id).answer_for(text, topic=topic)
