"""Portal pages for reviews (mounted at /reviews/)."""

from django.urls import path

from apps.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list_page, name="review-list"),
    path("<int:pk>/", views.review_detail_page, name="review-detail"),
    path("insights/", views.merchant_insights_page, name="merchant-insights"),
    path("product/<str:external_id>/insights/", views.product_insights_page, name="product-insights"),
]
