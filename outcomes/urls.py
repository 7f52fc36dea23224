from django.urls import path

from outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.case_outcomes, name="case"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("charges/", views.charge_add, name="charge_add"),
    path("charges/<int:charge_id>/remove/", views.charge_remove_view, name="charge_remove"),
]
