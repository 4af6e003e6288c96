"""Platform-wide FAQ entries every storefront starts with (the seed's three, plus shipping and
account basics the intents need an answer for), and a few canned replies for agents."""
from django.db import migrations

FAQ = [
    ("customization_help", "How long does customisation take?",
     "how long until my personalised item is made\nwhen will my custom order be ready\nproduction time for engraved items",
     "Customisation typically takes 3-5 business days after order confirmation, then your item ships."),
    ("faq", "Can I modify my order?",
     "how do i change my order\ncan i change the engraving text after ordering\ncan i cancel my order\nchange my delivery address",
     "Orders can be modified within 2 hours of placement. After that, please contact the seller through this chat "
     "and we'll check whether production has started."),
    ("returns_refunds", "What is your return policy?",
     "can i return an item\nhow do returns work\ncan i get a refund\nexchange policy\nhow long do i have to return something",
     "We offer 30-day returns for non-customised products. Customised items cannot be returned unless they arrive "
     "damaged or with a mistake we made."),
    ("returns_refunds", "Can I return a customised item?",
     "return a personalised mug\nrefund on an engraved item\nreturns of customised items",
     "Customised items cannot be returned, because they are made just for you. If yours arrived damaged or with a "
     "mistake, tell us here and we will remake or refund it."),
    ("returns_refunds", "How long do refunds take?",
     "when will i get my refund\nrefund status\nhas my refund been processed",
     "Refunds are issued within 3 business days of the return arriving; your bank may take 5-10 days to show them."),
    ("shipping_info", "How long does delivery take?",
     "how long does shipping take\ndelivery times\nwhen will it arrive after dispatch",
     "Standard delivery takes 2-4 business days after dispatch within the country, 5-10 internationally. "
     "Express delivery (1-2 days) is offered at checkout."),
    ("shipping_info", "How much is shipping?",
     "shipping costs\npostage\nis there free shipping\ndelivery charge",
     "Shipping is 4.95 per order, free on orders over 50. International rates are shown at checkout."),
    ("shipping_info", "Do you ship internationally?",
     "do you deliver to my country\nship to canada\ninternational shipping\ncustoms duties",
     "Yes, we ship to most countries. Import duties, where they apply, are paid by the recipient."),
    ("faq", "What payment methods do you accept?",
     "can i pay with paypal\napple pay\nbuy now pay later",
     "We accept major cards, PayPal, Apple Pay and Google Pay."),
]
CANNED = [
    ("Greeting", "Hi, thanks for waiting! I'm here to help - let me take a look."),
    ("Checking", "Thanks, I'm checking that for you now; it will take a minute."),
    ("Remake offer", "I'm sorry about that. We'll remake your item at no cost; you don't need to send the original back."),
    ("Closing", "Is there anything else I can help with today?"),
]


def seed(apps, schema_editor):
    FaqEntry = apps.get_model("chat", "FaqEntry")
    CannedResponse = apps.get_model("chat", "CannedResponse")
    for topic, question, phrasings, answer in FAQ:
        FaqEntry.objects.get_or_create(merchant=None, question=question,
                                       defaults={"topic": topic, "phrasings": phrasings, "answer": answer})
    for title, text in CANNED:
        CannedResponse.objects.get_or_create(title=title, defaults={"text": text})


def unseed(apps, schema_editor):
    apps.get_model("chat", "FaqEntry").objects.filter(merchant=None, question__in=[f[1] for f in FAQ]).delete()
    apps.get_model("chat", "CannedResponse").objects.filter(title__in=[c[0] for c in CANNED]).delete()


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
