"""Product auto-tagging inside the app: serving suggestions, recording merchants' decisions, and
reading the catalog as training rows.

Suggestions come from `ml.tagging` (vocabulary matching, plus the production "tagging" model
when the registry has a loadable one; without it the vocabulary answers alone, never an error).
A decision is stored for the next training run and, when accepted, applied to the product
through the audited catalog service.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import Category, Product, TagSuggestionDecision
from apps.catalog.services import product_update
from apps.mlops.selectors import production_model
from ml.tagging.model import LabelledProduct, TaggingModel
from ml.tagging.suggest import suggest_tags
from ml.tagging.vocabulary import ATTRIBUTES, VOCABULARY_FAMILIES, Suggestion

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)
TAGGING_MODEL_NAME = "tagging"
ATTRIBUTE_FLAGS = {"customisable": "customisable"}  # attribute value -> boolean Product field it also sets


@dataclass(frozen=True)
class SuggestionSet:
    suggestions: list[Suggestion]
    model_version: int | None  # None: vocabulary matching only


def tagging_model() -> tuple[int, TaggingModel] | None:
    loaded = production_model(name=TAGGING_MODEL_NAME)
    if loaded is None or not isinstance(loaded[1], TaggingModel):
        return None
    return loaded[0].version, loaded[1]


def suggestions_for_text(*, title: str, description: str = "", category: str | None = None) -> SuggestionSet:
    loaded = tagging_model()
    if loaded is not None:
        try:
            return SuggestionSet(
                suggest_tags(title=title, description=description, category=category, model=loaded[1]), loaded[0]
            )
        except Exception:  # an artifact pickled from an older TaggingModel: degrade to the vocabulary, never a 500
            logger.exception("tagging model v%s failed to predict; answering with the vocabulary alone", loaded[0])
    return SuggestionSet(suggest_tags(title=title, description=description, category=category), None)


def applied_values(product: Product) -> dict[str, set[str]]:
    """What the product already carries, per family (suggesting it again would be noise)."""
    applied: dict[str, set[str]] = defaultdict(set)
    if product.category_id:
        applied["category"].add(product.category.path)
    for family in ("materials", "colours", "occasions"):
        values = product.attributes.get(family) if isinstance(product.attributes, dict) else None
        if isinstance(values, list):
            applied[family].update(str(value).lower() for value in values)
    applied["attributes"].update(tag.name.lower() for tag in product.tags.all())
    if product.customisable:
        applied["attributes"].add("customisable")
    return applied


def suggestions_for_product(*, product: Product) -> SuggestionSet:
    """Suggestions the merchant has not applied yet and has not rejected for this product."""
    found = suggestions_for_text(
        title=product.title, description=product.description, category=product.category.path if product.category_id else None
    )
    applied = applied_values(product)
    rejected = set(
        TagSuggestionDecision.objects.filter(product=product, accepted=False).values_list("family", "value")
    )
    fresh = [
        s for s in found.suggestions if s.value.lower() not in applied[s.family] and (s.family, s.value) not in rejected
    ]
    return SuggestionSet(fresh, found.model_version)


def _apply(*, actor: User, product: Product, family: str, value: str) -> None:
    if family == "category":
        category = Category.objects.filter(path=value).first()
        if category is None:
            raise ValidationError({"value": f"Unknown category {value!r}."})
        product_update(actor=actor, product=product, category=category)
    elif family == "attributes":
        tags = [*product.tags.values_list("name", flat=True), value]
        flags = {ATTRIBUTE_FLAGS[value]: True} if value in ATTRIBUTE_FLAGS else {}
        product_update(actor=actor, product=product, tags=tags, **flags)
    else:
        attributes = dict(product.attributes) if isinstance(product.attributes, dict) else {}
        current = attributes.get(family) if isinstance(attributes.get(family), list) else []
        attributes[family] = sorted({*current, value})
        product_update(actor=actor, product=product, attributes=attributes)


@transaction.atomic
def tag_decide(
    *, actor: User, product: Product, family: str, value: str, accepted: bool, confidence: float | None = None
) -> TagSuggestionDecision:
    """Record the merchant's verdict; an accepted suggestion is applied to the product (audited)."""
    if family not in TagSuggestionDecision.Family.values:
        raise ValidationError({"family": f"Unknown tag family {family!r}."})
    value = value.strip()
    if not value:
        raise ValidationError({"value": "A value is required."})
    if accepted:
        _apply(actor=actor, product=product, family=family, value=value)
    return TagSuggestionDecision.objects.create(
        product=product,
        family=family,
        value=value,
        accepted=accepted,
        confidence=confidence,
        user=actor if getattr(actor, "is_authenticated", False) else None,
    )


def training_rows() -> list[LabelledProduct]:
    """Every product as a labelled row: its catalog data as labels, corrected by merchants' decisions.

    The attributes family reads the tags that name a vocabulary attribute (and the customisable
    flag); materials, colours and occasions read the lists in `Product.attributes`.
    """
    tag_names: dict[int, set[str]] = defaultdict(set)
    for product_id, name in Product.tags.through.objects.values_list("product_id", "tag__name"):
        tag_names[product_id].add(name.lower())
    decisions: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    # Oldest first, so the latest decision on a value wins below.
    for product_id, family, value, accepted in TagSuggestionDecision.objects.order_by("created_at", "id").values_list(
        "product_id", "family", "value", "accepted"
    ):
        decisions[product_id].append((family, value, accepted))

    rows = []
    products = Product.objects.values_list("id", "title", "description", "category__path", "attributes", "customisable")
    for product_id, title, description, category, attributes, customisable in products.iterator(chunk_size=2000):
        attributes = attributes if isinstance(attributes, dict) else {}
        tags = {
            family: {str(v).lower() for v in attributes.get(family, []) if isinstance(attributes.get(family), list)}
            for family in VOCABULARY_FAMILIES
            if family != "attributes"
        }
        tags["attributes"] = {name for name in tag_names[product_id] if name in ATTRIBUTES}
        if customisable:
            tags["attributes"].add("customisable")
        row = LabelledProduct(title=title, description=description or "", category=category, tags=tags)
        for family, value, accepted in decisions[product_id]:
            keep, drop = (row.accepted, row.rejected) if accepted else (row.rejected, row.accepted)
            if family == "category" and not accepted:
                row.category_rejected.add(value)
                row.accepted.get("category", set()).discard(value)
                continue
            keep.setdefault(family, set()).add(value)
            drop.get(family, set()).discard(value)
        rows.append(row)
    return rows
