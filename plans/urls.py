from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("propose/", views.propose, name="propose"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/move/", views.measure_move_view, name="measure_move"),
    path("measures/<int:measure_id>/notes/", views.note_add, name="note_add"),
    path("versions/", views.versions, name="versions"),
    path("versions/compare/", views.compare, name="compare"),
]
