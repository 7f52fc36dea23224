from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path("", views.handover_page, name="page"),
    path("plan/", views.transition_new, name="plan"),
    path("<int:transition_id>/invite/", views.invite, name="invite"),
    path("<int:transition_id>/complete/", views.complete, name="complete"),
    path("<int:transition_id>/cancel/", views.cancel, name="cancel"),
]
