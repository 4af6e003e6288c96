"""API v1 routes for reviews."""
urlpatterns: list = []
