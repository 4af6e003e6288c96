"""factory_boy factories for every commerce model, shared by all test modules."""
from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.models import Category, Product
from apps.customers.models import Customer, MerchantCustomer
from apps.events.models import Event
from apps.merchants.models import Membership, Merchant
from apps.orders.models import Order, OrderItem, Payment
from apps.reviews.models import Review


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = User.Role.MERCHANT_STAFF
    password = factory.django.Password("pass12345")


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Merchant {n}")
    slug = factory.Sequence(lambda n: f"merchant-{n}")
    external_id = factory.Sequence(lambda n: f"M{n:04d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    role = Membership.Role.STAFF


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    external_id = factory.Sequence(lambda n: f"P{n:05d}")
    title = factory.Sequence(lambda n: f"Custom Mug {n}")
    description = "A ceramic mug printed with your name."
    price = Decimal("19.99")
    category = factory.SubFactory(CategoryFactory)
    customisable = True
    stock = 10


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    external_id = factory.Sequence(lambda n: f"C{n:06d}")
    email = factory.LazyAttribute(lambda c: f"{c.external_id.lower()}@shopper.test")
    country = "GB"


class MerchantCustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MerchantCustomer

    merchant = factory.SubFactory(MerchantFactory)
    customer = factory.SubFactory(CustomerFactory)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    merchant = factory.SubFactory(MerchantFactory)
    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"ORD-{100000 + n}")
    subtotal = Decimal("19.99")
    total = Decimal("24.99")
    shipping = Decimal("5.00")
    placed_at = factory.LazyFunction(timezone.now)


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory, merchant=factory.SelfAttribute("..order.merchant"))
    title = factory.LazyAttribute(lambda i: i.product.title if i.product else "Item")
    quantity = 1
    unit_price = Decimal("19.99")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    merchant = factory.SubFactory(MerchantFactory)
    customer = factory.SubFactory(CustomerFactory)
    transaction_id = factory.Sequence(lambda n: f"TX{n:08d}")
    amount = Decimal("24.99")
    card_fingerprint = factory.Sequence(lambda n: f"card{n}")
    device_id = factory.Sequence(lambda n: f"dev{n}")
    ip_address = "81.2.69.142"
    country = "GB"
    timestamp = factory.LazyFunction(timezone.now)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    external_id = factory.Sequence(lambda n: f"E{n:08d}")
    merchant = factory.SubFactory(MerchantFactory)
    customer = factory.SubFactory(CustomerFactory)
    session_id = "s1"
    type = "view"
    product = factory.SubFactory(ProductFactory, merchant=factory.SelfAttribute("..merchant"))
    timestamp = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    merchant = factory.SubFactory(MerchantFactory)
    external_id = factory.Sequence(lambda n: f"R{n:06d}")
    product = factory.SubFactory(ProductFactory, merchant=factory.SelfAttribute("..merchant"))
    customer = factory.SubFactory(CustomerFactory)
    rating = 5
    title = "Lovely"
    text = "Great print quality and fast delivery."
