from django.urls import path

from apps.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("sellers/<slug:slug>/", views.seller_detail, name="seller-detail"),
]
