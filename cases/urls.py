from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.intake, name="intake"),
    path("invitations/", views.invitations, name="invitations"),
    path("unit/", views.unit, name="unit"),
    path("invitations/<int:membership_id>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:membership_id>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/group/", views.group, name="group"),
    path("<str:code>/group/add/", views.member_add, name="member_add"),
    path("<str:code>/group/<int:membership_id>/end/", views.member_end, name="member_end"),
    path("<str:code>/group/<int:membership_id>/lead/", views.member_make_lead, name="member_make_lead"),
    path("<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:code>/follow-up/", views.follow_up_phase, name="follow_up_phase"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/carry-over/", views.carry_over_ask_view, name="carry_over_ask"),
    path("<str:code>/carry-over/<int:carry_over_id>/person/", views.carry_over_person_view, name="carry_over_person"),
    path("<str:code>/carry-over/<int:carry_over_id>/answer/", views.carry_over_holder_view, name="carry_over_holder"),
    path("<str:code>/changes/", views.changes, name="changes"),
    path("<str:code>/access-log/", views.access_log, name="access_log"),
    path("<str:code>/reason/", views.open_with_reason, name="open_with_reason"),
]
