from django.urls import path

from obstacles import views

app_name = "obstacles"
urlpatterns = [
    path("cases/<str:code>/obstacles/", views.case_obstacles, name="case"),
    path("cases/<str:code>/obstacles/<int:obstacle_id>/done/", views.obstacle_done, name="done"),
    path("obstacles/unit/", views.unit, name="unit"),
    path("obstacles/<int:obstacle_id>/code/", views.code, name="code"),
    path("obstacles/map/", views.reentry_map, name="map"),
    path("obstacles/zones/", views.zones, name="zones"),
    path("obstacles/zones.csv", views.zones_csv, name="zones_csv"),
]
