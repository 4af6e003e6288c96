"""API v1 routes for scalping flags, collusion rings and re-running their detection."""
from django.urls import path

from apps.abuse.api import views

urlpatterns = [
    path("abuse/scalping-flags", views.ScalpingFlagListView.as_view(), name="abuse-scalping-flag-list"),
    path("abuse/scalping-flags/<int:pk>", views.ScalpingFlagDetailView.as_view(), name="abuse-scalping-flag-detail"),
    path("abuse/rings", views.RingListView.as_view(), name="abuse-ring-list"),
    path("abuse/rings/<int:pk>", views.RingDetailView.as_view(), name="abuse-ring-detail"),
    path("abuse/detect", views.DetectView.as_view(), name="abuse-detect"),
]
