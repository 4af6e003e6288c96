"""API v1 routes for bot sessions."""
from django.urls import path

from apps.bots.api import views

urlpatterns = [
    path("bot-sessions/", views.BotSessionListView.as_view(), name="bot-session-list"),
    path("bot-sessions/score", views.BotSessionScoreView.as_view(), name="bot-session-score"),
    path("bot-sessions/<int:pk>/", views.BotSessionDetailView.as_view(), name="bot-session-detail"),
]
