"""scope_for_user: the one helper every merchant-owned read goes through."""
import pytest

from apps.catalog.models import Product
from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer
from apps.events.models import Event
from apps.merchants.models import Merchant
from apps.orders.models import Order, OrderItem, Payment
from apps.reviews.models import Review
from tests import factories


@pytest.fixture
def two_shops(merchant_a, merchant_b):
    rows = {}
    for key, merchant in (("a", merchant_a), ("b", merchant_b)):
        item = factories.OrderItemFactory(order__merchant=merchant)
        factories.MerchantCustomerFactory(merchant=merchant, customer=item.order.customer)
        rows[key] = {
            "order": item.order,
            "item": item,
            "product": item.product,
            "customer": item.order.customer,
            "payment": factories.PaymentFactory(merchant=merchant, customer=item.order.customer),
            "event": factories.EventFactory(merchant=merchant, product=item.product, customer=item.order.customer),
            "review": factories.ReviewFactory(merchant=merchant, product=item.product),
        }
    return rows


MODELS = {
    "order": Order,
    "item": OrderItem,
    "product": Product,
    "customer": Customer,
    "payment": Payment,
    "event": Event,
    "review": Review,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_merchant_staff_see_only_their_merchant(two_shops, staff_a, kind):
    visible = set(scope_for_user(MODELS[kind].objects.all(), staff_a).values_list("pk", flat=True))
    assert two_shops["a"][kind].pk in visible
    assert two_shops["b"][kind].pk not in visible


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_platform_roles_see_every_merchant(two_shops, analyst, kind):
    visible = set(scope_for_user(MODELS[kind].objects.all(), analyst).values_list("pk", flat=True))
    assert {two_shops["a"][kind].pk, two_shops["b"][kind].pk} <= visible


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_customers_and_anonymous_see_nothing(two_shops, customer_user, kind):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_for_user(MODELS[kind].objects.all(), customer_user).exists()
    assert not scope_for_user(MODELS[kind].objects.all(), AnonymousUser()).exists()


@pytest.mark.django_db
def test_member_of_two_merchants_sees_both(two_shops, merchant_a, merchant_b):
    user = factories.UserFactory(username="both")
    factories.MembershipFactory(user=user, merchant=merchant_a)
    factories.MembershipFactory(user=user, merchant=merchant_b)
    assert scope_for_user(Merchant.objects.all(), user).count() == 2
    assert scope_for_user(Order.objects.all(), user).count() == 2


@pytest.mark.django_db
def test_staff_role_without_membership_sees_nothing(two_shops):
    lonely = factories.UserFactory(username="lonely")
    assert not scope_for_user(Product.objects.all(), lonely).exists()
