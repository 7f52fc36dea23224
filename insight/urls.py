from django.urls import path

from insight import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.index, name="index"),
    path("insight/take/", views.take, name="take"),
    path("insight/measurements/<int:measurement_id>/", views.measurement, name="measurement"),
    path("insight/measurements/<int:measurement_id>/status/", views.status, name="status"),
    path("insight/measurements/<int:measurement_id>/baseline/", views.mark_baseline, name="baseline"),
]
