from django.urls import path

from achievements import views

app_name = "achievements"
urlpatterns = [
    path("", views.achievement_list, name="list"),
    path("new/", views.achievement_add, name="add"),
    path("<int:achievement_id>/", views.achievement_edit, name="edit"),
    path("<int:achievement_id>/withdraw/", views.achievement_withdraw_view, name="withdraw"),
    path("achievements.pdf", views.achievements_pdf, name="pdf"),
]
