"""Entities: order numbers in any spelling, emails, product types, catalog titles (fuzzy), colours, sizes."""
from __future__ import annotations

import pytest

from ml.chat.entities import CatalogVocabulary, extract_entities, order_numbers_in

CATALOG = CatalogVocabulary({1: "Personalised Name Mug", 2: "Photo Travel Mug", 3: "Custom Star Map Poster",
                             4: "Embroidered Initial Tee", 5: "Engraved Wooden Keyring"})


@pytest.mark.parametrize("text, numbers", [
    ("where is ORD-12345", ["ORD-12345"]),
    ("ord 12345 please", ["ORD-12345"]),
    ("Ord-77 and ORD - 8", ["ORD-77", "ORD-8"]),
    ("order ord#4410", ["ORD-4410"]),
    ("my order number is 12345", []),
    ("ORDER-1 is not an order number", []),
])
def test_order_numbers(text, numbers):
    assert order_numbers_in(text) == numbers


def test_products_match_fuzzily_but_not_on_a_generic_word():
    assert [m.product_id for m in extract_entities("is the personalized name mug dishwasher safe", CATALOG).products] == [1]
    assert [m.product_id for m in extract_entities("star map poster in stock?", CATALOG).products] == [3]
    assert extract_entities("how much is a mug", CATALOG).products == []


def test_types_colours_sizes_and_email():
    found = extract_entities("Do you have the tee in navy, size m or XL? mail sam@shop.test", CATALOG)
    assert found.product_types == ["shirt"]
    assert found.colours == ["navy"]
    assert set(found.sizes) == {"M", "XL"}
    assert found.emails == ["sam@shop.test"]
    assert "products" not in extract_entities("hi", CATALOG).as_dict()
