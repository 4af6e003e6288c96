"""The demo marketplace's shape: its category leaves (with the words, prices and options each
sells under) and its merchants (with the leaves each specialises in)."""
from __future__ import annotations

from dataclasses import dataclass

OCCASIONS = ("birthday", "anniversary", "wedding", "christmas", "valentine's day", "mother's day",
             "father's day", "new baby", "graduation", "housewarming", "just because")
COLOURS = ("white", "black", "navy", "sage green", "blush pink", "mustard", "terracotta", "sky blue",
           "charcoal", "cream", "forest green", "lilac")


@dataclass(frozen=True)
class CategorySpec:
    path: str
    nouns: tuple[str, ...]
    variants: tuple[str, ...]
    materials: tuple[str, ...]
    sizes: tuple[str, ...]
    personalisation: str  # how it is customised: "print", "engraving", "embroidery", "photo"
    price_median: float
    price_sigma: float
    queries: tuple[str, ...]
    sized: bool = False  # whether shoppers comment on fit/size


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Home > Drinkware > Mugs", ("Mug", "Latte Mug", "Enamel Camping Mug"),
                 ("Ceramic 11oz", "Ceramic 15oz", "Enamel 12oz"), ("ceramic", "enamel", "stoneware"),
                 ("11oz", "15oz"), "print", 16.0, 0.25, ("personalised mug", "name mug", "custom coffee mug")),
    CategorySpec("Home > Drinkware > Water Bottles", ("Water Bottle", "Insulated Flask"),
                 ("Steel 500ml", "Steel 750ml"), ("stainless steel", "recycled plastic"), ("500ml", "750ml"),
                 "engraving", 24.0, 0.25, ("engraved water bottle", "custom flask")),
    CategorySpec("Home > Decor > Cushions", ("Cushion", "Cushion Cover"), ("Linen 45cm", "Velvet 45cm"),
                 ("linen", "velvet", "cotton"), ("40cm", "45cm", "50cm"), "print", 29.0, 0.3,
                 ("photo cushion", "personalised cushion")),
    CategorySpec("Home > Decor > Candles", ("Scented Candle", "Soy Candle"), ("Soy Wax 200g", "Soy Wax 300g"),
                 ("soy wax", "coconut wax"), ("200g", "300g"), "print", 21.0, 0.3,
                 ("personalised candle", "custom label candle")),
    CategorySpec("Home > Kitchen > Chopping Boards", ("Chopping Board", "Serving Board"),
                 ("Oak", "Walnut", "Bamboo"), ("oak", "walnut", "bamboo"), ("small", "large"), "engraving",
                 36.0, 0.3, ("engraved chopping board", "wedding chopping board")),
    CategorySpec("Apparel > T-Shirts", ("T-Shirt", "Slogan Tee", "Family Matching Tee"),
                 ("Organic Cotton", "Heavyweight Cotton"), ("organic cotton", "cotton", "bamboo jersey"),
                 ("XS", "S", "M", "L", "XL", "XXL"), "print", 22.0, 0.25,
                 ("custom t shirt", "personalised tee", "hen party t-shirt"), sized=True),
    CategorySpec("Apparel > Hoodies", ("Hoodie", "Zip Hoodie"), ("Brushed Fleece", "Organic Cotton"),
                 ("cotton fleece", "organic cotton"), ("S", "M", "L", "XL"), "embroidery", 44.0, 0.25,
                 ("embroidered hoodie", "custom hoodie"), sized=True),
    CategorySpec("Apparel > Baby & Kids > Bodysuits", ("Baby Bodysuit", "Baby Vest"), ("Organic Cotton",),
                 ("organic cotton",), ("0-3m", "3-6m", "6-12m", "12-18m"), "print", 18.0, 0.2,
                 ("personalised baby vest", "new baby gift"), sized=True),
    CategorySpec("Accessories > Phone Cases", ("Phone Case", "Tough Phone Case", "Clear Phone Case"),
                 ("iPhone 15", "iPhone 14", "Galaxy S24", "Pixel 8"), ("silicone", "polycarbonate"),
                 ("iPhone 15", "iPhone 14", "Galaxy S24", "Pixel 8"), "print", 19.0, 0.2,
                 ("custom phone case", "photo phone case", "name phone case")),
    CategorySpec("Accessories > Tote Bags", ("Tote Bag", "Shopper Bag"), ("Canvas", "Jute"),
                 ("canvas", "jute", "recycled cotton"), ("standard", "large"), "print", 17.0, 0.25,
                 ("personalised tote bag", "teacher tote")),
    CategorySpec("Accessories > Keyrings", ("Keyring", "Bag Charm"), ("Brass", "Leather", "Acrylic"),
                 ("brass", "leather", "acrylic"), ("one size",), "engraving", 10.0, 0.3,
                 ("engraved keyring", "photo keyring")),
    CategorySpec("Jewellery > Necklaces", ("Name Necklace", "Initial Necklace", "Birthstone Necklace"),
                 ("Sterling Silver", "18ct Gold Plated"), ("sterling silver", "gold plated", "rose gold plated"),
                 ('16"', '18"', '20"'), "engraving", 48.0, 0.45,
                 ("name necklace", "initial necklace", "birthstone necklace")),
    CategorySpec("Jewellery > Bracelets", ("Bracelet", "Bangle", "Cuff"), ("Sterling Silver", "Gold Plated"),
                 ("sterling silver", "gold plated", "leather"), ("small", "medium", "large"), "engraving",
                 39.0, 0.4, ("engraved bracelet", "personalised bangle"), sized=True),
    CategorySpec("Jewellery > Rings", ("Signet Ring", "Stacking Ring"), ("Sterling Silver", "9ct Gold"),
                 ("sterling silver", "9ct gold"), ("J", "L", "N", "P", "R"), "engraving", 68.0, 0.5,
                 ("engraved ring", "signet ring"), sized=True),
    CategorySpec("Art > Prints", ("Print", "Star Map Print", "Street Map Print"), ("A4", "A3", "50x70cm"),
                 ("archival paper", "giclée paper"), ("A4", "A3", "50x70cm"), "print", 29.0, 0.45,
                 ("star map print", "personalised print", "map print")),
    CategorySpec("Art > Canvas", ("Canvas", "Photo Canvas"), ("30x40cm", "50x70cm"), ("cotton canvas",),
                 ("30x40cm", "50x70cm", "60x90cm"), "photo", 74.0, 0.4, ("photo canvas", "custom canvas print")),
    CategorySpec("Art > Pet Portraits", ("Pet Portrait", "Line Art Pet Portrait"), ("Framed A4", "Digital File"),
                 ("archival paper", "digital"), ("A4", "A3"), "photo", 92.0, 0.4,
                 ("pet portrait", "dog portrait", "cat portrait")),
    CategorySpec("Stationery > Notebooks", ("Notebook", "Journal", "Planner"), ("A5 Hardback", "A5 Linen"),
                 ("recycled paper", "linen cover"), ("A5", "A4"), "print", 15.0, 0.3,
                 ("personalised notebook", "custom planner")),
    CategorySpec("Stationery > Greeting Cards", ("Greeting Card", "Birthday Card"), ("A5", "Square"),
                 ("recycled card",), ("A5", "square"), "print", 4.5, 0.25,
                 ("personalised card", "birthday card", "funny card")),
    CategorySpec("Stationery > Wedding Invitations", ("Wedding Invitation Set", "Save the Date Set"),
                 ("Pack of 25", "Pack of 50"), ("textured card", "foil card"), ("pack of 25", "pack of 50"),
                 "print", 58.0, 0.35, ("wedding invitations", "save the date")),
    CategorySpec("Gifts > Photo Books", ("Photo Book", "Memory Book"), ("Hardback 20 pages", "Layflat 40 pages"),
                 ("hardback", "layflat"), ("20 pages", "40 pages"), "photo", 39.0, 0.35,
                 ("photo book", "memory book")),
    CategorySpec("Toys & Games > Jigsaw Puzzles", ("Photo Jigsaw", "Jigsaw Puzzle"), ("500 pieces", "1000 pieces"),
                 ("recycled board",), ("252 pieces", "500 pieces", "1000 pieces"), "photo", 29.0, 0.25,
                 ("photo jigsaw", "custom puzzle")),
)
CATEGORY_PATHS = tuple(c.path for c in CATEGORIES)


@dataclass(frozen=True)
class MerchantSpec:
    name: str
    slug: str
    merchant_category: str  # what a card network would file the seller under
    home_country: str
    categories: tuple[str, ...]
    size: float  # relative catalog size and traffic
    free_shipping_over: float
    shipping_fee: float


MERCHANTS: tuple[MerchantSpec, ...] = (
    MerchantSpec("Mugs & More", "mugs-and-more", "home_goods", "GB",
                 ("Home > Drinkware > Mugs", "Home > Drinkware > Water Bottles", "Home > Decor > Candles",
                  "Home > Kitchen > Chopping Boards"), 1.3, 40.0, 3.99),
    MerchantSpec("Print Palace", "print-palace", "art_and_prints", "US",
                 ("Art > Prints", "Art > Canvas", "Art > Pet Portraits", "Toys & Games > Jigsaw Puzzles",
                  "Gifts > Photo Books"), 1.4, 50.0, 5.99),
    MerchantSpec("Thread & Needle", "thread-and-needle", "apparel", "GB",
                 ("Apparel > T-Shirts", "Apparel > Hoodies", "Apparel > Baby & Kids > Bodysuits",
                  "Home > Decor > Cushions"), 1.1, 45.0, 3.49),
    MerchantSpec("Case Closed", "case-closed", "accessories", "US",
                 ("Accessories > Phone Cases", "Accessories > Keyrings", "Accessories > Tote Bags"), 0.9, 30.0, 2.99),
    MerchantSpec("Silver Lining Jewellery", "silver-lining-jewellery", "jewellery", "GB",
                 ("Jewellery > Necklaces", "Jewellery > Bracelets", "Jewellery > Rings"), 1.0, 60.0, 4.49),
    MerchantSpec("Paper Trail Studio", "paper-trail-studio", "stationery", "IE",
                 ("Stationery > Notebooks", "Stationery > Greeting Cards", "Stationery > Wedding Invitations",
                  "Gifts > Photo Books"), 0.8, 25.0, 1.99),
    MerchantSpec("Little Keepsakes", "little-keepsakes", "gifts", "CA",
                 ("Apparel > Baby & Kids > Bodysuits", "Toys & Games > Jigsaw Puzzles", "Home > Decor > Cushions",
                  "Accessories > Keyrings"), 0.7, 35.0, 4.99),
)
