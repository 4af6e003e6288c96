"""API v1 routes for search."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.search.api.views import SearchView, SynonymViewSet

router = SimpleRouter()
router.register("search/synonyms", SynonymViewSet, basename="search-synonym")
urlpatterns = [
    path("search", SearchView.as_view(), name="search"),
    *router.urls,
]
