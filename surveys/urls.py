from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("cases/<str:code>/questions/", views.answer, name="answer"),
    path("surveys/staff/", views.staff, name="staff"),
    path("surveys/paper/", views.paper, name="paper"),
    path("surveys/paper.pdf", views.paper_pdf, name="paper_pdf"),
    path("surveys/figures/", views.figures, name="figures"),
]
