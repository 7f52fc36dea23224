from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("cases/<str:code>/programmes/", views.case_programmes, name="case"),
    path("cases/<str:code>/programmes/facts/", views.facts_set, name="facts"),
    path("cases/<str:code>/programmes/apply/", views.apply, name="apply"),
    path("programmes/", views.index, name="index"),
    path("programmes/<slug:slug>/", views.programme_view, name="detail"),
    path("programmes/enrolments/<int:enrolment_id>/", views.enrolment_view, name="enrolment"),
    path("programmes/enrolments/<int:enrolment_id>/interview/", views.interview, name="interview"),
    path("programmes/enrolments/<int:enrolment_id>/decision/", views.decide, name="decide"),
    path("programmes/enrolments/<int:enrolment_id>/phase/", views.phase_move, name="phase"),
    path("programmes/enrolments/<int:enrolment_id>/close/", views.close, name="close"),
]
