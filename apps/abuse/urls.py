from django.urls import path

from apps.abuse import views

app_name = "abuse"
urlpatterns = [
    path("scalping/", views.scalping_list, name="scalping-list"),
    path("rings/", views.ring_list_page, name="ring-list"),
    path("rings/<int:pk>/", views.ring_detail_page, name="ring-detail"),
    path("detect/", views.detect, name="detect"),
]
