"""products.csv: a merchant's catalog, upserted on the marketplace-wide product_id.

A product id is unique across the marketplace, so a row naming another merchant's product
is rejected rather than moving or overwriting that listing.
"""
from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from apps.catalog.models import Category, Product, Tag
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow, RowRejected
from apps.imports.importers.upsert import WRITE_CHUNK, UpsertRow, rows_upsert
from apps.merchants.services import merchants_ensure

ProductTag = Product.tags.through


class ProductTags:
    """A product's tags as an upsert extra, compared by slug so "Gift" and "gift" are one tag."""

    names = ("tags",)

    def __init__(self, names_by_slug: dict[str, str]):
        self._names_by_slug = names_by_slug

    def load(self, pks: list[int]) -> dict[int, dict[str, Any]]:
        slugs: dict[int, set[str]] = {pk: set() for pk in pks}
        for product_id, slug in ProductTag.objects.filter(product_id__in=pks).values_list("product_id", "tag__slug"):
            slugs[product_id].add(slug)
        return {pk: {"tags": frozenset(found)} for pk, found in slugs.items()}

    def save(self, values_by_pk: dict[int, dict[str, Any]]) -> None:
        wanted = set().union(*(values["tags"] for values in values_by_pk.values()))
        tag_ids = dict(Tag.objects.filter(slug__in=wanted).values_list("slug", "id"))
        Tag.objects.bulk_create(
            [Tag(slug=slug, name=self._names_by_slug[slug]) for slug in sorted(wanted - tag_ids.keys())],
            ignore_conflicts=True,
        )
        tag_ids.update(Tag.objects.filter(slug__in=wanted - tag_ids.keys()).values_list("slug", "id"))
        ProductTag.objects.filter(product_id__in=list(values_by_pk)).delete()
        ProductTag.objects.bulk_create(
            [ProductTag(product_id=pk, tag_id=tag_ids[slug]) for pk, values in values_by_pk.items() for slug in values["tags"]],
            batch_size=WRITE_CHUNK,
        )


def _tags_have_slugs(values: dict[str, Any]) -> None:
    for name in values.get("tags") or []:
        if not slugify(name):
            raise RowRejected("tags", f"{name!r} needs at least one letter or digit")


class ProductsImporter(Importer):
    kind = "products"
    columns = (
        Column("product_id", parsing.identifier, required=True),
        Column("merchant_id", parsing.identifier, required=True),
        Column("title", parsing.text(300), required=True, field="title"),
        Column("description", parsing.text(20000), field="description", default=""),
        Column("price", parsing.money, required=True, field="price"),
        Column("currency", parsing.currency, field="currency", default="USD"),
        Column("category", parsing.category_path),
        Column("customisable", parsing.boolean, field="customisable", default=False),
        Column("stock", parsing.integer(0, 2_147_483_647), field="stock", default=0),
        Column("active", parsing.boolean, field="active", default=True),
        Column("tags", parsing.word_list),
        Column("attributes", parsing.attributes, field="attributes", default=dict),
        Column("created_at", parsing.timestamp, field="created_at", keep_when_blank=True),
    )
    row_checks = (_tags_have_slugs,)

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        merchant_ids = merchants_ensure(external_ids={row.values["merchant_id"] for row in rows})
        category_ids: dict[str, int] = {}
        names_by_slug: dict[str, str] = {}
        upserts = []
        for row in rows:
            fields = self.model_fields(row.values) | {"merchant_id": merchant_ids[row.values["merchant_id"]]}
            if "category" in row.values:
                path = row.values["category"]
                if path and path not in category_ids:
                    category_ids[path] = Category.ensure_path(path).pk
                fields["category_id"] = category_ids[path] if path else None
            if "tags" in row.values:
                tags = {slugify(name): name for name in row.values["tags"] or []}
                names_by_slug.update(tags)
                fields["tags"] = frozenset(tags)
            upserts.append(UpsertRow((row.values["product_id"],), fields, [row]))
        rows_upsert(
            model=Product,
            key_fields=("external_id",),
            key_column="product_id",
            rows=upserts,
            outcome=outcome,
            owner_field="merchant_id",
            extras=ProductTags(names_by_slug),
        )
