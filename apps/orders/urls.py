"""Portal pages for orders."""
app_name = "orders"
urlpatterns: list = []
