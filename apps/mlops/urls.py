from django.urls import path

from apps.mlops import views

app_name = "mlops"
urlpatterns = [
    path("", views.model_list, name="model-list"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/<slug:name>/check/", views.monitoring_check, name="monitoring-check"),
    path("<slug:name>/train/", views.model_train, name="model-train"),
    path("<slug:name>/rollback/", views.model_roll_back, name="model-rollback"),
    path("<slug:name>/canary/", views.model_canary, name="model-canary"),
    path("<slug:name>/canary/stop/", views.model_canary_stop, name="model-canary-stop"),
    path("<slug:name>/canary/promote/", views.model_canary_promote, name="model-canary-promote"),
    path("versions/<int:pk>/promote/", views.version_promote, name="version-promote"),
]
