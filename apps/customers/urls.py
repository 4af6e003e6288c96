"""Portal pages for customers (mounted at /customers/)."""

from django.urls import path

from apps.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_page, name="customer-list"),
    path("<str:external_id>/", views.customer_detail_page, name="customer-detail"),
]
