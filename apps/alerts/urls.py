"""The shopper's alerts page (mounted at /alerts/)."""
from django.urls import path

from apps.alerts import views

app_name = "alerts"
urlpatterns = [path("", views.alerts_page, name="page")]
