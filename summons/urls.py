from django.urls import path

from summons import views

app_name = "summons"
urlpatterns = [
    path("summons/new/", views.register, name="register"),
    path("cases/<str:code>/summons/", views.case_summons, name="case"),
    path("cases/<str:code>/summons/send/", views.send, name="send"),
    path("cases/<str:code>/summons/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("cases/<str:code>/summons/existing/", views.existing_add, name="existing_add"),
    path("cases/<str:code>/summons/group/<int:existing_group_id>/", views.group_start, name="group_start"),
    path("cases/<str:code>/summons/mine/", views.mine, name="mine"),
    path("cases/<str:code>/summons/tick/<int:prep_item_id>/", views.tick, name="tick"),
]
