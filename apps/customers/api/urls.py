"""API v1 routes for customers."""
urlpatterns: list = []
