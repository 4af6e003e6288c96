"""Portal pages for reviews."""
app_name = "reviews"
urlpatterns: list = []
