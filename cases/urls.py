from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.intake, name="intake"),
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/group/", views.group, name="group"),
    path("<str:code>/group/add/", views.member_add, name="member_add"),
    path("<str:code>/group/<int:membership_id>/end/", views.member_end, name="member_end"),
    path("<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:code>/changes/", views.changes, name="changes"),
    path("<str:code>/access-log/", views.access_log, name="access_log"),
]
