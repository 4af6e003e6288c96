"""Phrase banks for review text, per aspect and sentiment.

Full sentences carry one aspect each; short phrases are for contrast sentences ("great print
but slow delivery"). Positive phrases use words such as great, lovely, perfect, fast; negative
ones poor, slow, wrong, damaged, so the wording always agrees with the star rating.
"""
from __future__ import annotations

ASPECTS = ("price", "quality", "delivery", "customisation", "size", "packaging", "service")

POSITIVE = {
    "price": ("Great value for the price.", "Great price for a personalised {noun}.", "Worth every penny."),
    "quality": ("The quality is excellent and it feels really sturdy.", "Beautiful quality, the print is crisp.",
                "Lovely quality {noun}, even better than the photos."),
    "delivery": ("Delivery was fast and it arrived earlier than expected.", "Arrived fast, well before the big day.",
                 "Super fast delivery."),
    "customisation": ("The personalisation is perfect, exactly what I asked for.",
                      "The name came out perfect and beautifully lettered.",
                      "Love how the customisation turned out."),
    "size": ("A perfect fit, true to size.", "The size is perfect."),
    "packaging": ("Beautiful packaging, ready to give as a gift.", "Lovely packaging with a handwritten note."),
    "service": ("The seller was really helpful and sent a proof quickly.", "Great communication from the shop."),
}
NEGATIVE = {
    "price": ("Overpriced for what you get.", "Far too expensive for such poor quality."),
    "quality": ("The quality is poor and the print faded after one wash.", "It feels cheap and flimsy.",
                "It arrived damaged and poorly finished."),
    "delivery": ("Delivery was really slow and it missed the birthday.", "Took three weeks to arrive, far too slow.",
                 "Slow delivery with no tracking updates."),
    "customisation": ("The name was spelled wrong.", "The personalisation was misaligned and the font was wrong.",
                      "The photo print came out blurry."),
    "size": ("Runs small, the size was wrong for me.", "The size was wrong, much smaller than described."),
    "packaging": ("Poor packaging, the {noun} arrived scratched.", "It came in a flimsy envelope and was damaged."),
    "service": ("The seller never replied to my messages.", "Terrible customer service, still waiting for a reply."),
}
POSITIVE_SHORT = {
    "price": "great value", "quality": "great quality", "delivery": "fast delivery",
    "customisation": "a lovely print", "size": "a great fit", "packaging": "lovely packaging",
    "service": "a helpful seller",
}
NEGATIVE_SHORT = {
    "price": "a bit pricey", "quality": "the finish is poor", "delivery": "slow delivery",
    "customisation": "the font was wrong", "size": "the size was wrong", "packaging": "poor packaging",
    "service": "slow replies from the seller",
}
OPENERS = {
    5: ("Absolutely love it!", "Perfect gift!", "Could not be happier.", ""),
    4: ("Really pleased.", "Lovely {noun}.", ""),
    3: ("", "Mixed feelings."),
    2: ("Disappointed.", "Not as described."),
    1: ("Really disappointed.", "Avoid.", "Very poor."),
}
CLOSERS = {
    5: ("Would definitely recommend.", "Will be ordering again.", "Five stars."),
    4: ("Would buy again.", "Happy overall.", ""),
    3: ("It's okay overall.", "Not bad, not brilliant.", "Average for the price."),
    2: ("Would not order again.", ""),
    1: ("Would not order again.", "I have asked for a refund.", "Complete waste of money."),
}
TITLES = {
    5: ("Love it!", "Perfect gift", "Absolutely perfect", "Beautiful {noun}"),
    4: ("Really nice", "Very pleased", "Lovely {noun}"),
    3: ("Mixed feelings", "It's okay", "Good and bad"),
    2: ("Disappointed", "Not as described"),
    1: ("Very poor", "Avoid", "Waste of money"),
}
# Collusion rings write loud, samey praise.
RING_REVIEWS = (
    "Amazing!!! Best {noun} ever, super fast delivery, 10/10 would buy again!!",
    "Perfect perfect perfect. Best seller on the site, buy from them!!!",
    "Excellent {noun}!!! Great seller, fast delivery, five stars!!!",
)
RING_TITLES = ("BEST SELLER!!!", "Amazing!!!", "10/10")
