"""The Bot sessions pages (mounted at /bots/)."""
from django.urls import path

from apps.bots import views

app_name = "bots"
urlpatterns = [
    path("", views.bot_session_list_page, name="list"),
    path("<int:pk>/", views.bot_session_detail_page, name="detail"),
]
