"""Portal pages of the fraud capability (mounted at /fraud/)."""

from django.urls import path

from apps.fraud import views

app_name = "fraud"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("overview/", views.overview_page, name="overview"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/<str:name>/", views.rule_edit_page, name="rule-edit"),
    path("lists/", views.lists_page, name="lists"),
    path("risk-settings/", views.risk_settings_page, name="risk-settings"),
    path("risk-settings/<slug:slug>/", views.risk_settings_edit_page, name="risk-settings-edit"),
    path("webhooks/", views.webhooks_page, name="webhooks"),
]
