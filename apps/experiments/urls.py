"""Portal pages of experiments (mounted at /experiments/)."""
from django.urls import path

from apps.experiments import views

app_name = "experiments"
urlpatterns = [
    path("", views.experiment_list_page, name="list"),
    path("new/", views.experiment_create_page, name="create"),
    path("<slug:key>/", views.experiment_detail_page, name="detail"),
    path("<slug:key>/edit/", views.experiment_edit_page, name="edit"),
]
