from django.urls import path

from apps.chat import views

app_name = "chat"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("overview/", views.overview, name="overview"),
    path("faq/", views.faq_list, name="faq-list"),
    path("faq/new/", views.faq_new, name="faq-new"),
    path("faq/<int:pk>/", views.faq_edit, name="faq-edit"),
    path("widget/", views.widget_list, name="widget-list"),
    path("widget/<slug:slug>/", views.widget_edit, name="widget-edit"),
]
