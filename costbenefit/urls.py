from django.urls import path

from costbenefit import views

app_name = "costbenefit"
urlpatterns = [
    path("costbenefit/", views.index, name="index"),
    path("costbenefit/start/", views.start, name="start"),
    path("costbenefit/<int:line_id>/", views.line, name="line"),
    path("costbenefit/<int:line_id>/edit/", views.edit, name="edit"),
    path("costbenefit/<int:line_id>/gain/", views.gain, name="gain"),
]
