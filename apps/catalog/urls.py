"""Portal pages for the catalog (mounted at /catalog/)."""

from django.urls import path

from apps.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list_page, name="product-list"),
    path("<str:external_id>/", views.product_detail_page, name="product-detail"),
    path("<str:external_id>/tags/", views.product_tags_page, name="product-tags"),
]
