from django.urls import path

from kaikukanta.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("pack/", views.feedback_pack, name="pack"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/remove/", views.question_remove,
         name="question_remove"),
    path("<int:pk>/open/", views.survey_open, name="open"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/answer/", views.survey_answer, name="answer"),
]
