"""Portal pages for search (mounted at /search/)."""
from django.urls import path

from apps.search import views

app_name = "search"
urlpatterns = [
    path("", views.insights_page, name="insights"),
]
