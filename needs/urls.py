from django.urls import path

from needs import views

app_name = "needs"
urlpatterns = [
    path("", views.needs_map, name="map"),
    path("add/", views.need_add, name="add"),
    path("<int:need_id>/edit/", views.need_edit, name="edit"),
    path("resources/add/", views.resource_add, name="resource_add"),
    path("conversations/add/", views.conversation_add, name="conversation_add"),
    path("volunteers/", views.volunteers, name="volunteers"),
]
