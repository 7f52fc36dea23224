from django.urls import path

from personpages import views

app_name = "personpages"
urlpatterns = [
    path("road/", views.my_road, name="road"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
]
