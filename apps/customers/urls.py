"""Portal pages for customers."""
app_name = "customers"
urlpatterns: list = []
