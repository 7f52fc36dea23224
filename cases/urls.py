from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.intake, name="intake"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:membership_id>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:membership_id>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/group/", views.group, name="group"),
    path("<str:code>/group/add/", views.member_add, name="member_add"),
    path("<str:code>/group/<int:membership_id>/end/", views.member_end, name="member_end"),
    path("<str:code>/group/<int:membership_id>/lead/", views.member_make_lead, name="member_make_lead"),
    path("<str:code>/group/take-over/", views.group_take_over_view, name="group_take_over"),
    path("<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:code>/follow-up/", views.follow_up_phase, name="follow_up_phase"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/take-over-plan/", views.take_over_plan, name="take_over_plan"),
    path("<str:code>/changes/", views.changes, name="changes"),
    path("<str:code>/access-log/", views.access_log, name="access_log"),
]
