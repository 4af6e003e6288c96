"""Portal pages for pricing (mounted at /pricing/)."""
from django.urls import path

from apps.pricing import views

app_name = "pricing"
urlpatterns = [path("outliers/", views.outliers_page, name="outliers")]
