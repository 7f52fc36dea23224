from django.urls import path

from release import views

app_name = "release"
urlpatterns = [
    path("", views.readiness, name="readiness"),
    path("items/<int:item_id>/", views.item_update, name="item_update"),
    path("sudden/", views.sudden, name="sudden"),
]
