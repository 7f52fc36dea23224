from django.urls import path

from report import views

app_name = "report"
urlpatterns = [
    path("report/", views.page, name="page"),
    path("report/report.pdf", views.pdf, name="pdf"),
    path("report/report.csv", views.csv_export, name="csv"),
]
