"""Portal pages for orders (mounted at /orders/)."""

from django.urls import path

from apps.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_page, name="order-list"),
    path("<str:number>/", views.order_detail_page, name="order-detail"),
]
