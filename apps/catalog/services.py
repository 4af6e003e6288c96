"""Writes for the catalog: products are created and edited by staff, each change audited."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from apps.catalog.models import Category, Product, Tag
from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.merchants.models import Merchant

if TYPE_CHECKING:
    from apps.accounts.models import User


def tags_ensure(*, names: list[str]) -> list[Tag]:
    """Tags by name, creating the missing ones (tags are a shared, free vocabulary).

    Names are matched by slug so "Gift" and "gift" are one tag, not a unique-slug clash.
    """
    by_slug: dict[str, str] = {}
    for name in names:
        by_slug.setdefault(slugify(name)[:64], name.strip())
    by_slug.pop("", None)
    return [Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in by_slug.items()]


def _product_snapshot(product: Product) -> dict:
    data = snapshot(product)
    data["tags"] = sorted(product.tags.values_list("name", flat=True))
    return data


@transaction.atomic
def product_create(
    *,
    actor: User,
    merchant: Merchant,
    external_id: str,
    title: str,
    price: Decimal,
    currency: str = "USD",
    description: str = "",
    category: Category | None = None,
    attributes: dict | None = None,
    customisable: bool = False,
    stock: int = 0,
    active: bool = True,
    tags: list[str] | None = None,
) -> Product:
    if Product.objects.filter(external_id=external_id).exists():
        raise ValidationError({"external_id": "A product with this id already exists."})
    product = Product.objects.create(
        merchant=merchant,
        external_id=external_id,
        title=title,
        price=price,
        currency=currency,
        description=description,
        category=category,
        attributes=attributes or {},
        customisable=customisable,
        stock=stock,
        active=active,
    )
    product.tags.set(tags_ensure(names=tags or []))
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        instance=product,
        after=_product_snapshot(product),
        summary=f"Created product {product.external_id}",
    )
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, tags: list[str] | None = None, **changes) -> Product:
    """Apply the given field changes (and a new tag list, if given); audit before and after."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = _product_snapshot(product)
    for name, value in changes.items():
        setattr(product, name, value)
    product.save()
    if tags is not None:
        product.tags.set(tags_ensure(names=tags))
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        instance=product,
        before=before,
        after=_product_snapshot(product),
        summary=f"Updated product {product.external_id}",
    )
    return product


@transaction.atomic
def product_delete(*, actor: User, product: Product) -> None:
    audit_record(
        actor=actor,
        action=AuditLog.Action.DELETE,
        instance=product,
        before=_product_snapshot(product),
        summary=f"Deleted product {product.external_id}",
    )
    product.delete()
