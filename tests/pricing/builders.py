"""Products with stored price suggestions, for the pricing tests and the route registries."""
from __future__ import annotations

from decimal import Decimal

from apps.catalog.models import Category, Product
from apps.merchants.models import Merchant
from apps.pricing.models import PriceSuggestion
from tests import factories


def suggest(product: Product, low: str, mid: str, high: str, *, source: str = PriceSuggestion.Source.CATEGORY) -> PriceSuggestion:
    return PriceSuggestion.objects.update_or_create(
        product=product,
        defaults={"low": Decimal(low), "mid": Decimal(mid), "high": Decimal(high), "source": source, "comparables": 10},
    )[0]


def outlier_product(merchant: Merchant, *, price: str = "90.00", **fields) -> Product:
    """A product priced far above its stored range (10–20)."""
    product = factories.ProductFactory(merchant=merchant, price=Decimal(price), **fields)
    suggest(product, "10.00", "15.00", "20.00")
    return product


BASE_PRICES = {"Home > Drinkware > Mugs": 15.0, "Jewellery > Necklaces": 60.0, "Art > Prints": 30.0}


def plant_catalog(merchants: list[Merchant], *, per_category: int = 24) -> list[Product]:
    """Listings whose price follows category x material (silver 2x) x personalisation (1.4x), with
    deterministic jitter, spread over `merchants`: enough to train on (>= 50 listings)."""
    products = []
    for c, (path, base) in enumerate(BASE_PRICES.items()):
        category = Category.ensure_path(path)
        for i in range(per_category):
            silver, personalised = i % 3 == 0, i % 2 == 0
            jitter = 1 + ((i * 7 + c) % 9 - 4) / 40  # +-10%
            price = base * (2.0 if silver else 1.0) * (1.4 if personalised else 1.0) * jitter
            material = "silver" if silver else "ceramic"
            attributes = {"materials": [material]}
            if personalised:
                attributes["personalisation"] = "engraving"
            products.append(
                factories.ProductFactory(
                    merchant=merchants[i % len(merchants)],
                    title=f"{'Personalised ' if personalised else ''}{material} {path.rsplit('>', 1)[-1].strip()}",
                    category=category,
                    attributes=attributes,
                    customisable=personalised,
                    price=Decimal(f"{price:.2f}"),
                )
            )
    return products
