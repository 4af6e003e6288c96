"""The public demo storefront (not a portal page: no sign-in, one merchant's shop window)."""
from django.urls import path

from apps.chat import views

app_name = "storefront"
urlpatterns = [
    path("<slug:slug>/", views.storefront, name="shop"),
]
