from django.urls import path

from apps.segments import views

app_name = "segments"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.segment_detail, name="segment-detail"),
]
