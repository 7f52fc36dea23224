from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/meeting.ics", views.meeting_calendar, name="ics"),
    path("<int:meeting_id>/attendance/", views.attendance_add, name="attendance"),
    path("<int:meeting_id>/minutes/", views.minutes_save, name="minutes"),
    path("<int:meeting_id>/decisions/", views.decision_add, name="decision"),
]
