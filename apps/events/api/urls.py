"""API v1 routes for events."""
urlpatterns: list = []
