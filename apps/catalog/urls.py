"""Portal pages for catalog."""
app_name = "catalog"
urlpatterns: list = []
