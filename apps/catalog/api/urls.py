"""API v1 routes for catalog."""
urlpatterns: list = []
