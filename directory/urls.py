from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/services/<uuid:service_id>/", views.service, name="service"),
    path("directory/services/<uuid:service_id>/checked/", views.service_verify_view, name="service_verify"),
    path("directory/referrals/", views.referrals, name="referrals"),
    path("directory/referrals/<int:referral_id>/", views.referral, name="referral"),
    path("directory/referrals/<int:referral_id>/accept/", views.referral_accept_view, name="referral_accept"),
    path("directory/referrals/<int:referral_id>/decline/", views.referral_decline_view, name="referral_decline"),
    path("cases/<str:code>/plan/measures/<int:measure_id>/service/", views.measure_service, name="measure_service"),
    path("cases/<str:code>/plan/measures/<int:measure_id>/refer/", views.refer, name="refer"),
]
