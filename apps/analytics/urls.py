from django.urls import path

from apps.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.trends, name="trends"),
    path("affinity/", views.affinity, name="affinity"),
    path("cross-sell/", views.cross_sell, name="cross-sell"),
    path("funnel/", views.funnel, name="funnel"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("sellers/", views.sellers, name="sellers"),
]
