from django.urls import path

from personpages import views

app_name = "personpages"
urlpatterns = [
    path("road/", views.my_road, name="road"),
]
