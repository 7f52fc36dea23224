from django.urls import path

from ownwords import views

app_name = "ownwords"
urlpatterns = [
    path("need/<int:need_id>/", views.need_words, name="need"),
    path("wish/", views.wish, name="wish"),
    path("proposal/<int:measure_id>/", views.proposal_words, name="proposal"),
    path("meeting/", views.meeting, name="meeting"),
    path("meeting/<int:words_id>/answered/", views.answered, name="answered"),
]
