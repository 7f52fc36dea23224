from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("", views.consent_page, name="page"),
    path("give/", views.consent_give_view, name="give"),
    path("withdraw/", views.consent_withdraw_view, name="withdraw"),
]
