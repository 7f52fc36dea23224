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
    path("<int:meeting_id>/review/needs/<int:need_id>/", views.review_need, name="review_need"),
    path("<int:meeting_id>/review/measures/<int:measure_id>/reassign/", views.review_reassign, name="review_reassign"),
    path("<int:meeting_id>/review/measures/<int:measure_id>/close/", views.review_close, name="review_close"),
]
