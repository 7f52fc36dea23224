from django.urls import path

from timetable import views

app_name = "timetable"
urlpatterns = [
    path("due/", views.due, name="due"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new/", views.calendar_new, name="calendar_new"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("cases/<str:code>/timetable/", views.case_timetable, name="case"),
    path("cases/<str:code>/timetable/notices/", views.release_notice, name="release_notice"),
    path("cases/<str:code>/timetable/rule-set/", views.case_rule_set, name="case_rule_set"),
]
