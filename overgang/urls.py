from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core import views as core_views
from personpages import views as personpages_views

admin.site.site_header = "Overgang"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("help/", core_views.help_page, name="help"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("login/oidc/<str:provider>/", account_views.oidc_start, name="oidc_start"),
    path("login/oidc/<str:provider>/callback/", account_views.oidc_callback, name="oidc_callback"),
    path("password/<uidb64>/<token>/", account_views.password_reset_confirm, name="password_reset_confirm"),
    path("password/done/", account_views.password_reset_complete, name="password_reset_complete"),
    path("account/second-factor/", account_views.second_factor, name="second_factor"),
    path("account/second-factor/verify/", account_views.second_factor_verify, name="second_factor_verify"),
    path("account/second-factor/enrol/", account_views.second_factor_enrol, name="second_factor_enrol"),
    path("language/", core_views.language_choose, name="set_language"),
    path("cases/", include("cases.urls")),
    path("cases/<str:code>/needs/", include("needs.urls")),
    path("cases/<str:code>/consent/", include("consent.urls")),
    path("", include("timetable.urls")),
    path("cases/<str:code>/plan/", include("plans.urls")),
    path("cases/<str:code>/meetings/", include("meetings.urls")),
    path("cases/<str:code>/thread/", include("threads.urls")),
    path("cases/<str:code>/handover/", include("handover.urls")),
    path("cases/<str:code>/release/", include("release.urls")),
    path("", include("obstacles.urls")),
    path("", include("insight.urls")),
    path("cases/<str:code>/applications/", include("applications.urls")),
    path("cases/<str:code>/me/", include("personpages.urls")),
    path("cases/<str:code>/achievements/", include("achievements.urls")),
    path("cases/<str:code>/words/", include("ownwords.urls")),
    path("cases/<str:code>/outcomes/", include("outcomes.urls")),
    path("", include("programmes.urls")),
    path("", include("summons.urls")),
    path("", include("directory.urls")),
    path("", include("report.urls")),
    path("", include("costbenefit.urls")),
    path("", include("surveys.urls")),
    path("listen/<path:page>", personpages_views.listen, name="listen"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler500 = core_views.server_error
