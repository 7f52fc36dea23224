from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_add, name="add"),
    path("<int:application_id>/", views.application_detail, name="detail"),
    path("<int:application_id>/decision/", views.application_decide_view, name="decide"),
]
