"""API v1 routes for segmentation."""

from django.urls import path, re_path

from apps.core.api.fields import EXTERNAL_ID_URL_REGEX
from apps.segments.api import views

urlpatterns = [
    path("segmentation/train", views.SegmentationTrainView.as_view(), name="segmentation-train"),
    path("segmentation/segments", views.SegmentListView.as_view(), name="segmentation-segment-list"),
    path("segmentation/segments/<int:pk>/insights", views.SegmentInsightsView.as_view(), name="segmentation-segment-insights"),
    re_path(
        rf"^customers/(?P<external_id>{EXTERNAL_ID_URL_REGEX})/segment$",
        views.CustomerSegmentView.as_view(),
        name="customer-segment",
    ),
]
